#!/usr/bin/env node
/**
 * The bundle budget of the web app, checked by `npm run build` after `vite build`.
 *
 * Reads Vite's manifest (dist/.vite/manifest.json), gzips every emitted
 * JavaScript chunk with node:zlib (default level, as a server compresses on
 * the fly), prints a table of them and writes dist/bundle-report.json.
 *
 * The first screen (the lobby: `/` and `/r/<room>` before joining) needs the
 * entry chunk and, transitively, the chunks it imports statically (the
 * manifest's `imports`); chunks reached only through dynamic `import()` (the
 * manifest's `dynamicImports`: the room, the call, chat, stats, panels, other
 * locales) load later and do not count. The script exits with status 1 when
 * the first screen's gzipped JavaScript exceeds FIRST_SCREEN_BUDGET_BYTES,
 * which fails the build.
 *
 * dist/bundle-report.json has the same figures for tools (the benchmark):
 * `firstScreen.gzip` (bytes), `budget`, and every chunk with its raw and
 * gzipped size and whether the first screen loads it.
 *
 *   node scripts/bundleBudget.mjs [distDir]      (default: packages/web/dist)
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * The most gzipped JavaScript the first screen may ship, in bytes: 100 KB.
 * Every byte here is on the critical path of every visit: raise it only with
 * a reason in the commit message.
 */
export const FIRST_SCREEN_BUDGET_BYTES = 100 * 1024;
export const TARGET_FIRST_SCREEN_BYTES = FIRST_SCREEN_BUDGET_BYTES;

const REPORT_FILE = 'bundle-report.json';
const MANIFEST_FILE = join('.vite', 'manifest.json');

/**
 * The manifest keys of the chunks the first screen loads: every entry chunk
 * and, recursively, its static imports.
 * @param {Record<string, { file: string; isEntry?: boolean; imports?: string[] }>} manifest
 * @returns {Set<string>}
 */
export function firstScreenKeys(manifest) {
  const keys = new Set();
  const visit = (key) => {
    if (keys.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest: ${key} is imported but has no entry`);
    keys.add(key);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  return keys;
}

/**
 * @param {string} distDir
 * @param {number} budget
 */
export function buildReport(distDir, budget = FIRST_SCREEN_BUDGET_BYTES) {
  const manifestPath = join(distDir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    throw new Error(`${manifestPath} is missing: build with build.manifest enabled first`);
  }
  /** @type {Record<string, { file: string; name?: string; src?: string; isEntry?: boolean; isDynamicEntry?: boolean; imports?: string[]; css?: string[] }>} */
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const firstScreen = firstScreenKeys(manifest);
  const firstScreenFiles = new Set([...firstScreen].map((key) => manifest[key]?.file));
  const keyOfFile = new Map(Object.entries(manifest).map(([key, chunk]) => [chunk.file, key]));

  // Every emitted script, whether or not the manifest names it.
  const assets = join(distDir, 'assets');
  const files = existsSync(assets)
    ? readdirSync(assets)
        .filter((name) => name.endsWith('.js'))
        .map((name) => `assets/${name}`)
    : [];
  for (const file of firstScreenFiles) {
    if (file && !files.includes(file)) throw new Error(`manifest names ${file}, not in ${assets}`);
  }

  const chunks = files
    .map((file) => {
      const bytes = readFileSync(join(distDir, file));
      const key = keyOfFile.get(file);
      const entry = key === undefined ? undefined : manifest[key];
      return {
        file,
        name: entry?.name ?? file.replace(/^assets\//, '').replace(/-[\w-]{8}\.js$/, ''),
        src: entry?.src ?? null,
        raw: bytes.length,
        gzip: gzipSync(bytes).length,
        firstScreen: firstScreenFiles.has(file),
        entry: entry?.isEntry === true,
        dynamicEntry: entry?.isDynamicEntry === true,
      };
    })
    .sort((a, b) => Number(b.firstScreen) - Number(a.firstScreen) || b.gzip - a.gzip);

  const sum = (list, field) => list.reduce((total, chunk) => total + chunk[field], 0);
  const first = chunks.filter((chunk) => chunk.firstScreen);
  const firstCss = [...firstScreen].flatMap((key) => manifest[key]?.css ?? []);
  const cssGzip = [...new Set(firstCss)].reduce(
    (total, file) => total + gzipSync(readFileSync(join(distDir, file))).length,
    0,
  );
  return {
    budget: { firstScreenGzipBytes: budget, targetGzipBytes: TARGET_FIRST_SCREEN_BYTES },
    firstScreen: {
      gzip: sum(first, 'gzip'),
      raw: sum(first, 'raw'),
      chunks: first.length,
      withinBudget: sum(first, 'gzip') <= budget,
      cssGzip,
    },
    total: { gzip: sum(chunks, 'gzip'), raw: sum(chunks, 'raw'), chunks: chunks.length },
    chunks,
  };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** @param {ReturnType<typeof buildReport>} report */
export function formatReport(report) {
  const rows = report.chunks.map((chunk) => [
    chunk.name,
    kb(chunk.raw),
    kb(chunk.gzip),
    chunk.firstScreen ? 'yes' : 'no',
  ]);
  const header = ['chunk', 'raw', 'gzip', 'first screen'];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i].length)),
  );
  const line = (cells) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ');
  const { firstScreen, budget, total } = report;
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `all JavaScript: ${total.chunks} chunks, ${kb(total.raw)} raw, ${kb(total.gzip)} gzip`,
    `first screen: ${firstScreen.chunks} chunks, ${kb(firstScreen.gzip)} gzip ` +
      `(${firstScreen.gzip} of ${budget.firstScreenGzipBytes} bytes budget, ` +
      `${((100 * firstScreen.gzip) / budget.firstScreenGzipBytes).toFixed(0)}%), ` +
      `plus ${kb(firstScreen.cssGzip)} CSS`,
    ...(firstScreen.gzip > budget.targetGzipBytes
      ? [
          `target: ${kb(budget.targetGzipBytes)}, ` +
            `${firstScreen.gzip - budget.targetGzipBytes} bytes to go (README.md)`,
        ]
      : []),
  ].join('\n');
}

function main() {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const distDir = process.argv[2] ?? join(here, '..', 'dist');
  const report = buildReport(distDir);
  writeFileSync(join(distDir, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
  console.info(formatReport(report));
  console.info(`report: ${relative(process.cwd(), join(distDir, REPORT_FILE))}`);
  if (!report.firstScreen.withinBudget) {
    console.error(
      `\nbundle budget exceeded: the first screen ships ${report.firstScreen.gzip} bytes of ` +
        `gzipped JavaScript, over the budget of ${report.budget.firstScreenGzipBytes} ` +
        `(scripts/bundleBudget.mjs). Load what the lobby does not need lazily.`,
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  try {
    main();
  } catch (error) {
    console.error(`bundle budget: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
