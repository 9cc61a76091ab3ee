import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, problemText, unwrap } from '../../api/http';
import type { UserSettings } from '../../api/types';
import { signOut, useMe, useSession } from '../../auth/session';
import { Avatar } from '../../ui/Avatar';
import { shortStamp } from '../../ui/format';
import { uploadMedia, whenProcessed } from '../media/upload';
import { FoldersEditor } from './FoldersEditor';
import { Icon } from '../../ui/Icon';

export function SettingsPanel() {
  const { t } = useTranslation();
  const me = useMe();
  const updateMe = useSession((s) => s.updateMe);
  const queries = useQueryClient();
  const navigate = useNavigate();
  const [profile, setProfile] = useState({ name: me.name, surname: me.surname ?? '', bio: me.bio ?? '' });
  const [error, setError] = useState<string | null>(null);
  const [avatarProgress, setAvatarProgress] = useState<number | null>(null);
  const sessions = useQuery({ queryKey: ['sessions'], queryFn: () => unwrap(api.GET('/auth/sessions')) });
  const endSession = useMutation({
    mutationFn: (sessionId: string) => unwrap(api.DELETE('/auth/sessions/{sessionId}', { params: { path: { sessionId } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['sessions'] }),
  });
  const endOthers = useMutation({
    mutationFn: () => unwrap(api.DELETE('/auth/sessions')),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['sessions'] }),
  });

  async function saveProfile(e: FormEvent) {
    e.preventDefault();
    try {
      // Only the profile's own fields: a settings change may have answered meanwhile.
      const saved = await unwrap(api.PATCH('/users/me', { body: { name: profile.name, surname: profile.surname || null, bio: profile.bio || null } }));
      updateMe((current) => ({ ...saved, settings: current.settings, avatarUrl: current.avatarUrl }));
      setError(null);
    } catch (err) {
      setError(problemText(err));
    }
  }

  async function saveSettings(patch: Partial<UserSettings>) {
    const settings = await unwrap(api.PATCH('/users/me/settings', { body: patch }));
    updateMe((current) => ({ ...current, settings }));
  }

  async function changeAvatar(file: File) {
    setAvatarProgress(0);
    try {
      const mediaId = await uploadMedia(file, file.name, 'image', setAvatarProgress);
      await whenProcessed(mediaId);
      const { avatarUrl } = await unwrap(api.PUT('/users/me/avatar', { body: { mediaId } }));
      updateMe((current) => ({ ...current, avatarUrl }));
    } catch (err) {
      setError(String(err));
    } finally {
      setAvatarProgress(null);
    }
  }

  return (
    <aside className="sidebar settings">
      <header className="sidebar-header">
        <Link to="/" className="icon-button" aria-label={t('back')}><Icon name="back" /></Link>
        <h2>{t('settings')}</h2>
      </header>
      <div className="settings-body">
        <section className="settings-profile">
          <label className="avatar-picker" aria-label={t('changeAvatar')}>
            <Avatar id={me.id} title={me.name} url={me.avatarUrl} size={96} />
            <input type="file" accept="image/*" hidden onChange={(e) => e.target.files?.[0] && void changeAvatar(e.target.files[0])} />
            {avatarProgress !== null && <progress max={1} value={avatarProgress} />}
          </label>
          <p className="username">@{me.username}</p>
        </section>
        <form className="settings-form" onSubmit={saveProfile} aria-label={t('profile')}>
          <label>{t('name')}<input value={profile.name} onChange={(e) => setProfile({ ...profile, name: e.target.value })} /></label>
          <label>{t('surname')}<input value={profile.surname} onChange={(e) => setProfile({ ...profile, surname: e.target.value })} /></label>
          <label>{t('bio')}<textarea value={profile.bio} onChange={(e) => setProfile({ ...profile, bio: e.target.value })} /></label>
          {error && <p className="form-error" role="alert">{error}</p>}
          <button type="submit" className="primary">{t('save')}</button>
        </form>
        <section className="settings-form">
          <label>{t('language')}
            <select value={me.settings.language} onChange={(e) => void saveSettings({ language: e.target.value as UserSettings['language'] })}>
              <option value="en">English</option>
              <option value="ru">Русский</option>
            </select>
          </label>
          <label>{t('lastSeenVisibility')}
            <select value={me.settings.lastSeenVisibility} onChange={(e) => void saveSettings({ lastSeenVisibility: e.target.value as UserSettings['lastSeenVisibility'] })}>
              <option value="everybody">{t('everybody')}</option>
              <option value="contacts">{t('contacts')}</option>
              <option value="nobody">{t('nobody')}</option>
            </select>
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={me.settings.notifications} onChange={(e) => void saveSettings({ notifications: e.target.checked })} />
            {t('notifications')}
          </label>
        </section>
        <FoldersEditor />
        <section aria-label={t('sessions')}>
          <h3>{t('sessions')}</h3>
          <ul className="sessions">
            {sessions.data?.items.map((s) => (
              <li key={s.id} data-current={s.current}>
                <span>{s.device || '—'}<small>{s.ip} · {shortStamp(s.lastUsedAt)}{s.current ? ` · ${t('thisDevice')}` : ''}</small></span>
                {!s.current && <button onClick={() => endSession.mutate(s.id)}>{t('endSession')}</button>}
              </li>
            ))}
          </ul>
          {(sessions.data?.items.length ?? 0) > 1 && <button onClick={() => endOthers.mutate()}>{t('endOtherSessions')}</button>}
        </section>
        <button className="danger sign-out" onClick={() => { void navigate('/', { replace: true }); void signOut(); }}>{t('signOut')}</button>
      </div>
    </aside>
  );
}
