import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/http';
import { useChats } from '../../store/chats';
import { useVisible } from '../../ui/useVisible';
import { loadChats } from './chatActions';
import { ChatRow } from './ChatRow';
import { NewChatDialog } from './NewChatDialog';
import { SearchResults } from './SearchResults';
import { Icon } from '../../ui/Icon';

export function Sidebar({ activeChatId }: { activeChatId: string | undefined }) {
  const { t } = useTranslation();
  const chats = useChats((s) => s.chats);
  const cursor = useChats((s) => s.chatsCursor);
  const [query, setQuery] = useState('');
  const [folderId, setFolderId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const folders = useQuery({ queryKey: ['folders'], queryFn: () => unwrap(api.GET('/folders')) });
  const folder = folders.data?.items.find((f) => f.id === folderId);
  const ordered = useMemo(
    () => Object.values(chats)
      .filter((c) => !folder || folder.chatIds.includes(c.id))
      .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt)),
    [chats, folder],
  );
  const more = useVisible<HTMLLIElement>(() => void loadChats(true), !!cursor);

  return (
    <aside className="sidebar">
      <header className="sidebar-header">
        <Link to="/settings" className="icon-button" aria-label={t('settings')} title={t('settings')}><Icon name="menu" /></Link>
        <input
          className="search"
          type="search"
          placeholder={t('searchPlaceholder')}
          aria-label={t('search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button className="icon-button" aria-label={t('newChat')} title={t('newChat')} onClick={() => setCreating(true)}><Icon name="compose" /></button>
      </header>
      {(folders.data?.items.length ?? 0) > 0 && (
        <nav className="folder-tabs" role="tablist">
          <button role="tab" aria-selected={folderId === null} onClick={() => setFolderId(null)}>{t('allChats')}</button>
          {folders.data?.items.map((f) => (
            <button key={f.id} role="tab" aria-selected={folderId === f.id} onClick={() => setFolderId(f.id)}>{f.icon} {f.name}</button>
          ))}
        </nav>
      )}
      {query.trim().length > 0 ? (
        <SearchResults query={query.trim()} onPicked={() => setQuery('')} />
      ) : (
        <ul className="chat-list" aria-label={t('chats')}>
          {ordered.map((chat) => <ChatRow key={chat.id} chat={chat} active={chat.id === activeChatId} />)}
          {cursor && <li ref={more} className="list-more">{t('loadingOlder')}</li>}
          {cursor === null && ordered.length === 0 && <li className="list-empty">{t('noChats')}</li>}
        </ul>
      )}
      {creating && <NewChatDialog onClose={() => setCreating(false)} />}
    </aside>
  );
}
