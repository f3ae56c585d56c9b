import { useI18n } from 'vue-i18n';

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
    names: (names: readonly string[]): string =>
      new Intl.ListFormat(locale.value, { style: 'long', type: 'conjunction' }).format(names),
    /** How long something lasts, as m:ss (e.g. time in the waiting room). */
    duration: (ms: number): string => {
      const total = Math.max(0, Math.floor(ms / 1000));
      return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
    },
    /** A message time as hours and minutes. */
    time: (ms: number): string =>
      new Intl.DateTimeFormat(locale.value, { hour: '2-digit', minute: '2-digit' }).format(ms),
  };
}
