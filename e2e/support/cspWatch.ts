/**
 * Content-Security-Policy violations, caught as themselves. The app is served
 * with a strict CSP (packages/server/src/http/securityHeaders.ts); anything
 * it blocks (a test helper that evals inside the page, an inline script, a
 * foreign connection) would otherwise surface only as a timeout later on.
 *
 * `installCspWatch` is an init script, run in every page before the app: it
 * reports each `securitypolicyviolation` event as a console line with
 * CSP_VIOLATION_PREFIX, which the fixtures pick up from the console of both
 * browsers (it survives reloads, unlike state kept in the page), and every
 * test fails on any (fixtures.ts).
 */
export const CSP_VIOLATION_PREFIX = '[e2e-csp-violation]';

export function installCspWatch(): void {
  // Serialised into the page: no references to module scope.
  const prefix = '[e2e-csp-violation]';
  document.addEventListener('securitypolicyviolation', (e) => {
    const where = e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}` : '';
    const sample = e.sample ? ` sample=${JSON.stringify(e.sample)}` : '';
    console.error(
      `${prefix} ${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}${where}${sample}`,
    );
  });
}

/** The violation text of a console line, or null if the line is not a violation report. */
export function cspViolationOf(consoleText: string): string | null {
  return consoleText.startsWith(CSP_VIOLATION_PREFIX)
    ? consoleText.slice(CSP_VIOLATION_PREFIX.length).trim()
    : null;
}
