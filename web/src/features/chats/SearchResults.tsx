import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/http';
import { useSession } from '../../auth/session';
import { Avatar } from '../../ui/Avatar';
import { ChatRow } from './ChatRow';
import { createDialog } from './chatActions';

/** Chats, public groups and channels, people and messages matching the sidebar's search box. */
export function SearchResults({ query, onPicked }: { query: string; onPicked: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const myId = useSession((s) => s.me?.id);
  const found = useQuery({
    queryKey: ['search', query],
    queryFn: () => unwrap(api.GET('/chats/search', { params: { query: { q: query, limit: 10 } } })),
    staleTime: 10_000,
  });
  const messages = useQuery({
    queryKey: ['search-messages', query],
    queryFn: () => unwrap(api.GET('/messages/search', { params: { query: { q: query, limit: 20 } } })),
    enabled: query.length >= 2,
    staleTime: 10_000,
  });
  const open = (chatId: string) => {
    onPicked();
    void navigate(`/chat/${chatId}`);
  };
  const data = found.data;
  return (
    <div className="search-results">
      {data && data.chats.length > 0 && (
        <ul className="chat-list" aria-label={t('chats')}>
          {data.chats.map((chat) => <ChatRow key={chat.id} chat={chat} active={false} />)}
        </ul>
      )}
      {data && data.publicChats.length > 0 && (
        <section aria-label={t('publicChats')}>
          <h3>{t('publicChats')}</h3>
          <ul className="people">
            {data.publicChats.map((c) => (
              <li key={c.id}>
                <button onClick={() => open(c.id)}>
                  <Avatar id={c.id} title={c.title} url={c.avatarUrl} size={40} />
                  <span>{c.title}<small>{t(c.type === 'channel' ? 'subscribersCount' : 'membersCount', { count: c.memberCount })}</small></span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {data && data.users.filter((u) => u.id !== myId).length > 0 && (
        <section aria-label={t('people')}>
          <h3>{t('people')}</h3>
          <ul className="people">
            {data.users.filter((u) => u.id !== myId).map((u) => (
              <li key={u.id}>
                <button onClick={async () => open(await createDialog(u.id))}>
                  <Avatar id={u.id} title={u.name} url={u.avatarUrl} size={40} />
                  <span>{u.name} {u.surname}<small>@{u.username}</small></span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {messages.data && messages.data.items.length > 0 && (
        <section aria-label={t('messagesSearch')}>
          <h3>{t('messagesSearch')}</h3>
          <ul className="people">
            {messages.data.items.map((m) => (
              <li key={m.id}>
                <button onClick={() => open(m.chatId)}><span>{m.text}</span></button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
