import { useI18n } from 'vue-i18n';

// Intl formatters are slow to build (~ms each: locale data is looked up),
// and the call banner formats names on every render: one per locale.
const listFormats = new Map<string, Intl.ListFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

function listFormat(locale: string): Intl.ListFormat {
  let f = listFormats.get(locale);
  if (!f) {
    f = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
    listFormats.set(locale, f);
  }
  return f;
}

function timeFormat(locale: string): Intl.DateTimeFormat {
  let f = timeFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
    timeFormats.set(locale, f);
  }
  return f;
}

/**
 * Build the formatters for `locale` ahead of need (the lobby calls it when
 * idle): the first Intl.ListFormat costs ~100 ms of main thread on a busy
 * machine, which would otherwise land on the room's first render.
 */
export function warmFormats(locale: string): void {
  listFormat(locale);
  timeFormat(locale);
}

/** Number formatting shared by the quality indicator and the stats panel. */
export function useFormat() {
  const { t, locale } = useI18n();

  const value = (n: number | null, key: string, digits = 0): string =>
    n === null || !Number.isFinite(n) ? t('units.none') : t(key, { n: n.toFixed(digits) });

  return {
    ms: (n: number | null) => value(n, 'units.ms'),
    percent: (n: number | null) => value(n, 'units.percent', 1),
    kbps: (n: number | null) => value(n, 'units.kbps'),
    fps: (n: number | null) => value(n, 'units.fps'),
    /** "Alice, Bob and Carol" in the UI's language. */
    names: (names: readonly string[]): string => listFormat(locale.value).format(names),
    /** How long something lasts, as m:ss (e.g. time in the waiting room). */
    duration: (ms: number): string => {
      const total = Math.max(0, Math.floor(ms / 1000));
      return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
    },
    /** A message time as hours and minutes. */
    time: (ms: number): string => timeFormat(locale.value).format(ms),
  };
}
