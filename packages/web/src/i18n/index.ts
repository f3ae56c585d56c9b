import { createI18n } from 'vue-i18n';
import en, { type MessageSchema } from './en';

export const SUPPORTED_LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

/**
 * English ships with the app (it is also the fallback); every other catalog
 * is a chunk of its own, fetched the first time its locale is used.
 */
const CATALOGS: Record<Exclude<Locale, 'en'>, () => Promise<{ default: MessageSchema }>> = {
  'zh-CN': () => import('./zh-CN'),
};

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

/** The app's i18n, in English until setAppLocale() has loaded the user's catalog. */
export function createAppI18n() {
  return createI18n<[MessageSchema], Locale, false>({
    legacy: false,
    locale: 'en',
    fallbackLocale: 'en',
    // Only English is bundled; setAppLocale() adds the others when they are used.
    messages: { en } as Record<Locale, MessageSchema>,
  });
}

export type AppI18n = ReturnType<typeof createAppI18n>;

/** What setAppLocale() needs: `i18n.global`, or useI18n() in a component. */
export interface LocaleTarget {
  locale: { value: string };
  readonly availableLocales: readonly string[];
  setLocaleMessage(locale: Locale, messages: MessageSchema): void;
}

let latestRequest = 0;

/**
 * Switch the UI to `locale`, fetching its catalog first if this page has not
 * used it yet, so no string shows untranslated meanwhile. When switches
 * overlap the last one wins. Rejects when the catalog cannot be fetched
 * (offline); the locale then stays as it was.
 */
export async function setAppLocale(target: LocaleTarget, locale: Locale): Promise<void> {
  const request = ++latestRequest;
  if (locale !== 'en' && !target.availableLocales.includes(locale)) {
    const { default: messages } = await CATALOGS[locale]();
    target.setLocaleMessage(locale, messages);
  }
  if (request === latestRequest) target.locale.value = locale;
}

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
