import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { api, problemText, unwrap } from '../../api/http';
import type { PublicProfile } from '../../api/types';
import { useSession } from '../../auth/session';
import { Avatar } from '../../ui/Avatar';
import { Modal } from '../../ui/Modal';
import { createDialog, createGroup } from './chatActions';

type Kind = 'dialog' | 'group' | 'channel';

/** A dialog with someone found by name, or a group or channel with a title and first members. */
export function NewChatDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const myId = useSession((s) => s.me?.id);
  const [kind, setKind] = useState<Kind>('dialog');
  const [q, setQ] = useState('');
  const [title, setTitle] = useState('');
  const [picked, setPicked] = useState<PublicProfile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const people = useQuery({
    queryKey: ['users', q],
    queryFn: () => unwrap(api.GET('/users', { params: { query: { q, limit: 20 } } })),
    enabled: q.trim().length > 0,
  });
  const done = (chatId: string) => {
    onClose();
    void navigate(`/chat/${chatId}`);
  };
  async function pick(user: PublicProfile) {
    if (kind === 'dialog') {
      done(await createDialog(user.id));
    } else if (!picked.some((p) => p.id === user.id)) {
      setPicked([...picked, user]);
    }
  }
  async function create() {
    try {
      done(await createGroup(kind === 'channel' ? 'channel' : 'group', title, picked.map((p) => p.id)));
    } catch (e) {
      setError(problemText(e));
    }
  }
  return (
    <Modal title={t('newChat')} onClose={onClose}>
      <div className="segmented" role="tablist">
        {(['dialog', 'group', 'channel'] as const).map((k) => (
          <button key={k} role="tab" aria-selected={kind === k} onClick={() => setKind(k)}>
            {t(k === 'dialog' ? 'newDialog' : k === 'group' ? 'newGroup' : 'newChannel')}
          </button>
        ))}
      </div>
      {kind !== 'dialog' && (
        <label>{t('title')}<input name="title" value={title} onChange={(e) => setTitle(e.target.value)} autoFocus /></label>
      )}
      {picked.length > 0 && (
        <ul className="chips">{picked.map((p) => <li key={p.id}>{p.name}<button aria-label={t('remove')} onClick={() => setPicked(picked.filter((x) => x.id !== p.id))}>×</button></li>)}</ul>
      )}
      <input type="search" name="people" placeholder={t('searchPlaceholder')} aria-label={t('people')} value={q} onChange={(e) => setQ(e.target.value)} autoFocus={kind === 'dialog'} />
      <ul className="people">
        {people.data?.items.filter((u) => u.id !== myId).map((u) => (
          <li key={u.id}>
            <button onClick={() => void pick(u)}>
              <Avatar id={u.id} title={u.name} url={u.avatarUrl} size={40} />
              <span>{u.name} {u.surname}<small>@{u.username}</small></span>
            </button>
          </li>
        ))}
      </ul>
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="modal-actions">
        <button onClick={onClose}>{t('cancel')}</button>
        {kind !== 'dialog' && <button className="primary" disabled={title.trim().length === 0} onClick={() => void create()}>{t('create')}</button>}
      </div>
    </Modal>
  );
}
