import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatListItem } from '../../api/types';
import { useChats } from '../../store/chats';
import { dayLabel, sameDay } from '../../ui/format';
import { useVisible } from '../../ui/useVisible';
import type { ComposerMode } from './Composer';
import { MessageBubble, PendingBubble } from './MessageBubble';
import { loadHistory } from './messageActions';

/**
 * Newest at the bottom. The scroller is laid out bottom-up (`column-reverse`, its one child in reading order), so it
 * opens at the bottom, stays there as messages arrive, and older pages loaded above do not move what is on screen.
 */
export function MessageList({ chat, meId, onAction }: { chat: ChatListItem; meId: string; onAction: (mode: ComposerMode) => void }) {
  const { t } = useTranslation();
  const history = useChats((s) => s.histories[chat.id]);
  const pending = useChats((s) => s.pending);
  const peerReadSeq = useChats((s) => (chat.peer ? s.readBy[chat.id]?.[chat.peer.id] ?? 0 : 0));
  const older = useVisible<HTMLDivElement>(() => void loadHistory(chat.id, true), !!history?.olderCursor);
  const mine = Object.values(pending).filter((p) => p.chatId === chat.id).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const ids = history?.ids ?? [];

  return (
    <div className="message-list" role="log" aria-live="polite" aria-label={t('messagePlaceholder')}>
      <div className="message-list-inner">
        {history?.olderCursor && <div ref={older} className="list-more">{t('loadingOlder')}</div>}
        {history?.loaded && ids.length === 0 && mine.length === 0 && <div className="no-messages">{t('noMessages')}</div>}
        {ids.map((id, i) => {
          const message = history!.byId[id]!;
          const olderId = ids[i - 1];
          const previous = olderId ? history!.byId[olderId] : undefined;
          const newDay = !previous || !sameDay(previous.createdAt, message.createdAt);
          return (
            <Fragment key={id}>
              {newDay && <div className="day-separator" role="separator"><span>{dayLabel(message.createdAt, t)}</span></div>}
              <MessageBubble
                message={message}
                chat={chat}
                mine={message.senderId === meId}
                readByPeer={message.readByPeer === true || (peerReadSeq > 0 && message.seq <= peerReadSeq)}
                showSender={chat.type === 'group' && message.senderId !== meId && previous?.senderId !== message.senderId}
                onAction={onAction}
              />
            </Fragment>
          );
        })}
        {mine.map((p) => <PendingBubble key={p.clientMessageId} pending={p} />)}
      </div>
    </div>
  );
}
