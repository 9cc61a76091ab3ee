import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sendToHub } from '../../realtime/hub';
import { kindOf, uploadMedia } from './upload';
import { Icon } from '../../ui/Icon';

interface Upload {
  key: string;
  file: File;
  progress: number;
  mediaId: string | null;
  error: string | null;
  preview: string | null;
}

export interface AttachmentsState {
  uploads: Upload[];
  /** Every upload finished (or there are none). */
  ready: boolean;
  mediaIds: string[];
  add: (files: FileList | File[]) => void;
  remove: (key: string) => void;
  clear: () => void;
}

/** Files attached to the message being written, each uploading at once with its own progress. */
export function useAttachments(chatId: string): AttachmentsState {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const patch = (key: string, change: Partial<Upload>) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)));
  const add = useCallback((files: FileList | File[]) => {
    const added = [...files].slice(0, 10).map((file): Upload => ({
      key: crypto.randomUUID(),
      file,
      progress: 0,
      mediaId: null,
      error: null,
      preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : null,
    }));
    setUploads((all) => [...all, ...added].slice(0, 10));
    sendToHub('typing', { chatId, action: 'uploading_media' });
    for (const upload of added) {
      uploadMedia(upload.file, upload.file.name, kindOf(upload.file), (progress) => patch(upload.key, { progress }))
        .then((mediaId) => patch(upload.key, { mediaId, progress: 1 }))
        .catch((e: unknown) => patch(upload.key, { error: e instanceof Error ? e.message : String(e) }));
    }
  }, [chatId]);
  const done = uploads.filter((u) => u.mediaId !== null);
  return {
    uploads,
    ready: uploads.every((u) => u.mediaId !== null || u.error !== null),
    mediaIds: done.map((u) => u.mediaId!),
    add,
    remove: (key) => setUploads((all) => all.filter((u) => u.key !== key)),
    clear: () => setUploads([]),
  };
}

export function AttachButton({ onFiles }: { onFiles: (files: FileList) => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button className="icon-button" aria-label={t('attach')} title={t('attach')} onClick={() => input.current?.click()}><Icon name="attach" /></button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(e) => {
          if (e.target.files?.length) onFiles(e.target.files);
          e.target.value = '';
        }}
      />
    </>
  );
}

export function Attachments({ state }: { state: AttachmentsState }) {
  const { t } = useTranslation();
  if (state.uploads.length === 0) return null;
  return (
    <ul className="attachments">
      {state.uploads.map((u) => (
        <li key={u.key} data-upload-state={u.error ? 'failed' : u.mediaId ? 'done' : 'uploading'}>
          {u.preview ? <img src={u.preview} alt="" /> : <span className="file-icon"><Icon name="file" size={32} /></span>}
          <span className="attachment-name">{u.file.name}</span>
          {u.error ? (
            <span className="form-error">{u.error}</span>
          ) : (
            <progress max={1} value={u.progress} aria-label={t('uploading', { percent: Math.round(u.progress * 100) })} data-progress={Math.round(u.progress * 100)} />
          )}
          <button className="icon-button" aria-label={t('remove')} onClick={() => state.remove(u.key)}><Icon name="close" size={18} /></button>
        </li>
      ))}
    </ul>
  );
}
