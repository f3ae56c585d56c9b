import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FIRST_SCREEN_BUDGET_BYTES,
  TARGET_FIRST_SCREEN_BYTES,
  buildReport,
  firstScreenKeys,
  formatReport,
} from '../scripts/bundleBudget.mjs';

const MANIFEST = {
  'index.html': {
    file: 'assets/index-AAAAAAAA.js',
    name: 'index',
    src: 'index.html',
    isEntry: true,
    imports: ['_shared-BBBBBBBB.js'],
    dynamicImports: ['src/components/RoomView.vue'],
    css: ['assets/index-CCCCCCCC.css'],
  },
  '_shared-BBBBBBBB.js': { file: 'assets/shared-BBBBBBBB.js', name: 'shared' },
  'src/components/RoomView.vue': {
    file: 'assets/RoomView-DDDDDDDD.js',
    name: 'RoomView',
    src: 'src/components/RoomView.vue',
    isDynamicEntry: true,
    imports: ['_shared-BBBBBBBB.js'],
  },
};

let dist: string | null = null;
afterEach(() => {
  if (dist) rmSync(dist, { recursive: true, force: true });
  dist = null;
});

/** A dist/ with the manifest above and incompressible scripts of the given sizes. */
function makeDist(sizes: Record<string, number>): string {
  dist = mkdtempSync(join(tmpdir(), 'parley-budget-'));
  mkdirSync(join(dist, '.vite'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, '.vite', 'manifest.json'), JSON.stringify(MANIFEST));
  writeFileSync(join(dist, 'assets', 'index-CCCCCCCC.css'), 'body{margin:0}');
  for (const [file, size] of Object.entries(sizes))
    writeFileSync(join(dist, file), randomBytes(size));
  return dist;
}

describe('bundle budget', () => {
  it('is 100 KB of gzipped JavaScript', () => {
    expect(FIRST_SCREEN_BUDGET_BYTES).toBe(102_400);
    expect(TARGET_FIRST_SCREEN_BYTES).toBe(FIRST_SCREEN_BUDGET_BYTES);
  });

  it('counts the entry and its static imports, not dynamic imports', () => {
    expect([...firstScreenKeys(MANIFEST)].sort()).toEqual(['_shared-BBBBBBBB.js', 'index.html']);
  });

  it('reports every chunk and passes within the budget', () => {
    const report = buildReport(
      makeDist({
        'assets/index-AAAAAAAA.js': 20_000,
        'assets/shared-BBBBBBBB.js': 10_000,
        'assets/RoomView-DDDDDDDD.js': 50_000,
      }),
    );
    const byName = Object.fromEntries(report.chunks.map((c) => [c.name, c]));
    expect(byName['index']?.firstScreen).toBe(true);
    expect(byName['shared']?.firstScreen).toBe(true);
    expect(byName['RoomView']?.firstScreen).toBe(false);
    expect(report.firstScreen.chunks).toBe(2);
    // Random bytes do not compress: gzip adds a little.
    expect(report.firstScreen.gzip).toBeGreaterThan(30_000);
    expect(report.firstScreen.gzip).toBeLessThan(31_000);
    expect(report.firstScreen.withinBudget).toBe(true);
    expect(formatReport(report)).toMatch(/RoomView .* no/);
  });

  it('fails when the first screen is over the budget, whatever loads lazily', () => {
    const over = buildReport(
      makeDist({
        'assets/index-AAAAAAAA.js': FIRST_SCREEN_BUDGET_BYTES - 10_000,
        'assets/shared-BBBBBBBB.js': 10_001,
        'assets/RoomView-DDDDDDDD.js': 1_000,
      }),
    );
    expect(over.firstScreen.withinBudget).toBe(false);
  });

  it('refuses a dist/ without a manifest', () => {
    dist = mkdtempSync(join(tmpdir(), 'parley-budget-'));
    expect(() => buildReport(dist as string)).toThrow(/manifest/);
  });
});
