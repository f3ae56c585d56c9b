/**
 * The README's configuration table, generated from the documentation the
 * code itself validates against (CONFIG_DOCS of the signaling server and
 * TURN_ENV_DOCS of `npm run turn`), so the two cannot drift apart.
 *
 *   npx tsx scripts/configTable.ts --write   rewrites the table in README.md
 *
 * scripts/configTable.test.ts fails when README.md is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_DOCS } from '../packages/server/src/config.js';
import { TURN_ENV_DOCS } from '../packages/server/src/turn/coturnEnv.js';

export const README_PATH = fileURLToPath(new URL('../README.md', import.meta.url));
export const START_MARKER = '<!-- config-table:start -->';
export const END_MARKER = '<!-- config-table:end -->';

export interface ConfigRow {
  readonly name: string;
  readonly usedBy: string;
  readonly default: string;
  readonly description: string;
}

const SERVER = '`npm start`';
const TURN = '`npm run turn`';

/** One row per variable; a variable both processes read appears once. */
export function configRows(): ConfigRow[] {
  const rows = new Map<string, ConfigRow>();
  for (const d of CONFIG_DOCS) rows.set(d.name, { ...d, usedBy: SERVER });
  for (const d of TURN_ENV_DOCS) {
    const shared = rows.get(d.name);
    rows.set(d.name, shared ? { ...shared, usedBy: `${SERVER}, ${TURN}` } : { ...d, usedBy: TURN });
  }
  return [...rows.values()];
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderConfigTable(rows: readonly ConfigRow[] = configRows()): string {
  const lines = [
    '| variable | used by | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (r) => `| \`${r.name}\` | ${r.usedBy} | ${cell(r.default)} | ${cell(r.description)} |`,
    ),
  ];
  return lines.join('\n');
}

/** The rows of the table currently in README.md, cells trimmed (alignment-insensitive). */
export function readmeTableCells(readme: string): string[][] {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error('README.md lacks the config-table markers');
  return readme
    .slice(start + START_MARKER.length, end)
    .split('\n')
    .filter((l) => l.trim().startsWith('|'))
    .slice(2) // header and separator
    .map((l) =>
      l
        .trim()
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

export function expectedCells(rows: readonly ConfigRow[] = configRows()): string[][] {
  return rows.map((r) => [`\`${r.name}\``, r.usedBy, cell(r.default), cell(r.description)]);
}

async function write(): Promise<void> {
  const readme = readFileSync(README_PATH, 'utf8');
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error('README.md lacks the config-table markers');
  const next =
    readme.slice(0, start + START_MARKER.length) +
    '\n\n' +
    renderConfigTable() +
    '\n\n' +
    readme.slice(end);
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(README_PATH)) ?? {};
  writeFileSync(README_PATH, await prettier.format(next, { ...options, filepath: README_PATH }));
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  await write();
}
