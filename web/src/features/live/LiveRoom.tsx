import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatListItem } from '../../api/types';
import { useMe } from '../../auth/session';
import { useChats } from '../../store/chats';
import { Avatar } from '../../ui/Avatar';
import { Icon } from '../../ui/Icon';
import { audioEnergy, joinRoom, leaveRoom, raiseHand, setMuted, setSpeaker, startRoom, stopRoom, useLive } from './live';

function Audio({ stream }: { stream: MediaStream }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = stream;
  }, [stream]);
  return <audio ref={ref} autoPlay />;
}

/**
 * How loud each participant arrives (RMS of the last second, 0 to 1), polled from the connections' stats while I
 * am in the room. A muted speaker sends silence, which Opus fills with faint comfort noise: below HEARD.
 */
function useLevels(userIds: string[], active: boolean): Record<string, number> {
  const [levels, setLevels] = useState<Record<string, number>>({});
  const key = userIds.join(',');
  useEffect(() => {
    if (!active) return;
    const last: Record<string, { energy: number; seconds: number }> = {};
    const timer = setInterval(async () => {
      const next: Record<string, number> = {};
      for (const id of key.split(',').filter(Boolean)) {
        const now = await audioEnergy(id);
        const before = last[id] ?? { energy: 0, seconds: 0 };
        const seconds = now.seconds - before.seconds;
        next[id] = seconds > 0 ? Math.sqrt(Math.max(0, now.energy - before.energy) / seconds) : 0;
        last[id] = now;
      }
      setLevels(next);
    }, 1000);
    return () => clearInterval(timer);
  }, [key, active]);
  return levels;
}

const HEARD = 0.01;

/** A group's or channel's live voice room: who speaks, raised hands, and my controls. */
export function LiveRoom({ chat }: { chat: ChatListItem }) {
  const { t } = useTranslation();
  const me = useMe();
  const room = useLive((s) => s.rooms[chat.id]);
  const joined = useLive((s) => s.joined === chat.id);
  const audio = useLive((s) => s.audio);
  const links = useLive((s) => s.links);
  const users = useChats((s) => s.users);
  const staff = chat.myRole === 'owner' || chat.myRole === 'admin' || chat.myRole === 'moderator';
  const levels = useLevels(room?.speakers.map((s) => s.userId).filter((id) => id !== me.id) ?? [], joined);
  const [error, setError] = useState<string | null>(null);
  const act = (action: () => Promise<void>) => () => void action().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));

  if (!room?.active) {
    return staff ? (
      <div className="live-bar">
        <button onClick={act(() => startRoom(chat.id))}><Icon name="live" size={18} /> {t('startLive')}</button>
        {error && <span className="form-error">{error}</span>}
      </div>
    ) : null;
  }
  const mine = room.speakers.find((s) => s.userId === me.id);
  const handUp = room.raisedHands.includes(me.id);
  const isHost = room.hostId === me.id;
  const name = (id: string) => (id === me.id ? t('you') : users[id]?.name ?? '…');
  return (
    <section className="live-room" aria-label={t('liveRoom')} data-joined={joined} data-connected={Object.values(links).filter((l) => l === 'connected').length}>
      <header>
        <Icon name="live" size={18} /> <strong>{t('liveRoom')}</strong>
        <span className="subtitle">{t('listeners', { count: room.listenerCount })}</span>
      </header>
      <ul className="live-speakers">
        {room.speakers.map((s) => (
          <li key={s.userId} data-user-id={s.userId} data-heard={(levels[s.userId] ?? 0) > HEARD} data-level={(levels[s.userId] ?? 0).toFixed(4)} data-muted={s.muted} className={(levels[s.userId] ?? 0) > HEARD ? 'speaking' : ''}>
            <Avatar id={s.userId} title={s.userId === me.id ? me.name : name(s.userId)} url={(s.userId === me.id ? me.avatarUrl : users[s.userId]?.avatarUrl) ?? null} size={40} />
            <span>{name(s.userId)}<small>{s.role === 'host' ? t('host') : t('speaker')}{s.muted ? ` · ${t('muted')}` : ''}</small></span>
            {(isHost || staff) && s.role === 'speaker' && <button onClick={act(() => setSpeaker(chat.id, s.userId, false))}>{t('remove')}</button>}
          </li>
        ))}
      </ul>
      {(isHost || staff) && room.raisedHands.length > 0 && (
        <ul className="live-hands" aria-label={t('raisedHands')}>
          {room.raisedHands.map((id) => (
            <li key={id}><Icon name="hand" size={16} /> {name(id)} <button onClick={act(() => setSpeaker(chat.id, id, true))}>{t('letSpeak')}</button></li>
          ))}
        </ul>
      )}
      <div className="live-actions">
        {!joined ? (
          <button className="primary" onClick={act(() => joinRoom(chat.id))}>{t('joinLive')}</button>
        ) : (
          <>
            {mine ? (
              <button onClick={act(() => setMuted(chat.id, me.id, !mine.muted))}>{mine.muted ? t('unmute') : t('mute')}</button>
            ) : (
              <button aria-pressed={handUp} onClick={act(() => raiseHand(chat.id, !handUp))}><Icon name="hand" size={16} /> {handUp ? t('lowerHand') : t('raiseHand')}</button>
            )}
            <button onClick={act(leaveRoom)}>{t('leave')}</button>
          </>
        )}
        {(isHost || chat.myRole === 'owner' || chat.myRole === 'admin') && <button className="danger" onClick={act(() => stopRoom(chat.id))}>{t('endLive')}</button>}
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
      {joined && Object.entries(audio).map(([id, stream]) => <Audio key={id} stream={stream} />)}
    </section>
  );
}
