import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, ProblemError, unwrap } from '../../api/http';
import type { ChatView } from '../../api/types';
import { chatListItemOf, putChats } from '../../store/chats';
import { Avatar } from '../../ui/Avatar';

/** `/join/{inviteCode}`: joins the group or channel the link belongs to, then opens it. */
export function JoinByLink() {
  const { t } = useTranslation();
  const { inviteCode = '' } = useParams();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  async function join() {
    try {
      const chat = await unwrap(api.POST('/chats/join/{inviteCode}', { params: { path: { inviteCode } } }));
      putChats([chatListItemOf(chat)]);
      void navigate(`/chat/${chat.id}`, { replace: true });
    } catch (e) {
      setError(e instanceof ProblemError ? e.message : String(e));
    }
  }
  return (
    <div className="join-card">
      <h2>{t('joinChat')}</h2>
      <button className="primary" onClick={() => void join()}>{t('join')}</button>
      {error && <p className="form-error" role="alert">{error}</p>}
    </div>
  );
}

/** A public group or channel I opened without being a member: what it is, and a button to join. */
export function JoinPreview({ chat }: { chat: ChatView }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  async function join() {
    try {
      putChats([chatListItemOf(await unwrap(api.POST('/chats/{chatId}/join', { params: { path: { chatId: chat.id } } })))]);
    } catch (e) {
      setError(e instanceof ProblemError ? e.message : String(e));
    }
  }
  return (
    <div className="join-card">
      <Avatar id={chat.id} title={chat.title} url={chat.avatarUrl} size={80} />
      <h2>{chat.title}</h2>
      {chat.description && <p>{chat.description}</p>}
      <p>{t(chat.type === 'channel' ? 'subscribersCount' : 'membersCount', { count: chat.memberCount })}</p>
      <button className="primary" onClick={() => void join()}>{t('join')}</button>
      {error && <p className="form-error" role="alert">{error}</p>}
    </div>
  );
}
