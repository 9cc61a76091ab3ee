import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, problemText, unwrap } from '../../api/http';
import type { ChatListItem, ChatRole, PublicProfile } from '../../api/types';
import { useMe } from '../../auth/session';
import { putUsers, removeChat, updateChat } from '../../store/chats';
import { Avatar } from '../../ui/Avatar';
import { Icon } from '../../ui/Icon';
import { presenceLabel } from '../../ui/format';

const rank: Record<ChatRole, number> = { owner: 3, admin: 2, moderator: 1, member: 0 };

/** A chat's details: members and their roles, adding people, the invite link, mute, leaving and deleting. */
export function ChatInfo({ chat, onClose }: { chat: ChatListItem; onClose: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState('');
  const details = useQuery({ queryKey: ['chat', chat.id], queryFn: () => unwrap(api.GET('/chats/{chatId}', { params: { path: { chatId: chat.id } } })) });
  const staff = rank[chat.myRole] >= rank.moderator;
  const members = useQuery({
    queryKey: ['members', chat.id],
    enabled: chat.type === 'group' || staff,
    queryFn: async () => {
      const page = await unwrap(api.GET('/chats/{chatId}/members', { params: { path: { chatId: chat.id }, query: { limit: 100 } } }));
      putUsers(page.items.map((m) => m.user));
      return page.items;
    },
  });
  const people = useQuery({
    queryKey: ['users', adding],
    enabled: adding.trim().length > 0,
    queryFn: () => unwrap(api.GET('/users', { params: { query: { q: adding, limit: 10 } } })),
  });
  const path = { params: { path: { chatId: chat.id } } };
  const run = async (action: () => Promise<unknown>) => {
    try {
      setError(null);
      await action();
      await queries.invalidateQueries({ queryKey: ['members', chat.id] });
      await queries.invalidateQueries({ queryKey: ['chat', chat.id] });
    } catch (e) {
      setError(problemText(e));
    }
  };
  const canManage = chat.type !== 'dialog' && rank[chat.myRole] >= rank.admin;
  const inviteUrl = details.data?.inviteCode ? `${window.location.origin}/join/${details.data.inviteCode}` : null;
  const add = (user: PublicProfile) => run(async () => {
    await unwrap(api.POST('/chats/{chatId}/members', { ...path, body: { userIds: [user.id] } }));
    setAdding('');
  });

  return (
    <aside className="chat-info" aria-label={chat.title}>
      <header className="sidebar-header">
        <button className="icon-button" aria-label={t('back')} onClick={onClose}><Icon name="close" /></button>
        <h2>{chat.title}</h2>
      </header>
      <div className="settings-body">
        <section className="settings-profile">
          <Avatar id={chat.id} title={chat.title} url={chat.avatarUrl} size={96} />
          {details.data?.description && <p>{details.data.description}</p>}
          {chat.peer && <p className="username">@{chat.peer.username} · {presenceLabel(chat.peer.presence, t)}</p>}
        </section>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={chat.muted}
            onChange={(e) => {
              // Shown at once; put back if the server refuses.
              const muted = e.target.checked;
              updateChat(chat.id, (c) => ({ ...c, muted }));
              void run(async () => {
                try {
                  await unwrap(muted ? api.PUT('/chats/{chatId}/mute', { ...path, body: {} }) : api.DELETE('/chats/{chatId}/mute', path));
                } catch (error) {
                  updateChat(chat.id, (c) => ({ ...c, muted: !muted }));
                  throw error;
                }
              });
            }}
          />
          {t('mute')}
        </label>
        {canManage && (
          <section aria-label={t('inviteLink')}>
            <h3>{t('inviteLink')}</h3>
            {inviteUrl && <input readOnly value={inviteUrl} aria-label={t('inviteLink')} onFocus={(e) => e.target.select()} />}
            <button onClick={() => run(() => unwrap(api.POST('/chats/{chatId}/invite-link', path)))}>{t('newInviteLink')}</button>
          </section>
        )}
        {canManage && (
          <section aria-label={t('addMembers')}>
            <h3>{t('addMembers')}</h3>
            <input type="search" value={adding} placeholder={t('searchPlaceholder')} aria-label={t('addMembers')} onChange={(e) => setAdding(e.target.value)} />
            <ul className="people">
              {people.data?.items.filter((u) => !members.data?.some((m) => m.user.id === u.id)).map((u) => (
                <li key={u.id}><button onClick={() => void add(u)}><Avatar id={u.id} title={u.name} url={u.avatarUrl} size={32} /><span>{u.name}<small>@{u.username}</small></span></button></li>
              ))}
            </ul>
          </section>
        )}
        {members.data && (
          <section aria-label={t('members')}>
            <h3>{t('members')} · {members.data.length}</h3>
            <ul className="people members">
              {members.data.map((m) => {
                const manageable = m.user.id !== me.id && rank[chat.myRole] > rank[m.role] && (chat.myRole === 'owner' || m.role !== 'admin');
                return (
                  <li key={m.user.id} data-user-id={m.user.id}>
                    <Avatar id={m.user.id} title={m.user.name} url={m.user.avatarUrl} size={32} />
                    <span>{m.user.name} {m.user.surname}<small>{t(m.role)} · {presenceLabel(m.user.presence, t)}</small></span>
                    {manageable && canManage && (
                      <select aria-label={`${t('role')} ${m.user.name}`} value={m.role} onChange={(e) => run(() => unwrap(api.PATCH('/chats/{chatId}/members/{userId}', { params: { path: { chatId: chat.id, userId: m.user.id } }, body: { role: e.target.value as 'admin' | 'moderator' | 'member' } })))}>
                        {(['admin', 'moderator', 'member'] as const).filter((r) => chat.myRole === 'owner' || r !== 'admin').map((r) => <option key={r} value={r}>{t(r)}</option>)}
                      </select>
                    )}
                    {manageable && (
                      <button aria-label={`${t('remove')} ${m.user.name}`} onClick={() => run(() => unwrap(api.DELETE('/chats/{chatId}/members/{userId}', { params: { path: { chatId: chat.id, userId: m.user.id } } })))}><Icon name="close" size={16} /></button>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        )}
        {error && <p className="form-error" role="alert">{error}</p>}
        {chat.type !== 'dialog' && chat.myRole !== 'owner' && (
          <button className="danger" onClick={() => run(async () => {
            await unwrap(api.POST('/chats/{chatId}/leave', path));
            removeChat(chat.id);
            void navigate('/');
          })}>{t('leave')}</button>
        )}
        {(chat.type === 'dialog' || chat.myRole === 'owner') && (
          <button className="danger" onClick={() => run(async () => {
            await unwrap(api.DELETE('/chats/{chatId}', { params: { path: { chatId: chat.id }, query: chat.type === 'dialog' ? { forEveryone: false } : {} } }));
            removeChat(chat.id);
            void navigate('/');
          })}>{t('delete')}</button>
        )}
      </div>
    </aside>
  );
}
