import { create } from 'zustand';
import type { ChatListItem, ChatView, MessageView, Presence, PublicProfile, ReactionCount } from '../api/types';

/** A send not yet confirmed: shown at once, matched to its message by `clientMessageId`. */
export interface PendingMessage {
  clientMessageId: string;
  chatId: string;
  text: string;
  replyToId: string | null;
  mediaIds: string[];
  createdAt: string;
  failed: boolean;
}

/** One chat's loaded history: messages by id, ordered by their number in the chat (`seq`). */
export interface History {
  byId: Record<string, MessageView>;
  ids: string[];
  /** Cursor for older messages; null when the oldest is loaded. */
  olderCursor: string | null;
  loaded: boolean;
}

interface ChatsState {
  chats: Record<string, ChatListItem>;
  /** Next page of the chat list; null when all are loaded, undefined before the first page. */
  chatsCursor: string | null | undefined;
  histories: Record<string, History>;
  pending: Record<string, PendingMessage>;
  /** chatId → userId → when their typing indicator expires (ms). */
  typing: Record<string, Record<string, number>>;
  presence: Record<string, Presence>;
  users: Record<string, PublicProfile>;
  /** chatId → userId → the message number that member has read up to. */
  readBy: Record<string, Record<string, number>>;
  /** messageId → my reaction (to keep `mine`, which `reactions.updated` does not carry). */
  myReactions: Record<string, string | null>;
}

const emptyHistory = (): History => ({ byId: {}, ids: [], olderCursor: null, loaded: false });

export const useChats = create<ChatsState>(() => ({
  chats: {},
  chatsCursor: undefined,
  histories: {},
  pending: {},
  typing: {},
  presence: {},
  users: {},
  readBy: {},
  myReactions: {},
}));

const set = useChats.setState;
const get = useChats.getState;

export function resetChats(): void {
  set({ chats: {}, chatsCursor: undefined, histories: {}, pending: {}, typing: {}, presence: {}, users: {}, readBy: {}, myReactions: {} });
}

export function chatListItemOf(chat: ChatView, previous?: ChatListItem): ChatListItem {
  return {
    id: chat.id,
    type: chat.type,
    title: chat.title,
    avatarUrl: chat.avatarUrl,
    lastMessage: previous?.lastMessage ?? null,
    unreadCount: previous?.unreadCount ?? 0,
    unreadMentionCount: previous?.unreadMentionCount ?? 0,
    myRole: chat.myRole ?? 'member',
    muted: chat.muted,
    memberCount: chat.memberCount,
    peer: chat.peer,
    lastActivityAt: previous?.lastActivityAt ?? chat.createdAt,
    // ChatView carries no event seq; events and the next list read keep it.
    eventSeq: previous?.eventSeq ?? 0,
  };
}

export function putChats(items: ChatListItem[], cursor?: string | null): void {
  set((s) => {
    const chats = { ...s.chats };
    const users = { ...s.users };
    for (const item of items) {
      chats[item.id] = item;
      if (item.peer) users[item.peer.id] = item.peer;
    }
    return { chats, users, ...(cursor !== undefined ? { chatsCursor: cursor } : {}) };
  });
}

export function updateChat(chatId: string, change: (chat: ChatListItem) => ChatListItem): void {
  set((s) => {
    const chat = s.chats[chatId];
    return chat ? { chats: { ...s.chats, [chatId]: change(chat) } } : {};
  });
}

export function removeChat(chatId: string): void {
  set((s) => {
    const chats = { ...s.chats };
    const histories = { ...s.histories };
    delete chats[chatId];
    delete histories[chatId];
    return { chats, histories };
  });
}

export function putUsers(users: PublicProfile[]): void {
  set((s) => {
    const next = { ...s.users };
    const presence = { ...s.presence };
    for (const user of users) {
      next[user.id] = user;
      presence[user.id] = user.presence;
    }
    return { users: next, presence };
  });
}

