import { api, unwrap } from '../../api/http';
import type { MediaKind, MediaView } from '../../api/types';
import { onServerEvent } from '../../realtime/events';

export function kindOf(file: File): MediaKind {
  if (file.type.startsWith('image/')) return 'image';
  if (file.type.startsWith('video/')) return 'video';
  if (file.type.startsWith('audio/')) return 'audio';
  return 'file';
}

/** PUT (or a signed multipart POST) straight to storage, with progress: fetch cannot report upload progress, XHR can. */
function send(method: 'PUT' | 'POST', url: string, headers: Record<string, string>, body: Blob | FormData, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`Upload failed: HTTP ${xhr.status}`)));
    xhr.onerror = () => reject(new Error('Upload failed: network error'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}

/**
 * Uploads one file: asks the API for a direct-upload target, sends the bytes there with progress, then tells the
 * API it is complete (processing starts; the message may be sent at once, `media.updated` follows when it is ready).
 */
export async function uploadMedia(file: Blob, fileName: string, kind: MediaKind, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<string> {
  const contentType = file.type || 'application/octet-stream';
  const target = await unwrap(api.POST('/media/uploads', { body: { fileName, contentType, size: file.size, kind } }));
  if (target.method === 'POST') {
    const form = new FormData();
    for (const [name, value] of Object.entries(target.fields ?? {})) form.append(name, value);
    form.append('file', file, fileName);
    await send('POST', target.uploadUrl, target.headers, form, onProgress, signal);
  } else {
    await send('PUT', target.uploadUrl, target.headers, file, onProgress, signal);
  }
  onProgress(1);
  await unwrap(api.POST('/media/uploads/{mediaId}/complete', { params: { path: { mediaId: target.mediaId } } }));
  return target.mediaId;
}

/**
 * Resolves once my upload is processed (an avatar must be `ready`), told by `media.updated`, the uploader's own
 * event; one read covers processing that ended before the listener was there. Rejects when it failed.
 */
export function whenProcessed(mediaId: string, timeoutMs = 60_000): Promise<MediaView> {
  return new Promise((resolve, reject) => {
    const settle = (media: MediaView) => {
      if (media.status !== 'ready' && media.status !== 'failed') return;
      stop();
      clearTimeout(timer);
      if (media.status === 'ready') resolve(media);
      else reject(new Error(media.failureReason ?? 'failed'));
    };
    const stop = onServerEvent('media.updated', ({ data }) => data.id === mediaId && settle(data));
    const timer = setTimeout(() => {
      stop();
      reject(new Error('Timed out'));
    }, timeoutMs);
    unwrap(api.GET('/media/{mediaId}', { params: { path: { mediaId } } })).then(settle, () => undefined);
  });
}
