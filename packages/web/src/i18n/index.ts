import { createI18n } from 'vue-i18n';
import en, { type MessageSchema } from './en';
import zhCN from './zh-CN';

export const SUPPORTED_LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

const STORAGE_KEY = 'parley.lang';

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** Map a BCP 47 tag to a supported locale: any Chinese variant reads zh-CN, the rest English. */
export function matchLocale(tag: string): Locale {
  return tag.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function readStoredLocale(): Locale | null {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isLocale(stored) ? stored : null;
  } catch {
    // Storage can be disabled (privacy modes, sandboxed iframes): just don't remember.
    return null;
  }
}

/**
 * `?lang=` wins (links and tests pin a language), then the user's remembered
 * choice, then the browser's preference list.
 */
export function resolveInitialLocale(
  langParam: string | null,
  languages: readonly string[],
): Locale {
  if (langParam) return isLocale(langParam) ? langParam : matchLocale(langParam);
  const stored = readStoredLocale();
  if (stored) return stored;
  const first = languages[0];
  return first ? matchLocale(first) : 'en';
}

export function createAppI18n(locale: Locale) {
  return createI18n<[MessageSchema], Locale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, 'zh-CN': zhCN },
  });
}

export type AppI18n = ReturnType<typeof createAppI18n>;

/** Reflect the locale in the document (screen readers, fonts, tab title). */
export function applyDocumentLocale(i18n: AppI18n): void {
  document.documentElement.lang = i18n.global.locale.value;
  document.title = i18n.global.t('app.title');
}

/** Remember an explicit choice for the next visit. */
export function rememberLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // See readStoredLocale.
  }
}

export function isSupportedLocale(value: unknown): value is Locale {
  return isLocale(value);
}
