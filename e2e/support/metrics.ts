/** One line per measured figure; the lead collects them. Metrics are printed, never asserted. */
export function metric(name: string, value: number | string): void {
  console.info(`[metric] ${name} ${value}`);
}
