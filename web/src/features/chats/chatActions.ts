import { api, unwrap } from '../../api/http';
import { countFrom } from '../../realtime/events';
import { chatListItemOf, putChats, putUsers, useChats } from '../../store/chats';

/** The first page of the chat list, or the next one. */
export async function loadChats(next = false): Promise<void> {
  const cursor = useChats.getState().chatsCursor;
  if (next && !cursor) return;
  const page = await unwrap(api.GET('/chats', { params: { query: next && cursor ? { cursor, limit: 50 } : { limit: 50 } } }));
  for (const chat of page.items) countFrom(chat.id, chat.eventSeq);
  putChats(page.items, page.nextCursor);
}

/** A chat that appeared (a new message from a new dialog, say) or changed beyond what its events tell. */
export async function refreshChat(chatId: string): Promise<void> {
  // The chat list's first page has the chat when it just became active; otherwise the chat's details do.
  const page = await unwrap(api.GET('/chats', { params: { query: { limit: 50 } } }));
  for (const chat of page.items) countFrom(chat.id, chat.eventSeq);
  putChats(page.items);
  if (!page.items.some((c) => c.id === chatId)) {
    const chat = await unwrap(api.GET('/chats/{chatId}', { params: { path: { chatId } } }));
    putChats([chatListItemOf(chat, useChats.getState().chats[chatId])]);
  }
}

export async function createDialog(userId: string): Promise<string> {
  const chat = await unwrap(api.POST('/chats/dialogs', { body: { userId } }));
  putChats([chatListItemOf(chat, useChats.getState().chats[chat.id])]);
  return chat.id;
}

export async function createGroup(kind: 'group' | 'channel', title: string, memberIds: string[], isPublic = false): Promise<string> {
  const body = { title, memberIds, isPublic };
  const chat = await unwrap(kind === 'group' ? api.POST('/chats/groups', { body }) : api.POST('/chats/channels', { body }));
  putChats([chatListItemOf(chat, useChats.getState().chats[chat.id])]);
  return chat.id;
}

export async function loadMembers(chatId: string): Promise<void> {
  const page = await unwrap(api.GET('/chats/{chatId}/members', { params: { path: { chatId }, query: { limit: 100 } } }));
  putUsers(page.items.map((m) => m.user));
}

export async function searchPeople(q: string) {
  return unwrap(api.GET('/chats/search', { params: { query: { q, limit: 20 } } }));
}

const asked = new Set<string>();

/** Someone whose name a message needs but no member list brought (a forward's author, say): fetched once. */
export function ensureUser(userId: string): void {
  if (asked.has(userId) || useChats.getState().users[userId]) return;
  asked.add(userId);
  void unwrap(api.GET('/users/{userId}', { params: { path: { userId } } })).then((user) => putUsers([user]), () => asked.delete(userId));
}
