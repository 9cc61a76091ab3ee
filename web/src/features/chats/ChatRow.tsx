import { memo } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ChatListItem } from '../../api/types';
import { useSession } from '../../auth/session';
import { useChats } from '../../store/chats';
import { Avatar } from '../../ui/Avatar';
import { shortStamp } from '../../ui/format';
import { Icon } from '../../ui/Icon';

export const ChatRow = memo(function ChatRow({ chat, active }: { chat: ChatListItem; active: boolean }) {
  const { t } = useTranslation();
  const myId = useSession((s) => s.me?.id);
  const online = useChats((s) => (chat.peer ? s.presence[chat.peer.id]?.status ?? chat.peer.presence.status : undefined)) === 'online';
  const typing = useChats((s) => Object.keys(s.typing[chat.id] ?? {}).length > 0);
  const last = chat.lastMessage;
  return (
    <li className={`chat-row ${active ? 'active' : ''}`} data-chat-id={chat.id}>
      <Link to={`/chat/${chat.id}`}>
        <Avatar id={chat.id} title={chat.title} url={chat.avatarUrl} online={online} />
        <span className="chat-row-body">
          <span className="chat-row-top">
            <span className="chat-title">{chat.title}</span>
            {chat.muted && <span className="muted-icon" aria-label={t('muted')}><Icon name="mute" size={16} /></span>}
            {last && <time className="stamp">{shortStamp(last.createdAt)}</time>}
          </span>
          <span className="chat-row-bottom">
            <span className="preview">
              {typing ? <em>{t('typing')}</em> : last ? `${last.senderId === myId ? `${t('you')}: ` : ''}${last.text || '📎'}` : ''}
            </span>
            {chat.unreadMentionCount > 0 && <span className="badge mention" aria-label="mentions">@</span>}
            {chat.unreadCount > 0 && <span className={`badge ${chat.muted ? 'muted' : ''}`} aria-label="unread">{chat.unreadCount}</span>}
          </span>
        </span>
      </Link>
    </li>
  );
});
