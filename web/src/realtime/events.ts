import type { ServerEvent, ServerEvents } from '../api/types';
import { useSession } from '../auth/session';
import {
  putChats, putMessages, putUsers, removeChat, removeMessages, setPresence, setReactions, setReadBy, setTyping, updateChat,
  useChats, chatListItemOf,
} from '../store/chats';
import { refreshChat } from '../features/chats/chatActions';
import { queries } from '../app/queries';
import { mentions } from '../ui/mentions';

/** How long a typing indicator shows without a fresh `typing` event (the sender repeats it every few seconds). */
export const TYPING_TTL_MS = 6000;

type Handlers = { [K in keyof ServerEvents]?: (event: ServerEvents[K]) => void };

const me = (): string | undefined => useSession.getState().me?.id;

const handlers: Handlers = {
  'message.created': ({ chatId, data }) => {
    const state = useChats.getState();
    putMessages(chatId, [data]);
    setTyping(chatId, data.senderId, null);
    if (!state.chats[chatId]) {
      void refreshChat(chatId);
      return;
    }
    updateChat(chatId, (chat) => ({
      ...chat,
      lastMessage: { id: data.id, senderId: data.senderId, text: data.text ?? '', createdAt: data.createdAt },
      lastActivityAt: data.createdAt,
      unreadCount: data.senderId === me() ? chat.unreadCount : chat.unreadCount + 1,
      unreadMentionCount: data.senderId !== me() && mentions(data.text, useSession.getState().me?.username) ? chat.unreadMentionCount + 1 : chat.unreadMentionCount,
    }));
  },
  'message.updated': ({ chatId, data }) => putMessages(chatId, [data]),
  'messages.deleted': ({ chatId, data }) => {
    removeMessages(chatId, data.messageIds);
    const last = useChats.getState().chats[chatId]?.lastMessage;
    if (last && data.messageIds.includes(last.id)) void refreshChat(chatId);
  },
  'reactions.updated': ({ chatId, data }) => setReactions(chatId, data.messageId, data.reactions),
  'read.updated': ({ chatId, data }) => {
    setReadBy(chatId, data.userId, data.readSeq);
    if (data.userId === me()) {
      const history = useChats.getState().histories[chatId];
      const unread = history
        ? history.ids.filter((id) => {
            const m = history.byId[id];
            return m !== undefined && m.seq > data.readSeq && m.senderId !== me();
          }).length
        : 0;
      updateChat(chatId, (chat) => ({ ...chat, unreadCount: Math.min(chat.unreadCount, unread), unreadMentionCount: unread === 0 ? 0 : chat.unreadMentionCount }));
    }
  },
  'chat.created': ({ data }) => putChats([chatListItemOf(data, useChats.getState().chats[data.id])]),
  'chat.updated': (event) => {
    const data = event.data;
    void queries.invalidateQueries({ queryKey: ['chat', data.chatId] });
    if ('muted' in data) {
      updateChat(data.chatId, (chat) => ({ ...chat, muted: data.muted }));
    } else {
      updateChat(data.chatId, (chat) => ({
        ...chat,
        title: data.title ?? chat.title,
        avatarUrl: data.avatarUrl,
        memberCount: data.memberCount,
      }));
    }
  },
  'chat.deleted': ({ data }) => removeChat(data.chatId),
  'member.joined': ({ data }) => {
    putUsers(data.members.map((m) => m.user));
    updateChat(data.chatId, (chat) => ({ ...chat, memberCount: chat.memberCount + data.members.length }));
    void queries.invalidateQueries({ queryKey: ['members', data.chatId] });
  },
  'member.left': ({ data }) => {
    if (data.userId === me()) removeChat(data.chatId);
    else updateChat(data.chatId, (chat) => ({ ...chat, memberCount: Math.max(0, chat.memberCount - 1) }));
    void queries.invalidateQueries({ queryKey: ['members', data.chatId] });
  },
  'member.updated': ({ data }) => {
    const mine = data.members.find((m) => m.userId === me());
    if (mine) updateChat(data.chatId, (chat) => ({ ...chat, myRole: mine.role }));
    void queries.invalidateQueries({ queryKey: ['members', data.chatId] });
  },
  typing: ({ data }) => {
    if (data.userId === me()) return;
    setTyping(data.chatId, data.userId, data.action === 'cancel' ? null : Date.now() + TYPING_TTL_MS);
  },
  'folder.updated': () => void queries.invalidateQueries({ queryKey: ['folders'] }),
  presence: ({ data }) => setPresence(data.userId, { status: data.status, lastSeenAt: data.lastSeenAt }),
  'media.updated': ({ data }) => {
    const { histories } = useChats.getState();
    for (const [chatId, history] of Object.entries(histories)) {
      const changed = history.ids
        .map((id) => history.byId[id])
        .filter((m) => m !== undefined && m.media.some((media) => media.id === data.id))
        .map((m) => ({ ...m!, media: m!.media.map((media) => (media.id === data.id ? data : media)) }));
      if (changed.length > 0) putMessages(chatId, changed);
    }
  },
};

