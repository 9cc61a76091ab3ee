import { format, formatDistanceToNowStrict, isSameDay, isToday, isYesterday, isSameYear } from 'date-fns';
import type { TFunction } from 'i18next';
import type { Presence } from '../api/types';
import { dateLocale } from '../i18n';

export const timeOf = (iso: string): string => format(new Date(iso), 'HH:mm');

/** The chat list's stamp: the time today, the weekday this week, the date before. */
export function shortStamp(iso: string): string {
  const date = new Date(iso);
  if (isToday(date)) return format(date, 'HH:mm');
  if (Date.now() - date.getTime() < 6 * 86_400_000) return format(date, 'EEE', { locale: dateLocale() });
  return format(date, isSameYear(date, new Date()) ? 'd MMM' : 'dd.MM.yy', { locale: dateLocale() });
}

export function dayLabel(iso: string, t: TFunction): string {
  const date = new Date(iso);
  if (isToday(date)) return t('today');
  if (isYesterday(date)) return t('yesterday');
  return format(date, isSameYear(date, new Date()) ? 'd MMMM' : 'd MMMM yyyy', { locale: dateLocale() });
}

export const sameDay = (a: string, b: string): boolean => isSameDay(new Date(a), new Date(b));

/** "online", "last seen 5 minutes ago", or what privacy lets me know. */
export function presenceLabel(presence: Presence | undefined, t: TFunction): string {
  switch (presence?.status) {
    case 'online':
      return t('online');
    case 'offline':
      return presence.lastSeenAt
        ? t('lastSeenAt', { when: formatDistanceToNowStrict(new Date(presence.lastSeenAt), { addSuffix: true, locale: dateLocale() }) })
        : t('lastSeenRecently');
    case 'long_ago':
      return t('lastSeenLongAgo');
    case 'deleted':
      return t('deletedAccount');
    default:
      return t('lastSeenRecently');
  }
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
