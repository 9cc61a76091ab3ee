import { memo, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatListItem, MessageView } from '../../api/types';
import { useChats, type PendingMessage } from '../../store/chats';
import { duration, timeOf } from '../../ui/format';
import { MediaBlock } from '../media/MediaBlock';
import { MENTION } from '../../ui/mentions';
import type { ComposerMode } from './Composer';
import { deleteMessages, react, resend, setPinned } from './messageActions';
import { ensureUser } from '../chats/chatActions';
import { Icon } from '../../ui/Icon';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🔥'];

/** Mentions and links stand out; everything else is plain text (never HTML). */
function richText(text: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const match of text.matchAll(new RegExp(`${MENTION.source}|https?:\\/\\/\\S+`, 'g'))) {
    const index = match.index;
    if (index > at) parts.push(text.slice(at, index));
    const part = match[0];
    parts.push(part.startsWith('@')
      ? <span key={index} className="mention">{part}</span>
      : <a key={index} href={part} target="_blank" rel="noreferrer noopener">{part}</a>);
    at = index + part.length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

function CallLine({ message, mine }: { message: MessageView; mine: boolean }) {
  const { t } = useTranslation();
  const call = message.call!;
  const label = call.status === 'missed' ? t('missedCall') : call.status === 'rejected' ? t('declinedCall') : call.status === 'busy' ? t('busyCall') : mine ? t('outgoingCall') : t('incomingCallMessage');
  return <span className={`call-line ${call.status}`}><Icon name={call.video ? 'video' : 'phone'} size={16} /> {label}{call.durationSeconds ? `, ${duration(call.durationSeconds * 1000)}` : ''}</span>;
}

interface Props {
  message: MessageView;
  chat: ChatListItem;
  mine: boolean;
  readByPeer: boolean;
  showSender: boolean;
  onAction: (mode: ComposerMode) => void;
}

export const MessageBubble = memo(function MessageBubble({ message, chat, mine, readByPeer, showSender, onAction }: Props) {
  const { t } = useTranslation();
  // The menu opens towards the middle of the screen, so the composer or the header never covers it.
  const [menu, setMenu] = useState<'above' | 'below' | null>(null);
  const toggleMenu = (target: Element) => setMenu(menu ? null : target.getBoundingClientRect().top > window.innerHeight / 2 ? 'above' : 'below');
  const sender = useChats((s) => s.users[message.senderId]);
  const forwardedFrom = useChats((s) => (message.forwardedFrom ? s.users[message.forwardedFrom.senderId] : undefined));
  useEffect(() => {
    if (showSender && !sender) ensureUser(message.senderId);
    if (message.forwardedFrom && !forwardedFrom) ensureUser(message.forwardedFrom.senderId);
  }, [showSender, sender, forwardedFrom, message.senderId, message.forwardedFrom]);
  const staff = chat.myRole === 'owner' || chat.myRole === 'admin' || chat.myRole === 'moderator';
  const canPin = chat.type === 'dialog' || staff;
  const close = (action: () => unknown) => () => {
    setMenu(null);
    void action();
  };
  const myReaction = message.reactions.find((r) => r.mine)?.emoji ?? null;

  return (
    <div className={`message ${mine ? 'mine' : 'theirs'} ${message.call ? 'service' : ''}`} data-message-id={message.id} data-seq={message.seq}>
      <div className="bubble" onClick={(e) => toggleMenu(e.currentTarget)} onContextMenu={(e) => { e.preventDefault(); if (!menu) toggleMenu(e.currentTarget); }}>
        {showSender && <div className="sender">{sender?.name ?? '…'}</div>}
        {message.forwardedFrom && <div className="forwarded">{t('forwardedFrom')}: {forwardedFrom?.name ?? '…'}</div>}
        {message.replyTo && (
          <button className="reply-quote" onClick={(e) => { e.stopPropagation(); document.querySelector(`[data-message-id="${message.replyTo!.id}"]`)?.scrollIntoView({ block: 'center' }); }}>
            {message.replyTo.preview}
          </button>
        )}
        {message.media.map((media) => <MediaBlock key={media.id} media={media} />)}
        {message.call ? <CallLine message={message} mine={mine} /> : message.text && <div className="text">{richText(message.text)}</div>}
        <div className="meta">
          {message.pinned && <span aria-label={t('pinned')}><Icon name="pin" size={14} /></span>}
          {message.editedAt && <span className="edited">{t('edited')}</span>}
          <time dateTime={message.createdAt}>{timeOf(message.createdAt)}</time>
          {mine && chat.type === 'dialog' && <span className={`ticks ${readByPeer ? 'read' : 'sent'}`} aria-label={readByPeer ? 'read' : 'sent'}>{readByPeer ? '✓✓' : '✓'}</span>}
        </div>
      </div>
      {message.reactions.length > 0 && (
        <div className="reactions">
          {message.reactions.map((r) => (
            <button key={r.emoji} className={`reaction ${r.mine ? 'mine' : ''}`} aria-pressed={r.mine} onClick={() => void react(chat.id, message.id, r.mine ? null : r.emoji)}>
              {r.emoji} <span className="count">{r.count}</span>
            </button>
          ))}
        </div>
      )}
      {menu && (
        <div className={`message-menu ${menu}`} role="menu">
          <div className="quick-reactions">
            {QUICK_REACTIONS.map((emoji) => (
              <button key={emoji} role="menuitem" aria-label={`React ${emoji}`} className={emoji === myReaction ? 'mine' : ''} onClick={close(() => react(chat.id, message.id, emoji === myReaction ? null : emoji))}>{emoji}</button>
            ))}
          </div>
          <button role="menuitem" onClick={close(() => onAction({ kind: 'reply', message }))}>{t('reply')}</button>
          <button role="menuitem" onClick={close(() => onAction({ kind: 'forward', message }))}>{t('forward')}</button>
          {mine && !message.call && !message.forwardedFrom && <button role="menuitem" onClick={close(() => onAction({ kind: 'edit', message }))}>{t('edit')}</button>}
          {canPin && <button role="menuitem" onClick={close(() => setPinned(chat.id, message.id, !message.pinned))}>{message.pinned ? t('unpin') : t('pin')}</button>}
          <button role="menuitem" onClick={close(() => deleteMessages(chat.id, [message.id], false))}>{t('deleteForMe')}</button>
          {(mine || staff) && <button role="menuitem" className="danger" onClick={close(() => deleteMessages(chat.id, [message.id], true))}>{t('deleteForEveryone')}</button>}
        </div>
      )}
    </div>
  );
});

export function PendingBubble({ pending }: { pending: PendingMessage }) {
  const { t } = useTranslation();
  return (
    <div className="message mine pending" data-client-message-id={pending.clientMessageId}>
      <div className="bubble">
        {pending.text && <div className="text">{pending.text}</div>}
        <div className="meta">
          <time>{timeOf(pending.createdAt)}</time>
          {pending.failed ? (
            <button className="retry" onClick={() => void resend(pending)}>{t('failedToSend')} · {t('retry')}</button>
          ) : (
            <span className="ticks" aria-label="sending"><Icon name="clock" size={12} /></span>
          )}
        </div>
      </div>
    </div>
  );
}