/** Listeners for events this module does not keep state for (calls), by target. */
const extra = new Map<string, Set<(event: ServerEvent) => void>>();

export function onServerEvent<K extends keyof ServerEvents>(name: K, listener: (event: ServerEvents[K]) => void): () => void {
  const set = extra.get(name) ?? new Set();
  const wrapped = listener as (event: ServerEvent) => void;
  set.add(wrapped);
  extra.set(name, set);
  return () => set.delete(wrapped);
}

// Events arrive at least once, live and again through catch-up: each eventId is applied once.
const seen = new Set<string>();
const seenOrder: string[] = [];
const SEEN_LIMIT = 5000;

// A chat's events are numbered without gaps: a jump means one is missing or late. Wait briefly for it, then catch up.
const GAP_WAIT_MS = 1500;
const eventSeqs: Record<string, { last: number; missing: Set<number> }> = {};
let gapTimer: ReturnType<typeof setTimeout> | null = null;
let onGap: () => void = () => undefined;

export function whenEventsMissing(handler: () => void): void {
  onGap = handler;
}

/** The chat's latest event as a REST read saw it (`eventSeq` of the chat list): counting starts there. */
export function countFrom(chatId: string, seq: number): void {
  const chat = eventSeqs[chatId];
  if (!chat) eventSeqs[chatId] = { last: seq, missing: new Set() };
  else if (seq > chat.last) chat.last = seq;
}

function track(chatId: string, seq: number): void {
  const chat = eventSeqs[chatId];
  if (!chat) {
    eventSeqs[chatId] = { last: seq, missing: new Set() };
    return;
  }
  if (seq > chat.last) {
    // A long jump (a long time offline) is caught up as a whole, without listing every number.
    for (let s = chat.last + 1; s < seq && chat.missing.size < 1000; s++) chat.missing.add(s);
    chat.last = seq;
  } else {
    chat.missing.delete(seq);
  }
  if (chat.missing.size > 0 && !gapTimer) {
    gapTimer = setTimeout(() => {
      gapTimer = null;
      const gaps = Object.values(eventSeqs).filter((c) => c.missing.size > 0);
      if (gaps.length === 0) return;
      gaps.forEach((c) => c.missing.clear());
      onGap();
    }, GAP_WAIT_MS);
  }
}

/** Applies one event unless already applied; true when it was new. */
export function applyEvent(event: ServerEvent): boolean {
  if (seen.has(event.eventId)) return false;
  seen.add(event.eventId);
  seenOrder.push(event.eventId);
  if (seenOrder.length > SEEN_LIMIT) seen.delete(seenOrder.shift()!);
  if (event.chatId && typeof event.seq === 'number') track(event.chatId, event.seq);
  const handler = handlers[event.type] as ((e: ServerEvent) => void) | undefined;
  handler?.(event);
  extra.get(event.type)?.forEach((listener) => listener(event));
  return true;
}

export const eventNames: (keyof ServerEvents)[] = [
  'message.created', 'message.updated', 'messages.deleted', 'reactions.updated', 'read.updated', 'chat.created',
  'chat.updated', 'chat.deleted', 'member.joined', 'member.left', 'member.updated', 'typing', 'presence',
  'folder.updated', 'media.updated', 'call.incoming', 'call.updated', 'call.signal', 'live.state', 'live.signal',
];
