import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { enUS, ru as ruDates, type Locale } from 'date-fns/locale';
import { en } from './en';
import { ru } from './ru';

export type Language = 'en' | 'ru';

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ru: { translation: ru } },
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

/** The account's language setting wins; `che` (not translated yet) falls back to English. */
export function useLanguage(language: string | undefined): void {
  const lng: Language = language === 'ru' ? 'ru' : 'en';
  if (i18n.language !== lng) void i18n.changeLanguage(lng);
  document.documentElement.lang = lng;
}

export const dateLocale = (): Locale => (i18n.language === 'ru' ? ruDates : enUS);

export default i18n;
