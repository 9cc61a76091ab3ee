import { api, ProblemError, unwrap } from '../../api/http';
import { sendToHub } from '../../realtime/hub';
import {
  addPending, markPendingFailed, putMessages, removeMessages, setReactions, updateChat, useChats, type PendingMessage,
} from '../../store/chats';

const PAGE = 40;

/** The newest page of a chat's history (first open), or the page before the oldest loaded one. */
export async function loadHistory(chatId: string, older = false): Promise<void> {
  const history = useChats.getState().histories[chatId];
  if (older && !history?.olderCursor) return;
  const query = older && history?.olderCursor ? { cursor: history.olderCursor, limit: PAGE } : { limit: PAGE };
  const page = await unwrap(api.GET('/chats/{chatId}/messages', { params: { path: { chatId }, query } }));
  putMessages(chatId, page.items, { olderCursor: page.nextCursor });
}

/**
 * Shows the message at once and sends it with a fresh clientMessageId; a retry (after a failure or going offline)
 * sends the same id, so the server answers the first message instead of a duplicate.
 */
export function sendMessage(chatId: string, text: string, replyToId: string | null, mediaIds: string[] = []): Promise<void> {
  const pending: PendingMessage = {
    clientMessageId: crypto.randomUUID(),
    chatId,
    text,
    replyToId,
    mediaIds,
    createdAt: new Date().toISOString(),
    failed: false,
  };
  addPending(pending);
  sendToHub('typing', { chatId, action: 'cancel' });
  return inOrder(chatId, () => deliver(pending));
}

const lanes: Record<string, Promise<unknown>> = {};

/**
 * One chat's sends go one after another: sent at once, quick messages would race each other to the server and be
 * numbered in whatever order they committed, not in the order they were typed.
 */
function inOrder(chatId: string, send: () => Promise<void>): Promise<void> {
  const next = (lanes[chatId] ?? Promise.resolve()).catch(() => undefined).then(send);
  lanes[chatId] = next;
  return next;
}

/** Worth sending again with the same clientMessageId: a lost race (the contract says so), a limit, the server or the network. */
const retryable = (error: unknown) => !(error instanceof ProblemError) || error.status === 409 || error.status === 429 || error.status >= 500;

async function deliver(pending: PendingMessage): Promise<void> {
  markPendingFailed(pending.clientMessageId, false);
  for (let attempt = 0; ; attempt++) {
    try {
      const message = await unwrap(api.POST('/chats/{chatId}/messages', {
        params: { path: { chatId: pending.chatId } },
        body: {
          clientMessageId: pending.clientMessageId,
          text: pending.text.length > 0 ? pending.text : null,
          replyToId: pending.replyToId,
          mediaIds: pending.mediaIds.length > 0 ? pending.mediaIds : null,
        },
      }));
      putMessages(pending.chatId, [message]);
      updateChat(pending.chatId, (chat) => ({
        ...chat,
        lastMessage: { id: message.id, senderId: message.senderId, text: message.text ?? '', createdAt: message.createdAt },
        lastActivityAt: message.createdAt,
      }));
      return;
    } catch (error) {
      // Offline, or tried enough: shown as not sent, and sent again when the connection is back (or on Retry).
      if (!retryable(error) || !navigator.onLine || attempt >= 4) {
        markPendingFailed(pending.clientMessageId, true);
        if (!retryable(error)) throw error;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }
}

/** The Retry button of a send that failed: behind whatever this chat is still sending. */
export const resend = (pending: PendingMessage): Promise<void> => inOrder(pending.chatId, () => deliver(pending));

/** Retries every failed send, oldest first (after reconnecting). */
export async function retryFailed(): Promise<void> {
  const failed = Object.values(useChats.getState().pending).filter((p) => p.failed).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const pending of failed) await resend(pending);
}

export async function editMessage(chatId: string, messageId: string, text: string): Promise<void> {
  const message = await unwrap(api.PATCH('/chats/{chatId}/messages/{messageId}', { params: { path: { chatId, messageId } }, body: { text } }));
  putMessages(chatId, [message]);
}

export async function deleteMessages(chatId: string, messageIds: string[], forEveryone: boolean): Promise<void> {
  await unwrap(api.POST('/chats/{chatId}/messages/delete', { params: { path: { chatId } }, body: { messageIds, forEveryone } }));
  removeMessages(chatId, messageIds);
}

export async function setPinned(chatId: string, messageId: string, pinned: boolean): Promise<void> {
  const path = { params: { path: { chatId, messageId } } };
  await unwrap(pinned ? api.PUT('/chats/{chatId}/messages/{messageId}/pin', path) : api.DELETE('/chats/{chatId}/messages/{messageId}/pin', path));
}

export async function react(chatId: string, messageId: string, emoji: string | null): Promise<void> {
  const path = { chatId, messageId };
  if (emoji === null) {
    // 204: the new counts come with `reactions.updated`; until then, mine is taken off locally.
    await unwrap(api.DELETE('/chats/{chatId}/messages/{messageId}/reactions', { params: { path } }));
    const held = useChats.getState().histories[chatId]?.byId[messageId]?.reactions ?? [];
    const own = useChats.getState().myReactions[messageId];
    setReactions(chatId, messageId, held.map((r) => (r.emoji === own ? { ...r, count: r.count - 1 } : r)).filter((r) => r.count > 0), null);
  } else {
    const answer = await unwrap(api.PUT('/chats/{chatId}/messages/{messageId}/reactions', { params: { path }, body: { emoji } }));
    setReactions(chatId, messageId, answer.items, emoji);
  }
}

export async function forwardMessages(fromChatId: string, toChatId: string, messageIds: string[]): Promise<void> {
  const answer = await unwrap(api.POST('/chats/{chatId}/messages/forward', {
    params: { path: { chatId: toChatId } },
    body: { fromChatId, messageIds, clientMessageId: crypto.randomUUID() },
  }));
  putMessages(toChatId, answer.items);
}

const lastRead: Record<string, number> = {};

/** Moves my read pointer to the newest message shown (only forward; the server ignores the rest). */
export async function markRead(chatId: string, messageId: string, seq: number): Promise<void> {
  if ((lastRead[chatId] ?? 0) >= seq) return;
  lastRead[chatId] = seq;
  const state = await unwrap(api.POST('/chats/{chatId}/read', { params: { path: { chatId } }, body: { upToMessageId: messageId } }));
  updateChat(chatId, (chat) => ({ ...chat, unreadCount: state.unreadCount, unreadMentionCount: state.unreadCount === 0 ? 0 : chat.unreadMentionCount }));
}

const typingSent: Record<string, number> = {};

/** Tells the chat I am typing, at most every 3 s (the indicator lasts 6 s on the other side). */
export function notifyTyping(chatId: string): void {
  const now = Date.now();
  if ((typingSent[chatId] ?? 0) > now - 3000) return;
  typingSent[chatId] = now;
  sendToHub('typing', { chatId, action: 'typing' });
}
