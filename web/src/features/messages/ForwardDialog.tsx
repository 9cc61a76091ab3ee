import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { MessageView } from '../../api/types';
import { useChats } from '../../store/chats';
import { Avatar } from '../../ui/Avatar';
import { Modal } from '../../ui/Modal';
import { forwardMessages } from './messageActions';

/** Picks the chat a message is forwarded to, then opens it. */
export function ForwardDialog({ fromChatId, message, onClose }: { fromChatId: string; message: MessageView; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const chats = Object.values(useChats((s) => s.chats)).sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
  return (
    <Modal title={t('forward')} onClose={onClose}>
      <ul className="people">
        {chats.filter((c) => c.type !== 'channel' || c.myRole === 'owner' || c.myRole === 'admin').map((c) => (
          <li key={c.id}>
            <button onClick={async () => {
              await forwardMessages(fromChatId, c.id, [message.id]);
              onClose();
              void navigate(`/chat/${c.id}`);
            }}>
              <Avatar id={c.id} title={c.title} url={c.avatarUrl} size={40} />
              <span>{c.title}</span>
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
