import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, problemText, unwrap } from '../../api/http';
import { useChats } from '../../store/chats';

/** My chat folders (shown as tabs over the chat list): make one from some of my chats, or delete one. */
export function FoldersEditor() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const folders = useQuery({ queryKey: ['folders'], queryFn: () => unwrap(api.GET('/folders')) });
  const chats = Object.values(useChats((s) => s.chats)).sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queries.invalidateQueries({ queryKey: ['folders'] });

  async function create() {
    try {
      await unwrap(api.POST('/folders', { body: { name, chatIds: picked } }));
      setName('');
      setPicked([]);
      setError(null);
      await refresh();
    } catch (e) {
      setError(problemText(e));
    }
  }

  return (
    <section aria-label={t('folders')} className="settings-form">
      <h3>{t('folders')}</h3>
      <ul className="sessions">
        {folders.data?.items.map((f) => (
          <li key={f.id}>
            <span>{f.icon} {f.name}<small>{t('chatsCount', { count: f.chatIds.length })}</small></span>
            <button onClick={async () => { await unwrap(api.DELETE('/folders/{folderId}', { params: { path: { folderId: f.id } } })); await refresh(); }}>{t('delete')}</button>
          </li>
        ))}
      </ul>
      <label>{t('newFolder')}<input value={name} maxLength={32} onChange={(e) => setName(e.target.value)} /></label>
      {name.trim().length > 0 && (
        <ul className="folder-chats">
          {chats.map((c) => (
            <li key={c.id}>
              <label className="checkbox">
                <input type="checkbox" checked={picked.includes(c.id)} onChange={(e) => setPicked(e.target.checked ? [...picked, c.id] : picked.filter((id) => id !== c.id))} />
                {c.title}
              </label>
            </li>
          ))}
        </ul>
      )}
      {error && <p className="form-error" role="alert">{error}</p>}
      <button disabled={name.trim().length === 0} onClick={() => void create()}>{t('create')}</button>
    </section>
  );
}
