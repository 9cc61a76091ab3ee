import { useTranslation } from 'react-i18next';
import type { MediaView } from '../../api/types';
import { duration, fileSize } from '../../ui/format';
import { Icon } from '../../ui/Icon';

/** One attachment as a message shows it: a thumbnail, a poster with a player, a voice waveform or a file link. */
export function MediaBlock({ media }: { media: MediaView }) {
  const { t } = useTranslation();
  if (media.status === 'failed') return <div className="media-failed">{t('mediaFailed')}</div>;
  if (media.status !== 'ready' || !media.url) {
    return <div className="media-pending" data-status={media.status} aria-busy="true">{t('processing')}</div>;
  }
  const ratio = media.width && media.height ? `${media.width} / ${media.height}` : undefined;
  switch (media.kind) {
    case 'image':
      return (
        <a className="media-image" href={media.url} target="_blank" rel="noreferrer" style={{ aspectRatio: ratio }}>
          <img src={media.thumbnailUrl ?? media.url} alt={media.fileName} loading="lazy" data-media-id={media.id} />
        </a>
      );
    case 'video':
      return <video className="media-video" src={media.url} poster={media.thumbnailUrl ?? undefined} controls preload="none" style={{ aspectRatio: ratio }} />;
    case 'voice':
    case 'audio':
      return (
        <div className="media-voice">
          <audio src={media.url} controls preload="none" />
          {media.waveform && (
            <svg className="waveform" viewBox={`0 0 ${media.waveform.length * 3} 32`} aria-label={t('voiceMessage')} preserveAspectRatio="none">
              {media.waveform.map((level, i) => <rect key={i} x={i * 3} y={31 - level} width={2} height={level + 1} rx={1} />)}
            </svg>
          )}
          {media.durationMs !== null && <span className="duration">{duration(media.durationMs)}</span>}
        </div>
      );
    default:
      return (
        <a className="media-file" href={media.url} download={media.fileName}>
          <span className="file-icon"><Icon name="file" size={32} /></span>
          <span>{media.fileName}<small>{media.size !== null ? fileSize(media.size) : ''}</small></span>
        </a>
      );
  }
}
