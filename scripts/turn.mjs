// `npm run turn`: builds the server package when the TURN sources are newer
// than its output, then runs the TURN CLI (packages/server/src/turn/cli.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'packages/server/src/turn');
const distDir = join(root, 'packages/server/dist/turn');
const cli = join(distDir, 'cli.js');

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

// tsc -b re-emits only the files that changed, so compare each source with its own output.
function needsBuild() {
  return readdirSync(srcDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .some((f) => mtime(join(srcDir, f)) > mtime(join(distDir, f.replace(/\.ts$/, '.js'))));
}

if (needsBuild()) {
  console.info('[turn] building packages/server (tsc -b packages/server)...');
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-b', join(root, 'packages/server')], {
    stdio: 'inherit',
    cwd: root,
  });
  if (r.status !== 0) {
    console.error('[turn] build failed; fix the errors above and run `npm run turn` again.');
    process.exit(r.status ?? 1);
  }
}

const { runTurnCli } = await import(pathToFileURL(cli).href);
process.exitCode = await runTurnCli(process.env);
