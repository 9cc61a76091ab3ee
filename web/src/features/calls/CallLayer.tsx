import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useChats } from '../../store/chats';
import { Avatar } from '../../ui/Avatar';
import { acceptCall, hangUp, rejectCall, useCall } from './calls';

function Video({ stream, muted, className }: { stream: MediaStream | null; muted: boolean; className: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} className={className} autoPlay playsInline muted={muted} />;
}

/** The incoming-call screen and the call in progress, over everything else. */
export function CallLayer() {
  const { t } = useTranslation();
  const { call, phase, local, remote, connection } = useCall();
  const chat = useChats((s) => (call ? s.chats[call.chatId] : undefined));
  if (!call || !phase) return null;
  const title = chat?.title ?? '…';
  const status = phase === 'incoming' ? (call.video ? t('incomingVideoCall') : t('incomingCall'))
    : phase === 'outgoing' ? t('calling')
      : phase === 'connected' ? t('inCall')
        : phase === 'ended' ? (call.status === 'missed' ? t('missedCall') : call.status === 'rejected' ? t('declinedCall') : call.status === 'busy' ? t('busyCall') : t('hangUp'))
          : t('connecting');
  return (
    <div className="call-layer" role="dialog" aria-label={status} data-call-phase={phase} data-connection-state={connection ?? ''} data-call-status={call.status}>
      {call.video && remote ? <Video stream={remote} muted={false} className="remote-video" /> : <Avatar id={call.chatId} title={title} url={chat?.avatarUrl ?? null} size={120} />}
      {!call.video && remote && <Video stream={remote} muted={false} className="remote-audio" />}
      {call.video && local && <Video stream={local} muted className="local-video" />}
      <h2>{title}</h2>
      <p className="call-status">{status}</p>
      <div className="call-actions">
        {phase === 'incoming' ? (
          <>
            <button className="accept" onClick={() => void acceptCall()}>{t('accept')}</button>
            <button className="danger" onClick={() => void rejectCall()}>{t('reject')}</button>
          </>
        ) : phase !== 'ended' && <button className="danger" onClick={() => void hangUp()}>{t('hangUp')}</button>}
      </div>
    </div>
  );
}
