import { apiUrl } from '../api/config';

const palette = ['#e17076', '#faa774', '#a695e7', '#7bc862', '#6ec9cb', '#65aadd', '#ee7aae'];

function colorOf(id: string): string {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return palette[Math.abs(hash) % palette.length] ?? palette[0]!;
}

function initials(title: string): string {
  const words = title.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? '') + (words[1]?.[0] ?? '')).toUpperCase() || '?';
}

export function Avatar({ id, title, url, size = 48, online = false }: { id: string; title: string; url: string | null; size?: number; online?: boolean }) {
  return (
    <span className="avatar" style={{ width: size, height: size, fontSize: size * 0.4, background: url ? undefined : colorOf(id) }}>
      {url ? <img src={apiUrl(url)} alt="" width={size} height={size} /> : initials(title)}
      {online && <span className="avatar-online" aria-label="online" />}
    </span>
  );
}
