import { useRef, useState } from 'react';
import { duration } from '../../ui/format';
import { useTick } from '../messages/useTick';
import { useTranslation } from 'react-i18next';
import { sendToHub } from '../../realtime/hub';
import { sendMessage } from '../messages/messageActions';
import { uploadMedia } from './upload';
import { Icon } from '../../ui/Icon';

/** Hold-free voice notes: one click starts recording (MediaRecorder, Opus), the next uploads and sends it. */
export function VoiceRecorder({ chatId }: { chatId: string }) {
  const { t } = useTranslation();
  const [recording, setRecording] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const [startedAt, setStartedAt] = useState(0);
  const now = useTick(recording, 250);

  async function start() {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const chunks: Blob[] = [];
    const type = MediaRecorder.isTypeSupported('audio/webm;codecs=opus') ? 'audio/webm;codecs=opus' : '';
    const r = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    r.ondataavailable = (e) => e.data.size > 0 && chunks.push(e.data);
    r.onstop = async () => {
      stream.getTracks().forEach((track) => track.stop());
      const blob = new Blob(chunks, { type: r.mimeType || 'audio/webm' });
      setProgress(0);
      try {
        const mediaId = await uploadMedia(blob, 'voice.webm', 'voice', setProgress);
        await sendMessage(chatId, '', null, [mediaId]);
      } finally {
        setProgress(null);
      }
    };
    r.start();
    recorder.current = r;
    setStartedAt(Date.now());
    setRecording(true);
    sendToHub('typing', { chatId, action: 'recording_voice' });
  }

  function stop() {
    recorder.current?.stop();
    recorder.current = null;
    setRecording(false);
  }

  if (progress !== null) return <progress className="voice-progress" max={1} value={progress} aria-label={t('uploading', { percent: Math.round(progress * 100) })} />;
  return recording ? (
    <>
      <span className="recording-time" role="timer" aria-label={t('recordVoice')}>{duration(Math.max(0, now - startedAt))}</span>
      <button className="send recording" aria-label={t('stopRecording')} onClick={stop}><Icon name="stop" /></button>
    </>
  ) : (
    <button className="icon-button" aria-label={t('recordVoice')} title={t('recordVoice')} onClick={() => void start().catch(() => setRecording(false))}><Icon name="mic" /></button>
  );
}
