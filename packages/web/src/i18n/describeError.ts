import { useI18n } from 'vue-i18n';

/** An error as the UI shows it: a stable code plus values for its message. */
export interface UiError {
  code: string;
  params?: Record<string, string | number>;
}

/**
 * Translate an error by its code (never by its message). App-side validation
 * codes live under `validation.*`, wire and SDK codes under `errors.*`.
 */
export function useDescribeError(): (error: UiError) => string {
  const { t, te } = useI18n();
  return (error) => {
    const params = error.params ?? {};
    if (error.code === 'ROOM_FULL' && params['max'] === undefined) {
      return t('errors.ROOM_FULL_NO_MAX');
    }
    for (const key of [`validation.${error.code}`, `errors.${error.code}`]) {
      if (te(key)) return t(key, params);
    }
    return t('errors.UNKNOWN', { code: error.code });
  };
}
