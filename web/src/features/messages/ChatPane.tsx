import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/http';
import type { ChatView, MessageView } from '../../api/types';
import { useMe } from '../../auth/session';
import { chatListItemOf, putChats, putUsers, useChats } from '../../store/chats';
import { Avatar } from '../../ui/Avatar';
import { presenceLabel } from '../../ui/format';
import { loadMembers } from '../chats/chatActions';
import { JoinPreview } from '../chats/JoinByLink';
import { ChatInfo } from '../chats/ChatInfo';
import { LiveRoom } from '../live/LiveRoom';
import { loadRoom } from '../live/live';
import { startCall } from '../calls/calls';
import { Composer, type ComposerMode } from './Composer';
import { MessageList } from './MessageList';
import { loadHistory, markRead } from './messageActions';
import { Icon } from '../../ui/Icon';

export function ChatPane({ chatId }: { chatId: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const chat = useChats((s) => s.chats[chatId]);
  const history = useChats((s) => s.histories[chatId]);
  const typingMap = useChats((s) => s.typing[chatId]);
  const users = useChats((s) => s.users);
  const peerPresence = useChats((s) => (chat?.peer ? s.presence[chat.peer.id] ?? chat.peer.presence : undefined));
  const [mode, setMode] = useState<ComposerMode>({ kind: 'new' });
  const [preview, setPreview] = useState<ChatView | null>(null);
  const [info, setInfo] = useState(false);

  useEffect(() => {
    void loadHistory(chatId);
    if (!useChats.getState().chats[chatId]) {
      // Not in my list: a chat of mine not loaded yet, or a public one I preview without joining.
      void unwrap(api.GET('/chats/{chatId}', { params: { path: { chatId } } })).then((c) => (c.myRole ? putChats([chatListItemOf(c)]) : setPreview(c)));
    }
  }, [chatId]);

  // Presence events come only while it may be seen (and not after a privacy change): a dialog reads it anew on open.
  const peerId = chat?.peer?.id;
  useEffect(() => {
    if (peerId) void unwrap(api.GET('/users/{userId}', { params: { path: { userId: peerId } } })).then((user) => putUsers([user]), () => undefined);
  }, [peerId]);

  // Groups and channels: their live room, and the members' names for the messages.
  const type = chat?.type;
  useEffect(() => {
    if (!type || type === 'dialog') return;
    void loadRoom(chatId).catch(() => undefined);
    void loadMembers(chatId).catch(() => undefined);
  }, [chatId, type]);

  // What is on screen is read: the newest message moves my read pointer while the page is visible.
  const newest = history?.ids.length ? history.byId[history.ids[history.ids.length - 1]!] : undefined;
  // My own newest message needs no read: sending it moved my pointer there already.
  const newestId = newest && newest.senderId !== me.id ? newest.id : undefined;
  const newestSeq = newest?.seq;
  const inList = !!chat;
  useEffect(() => {
    if (!newestId || newestSeq === undefined || !inList) return;
    const read = () => document.visibilityState === 'visible' && void markRead(chatId, newestId, newestSeq).catch(() => undefined);
    read();
    document.addEventListener('visibilitychange', read);
    return () => document.removeEventListener('visibilitychange', read);
  }, [chatId, newestId, newestSeq, inList]);

  if (!chat) {
    return preview ? <JoinPreview chat={preview} /> : <div className="empty-chat" aria-busy="true" />;
  }

  const typers = Object.keys(typingMap ?? {}).map((id) => users[id]?.name ?? '…');
  const subtitle = typers.length > 0
    ? (chat.type === 'dialog' ? t('typing') : t('someoneTyping', { name: typers.join(', ') }))
    : chat.type === 'dialog'
      ? presenceLabel(peerPresence, t)
      : t(chat.type === 'channel' ? 'subscribersCount' : 'membersCount', { count: chat.memberCount });
  const pinned = history?.ids.map((id) => history.byId[id]).filter((m): m is MessageView => !!m?.pinned).at(-1);
  const canPost = chat.type !== 'channel' || chat.myRole === 'owner' || chat.myRole === 'admin';

  return (
    <section className="chat-pane" aria-label={chat.title} data-chat-id={chatId}>
      <header className="chat-header">
        <Link to="/" className="icon-button back" aria-label={t('back')}><Icon name="back" /></Link>
        <Avatar id={chat.id} title={chat.title} url={chat.avatarUrl} size={40} online={peerPresence?.status === 'online'} />
        <button className="chat-header-text" aria-label={`${chat.title}: ${t('members')}`} onClick={() => setInfo(true)}>
          <h2>{chat.title}</h2>
          <span className={`subtitle ${typers.length > 0 ? 'typing' : ''}`} data-testid="chat-subtitle">{subtitle}</span>
        </button>
        {chat.type === 'dialog' && chat.peer && (
          <>
            <button className="icon-button" aria-label={t('call')} title={t('call')} onClick={() => void startCall(chatId, false)}><Icon name="phone" /></button>
            <button className="icon-button" aria-label={t('videoCall')} title={t('videoCall')} onClick={() => void startCall(chatId, true)}><Icon name="video" /></button>
          </>
        )}
      </header>
      {pinned && (
        <button className="pinned-bar" onClick={() => document.querySelector(`[data-message-id="${pinned.id}"]`)?.scrollIntoView({ block: 'center' })}>
          <strong>{t('pinned')}</strong> {pinned.text ?? '📎'}
        </button>
      )}
      {chat.type !== 'dialog' && <LiveRoom chat={chat} />}
      <MessageList chat={chat} meId={me.id} onAction={setMode} />
      {canPost && <Composer chatId={chatId} mode={mode} onModeDone={() => setMode({ kind: 'new' })} />}
      {info && <ChatInfo chat={chat} onClose={() => setInfo(false)} />}
    </section>
  );
}