const bySeq = (history: History) => (a: string, b: string) => (history.byId[a]?.seq ?? 0) - (history.byId[b]?.seq ?? 0);

/** Merges messages into a chat's history; `olderCursor` only for a page of older ones. */
export function putMessages(chatId: string, messages: MessageView[], page?: { olderCursor: string | null }): void {
  set((s) => {
    const old = s.histories[chatId] ?? emptyHistory();
    const history: History = { ...old, byId: { ...old.byId }, loaded: old.loaded || page !== undefined };
    const myReactions = { ...s.myReactions };
    const pending = { ...s.pending };
    for (const message of messages) {
      const held = history.byId[message.id];
      // Edits and live copies carry no reaction counts and no readByPeer: keep the ones held. A history page counts them.
      history.byId[message.id] = held
        ? { ...message, reactions: page || message.reactions.length > 0 ? message.reactions : held.reactions, readByPeer: message.readByPeer ?? held.readByPeer }
        : message;
      const mine = message.reactions.find((r) => r.mine);
      if (mine) myReactions[message.id] = mine.emoji;
      if (message.clientMessageId) delete pending[message.clientMessageId];
    }
    history.ids = Object.keys(history.byId).sort(bySeq(history));
    if (page) history.olderCursor = page.olderCursor;
    return { histories: { ...s.histories, [chatId]: history }, myReactions, pending };
  });
}

export function removeMessages(chatId: string, ids: string[]): void {
  set((s) => {
    const old = s.histories[chatId];
    if (!old) return {};
    const byId = { ...old.byId };
    for (const id of ids) delete byId[id];
    return { histories: { ...s.histories, [chatId]: { ...old, byId, ids: old.ids.filter((id) => id in byId) } } };
  });
}

export function setReactions(chatId: string, messageId: string, reactions: ReactionCount[], mine?: string | null): void {
  set((s) => {
    const myReactions = mine === undefined ? s.myReactions : { ...s.myReactions, [messageId]: mine };
    const history = s.histories[chatId];
    const message = history?.byId[messageId];
    if (!history || !message) return { myReactions };
    const own = myReactions[messageId] ?? null;
    const withMine = reactions.map((r) => ({ ...r, mine: r.emoji === own }));
    return {
      myReactions,
      histories: { ...s.histories, [chatId]: { ...history, byId: { ...history.byId, [messageId]: { ...message, reactions: withMine } } } },
    };
  });
}

export function addPending(message: PendingMessage): void {
  set((s) => ({ pending: { ...s.pending, [message.clientMessageId]: message } }));
}

export function markPendingFailed(clientMessageId: string, failed: boolean): void {
  set((s) => {
    const pending = s.pending[clientMessageId];
    return pending ? { pending: { ...s.pending, [clientMessageId]: { ...pending, failed } } } : {};
  });
}

/** Shows (or with null clears) a typing indicator. It goes by itself at `until` unless renewed, so every view of it reads the store alone. */
export function setTyping(chatId: string, userId: string, until: number | null): void {
  set((s) => {
    const chat = { ...(s.typing[chatId] ?? {}) };
    if (until === null) delete chat[userId];
    else chat[userId] = until;
    return { typing: { ...s.typing, [chatId]: chat } };
  });
  if (until !== null) {
    setTimeout(() => get().typing[chatId]?.[userId] === until && setTyping(chatId, userId, null), Math.max(0, until - Date.now()));
  }
}

export function setPresence(userId: string, presence: Presence): void {
  set((s) => ({ presence: { ...s.presence, [userId]: presence } }));
}

export function setReadBy(chatId: string, userId: string, readSeq: number): void {
  set((s) => {
    const chat = s.readBy[chatId] ?? {};
    if ((chat[userId] ?? 0) >= readSeq) return {};
    return { readBy: { ...s.readBy, [chatId]: { ...chat, [userId]: readSeq } } };
  });
}

export const historyOf = (chatId: string): History | undefined => get().histories[chatId];
