import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stunAnswers } from '../../src/turn/stunProbe.js';
import { freeListeningPort, requireCoturnHost, startTestCoturn } from './coturnHarness.js';

/** `npm run turn` end to end: the CLI (from source, through tsx) with a real turnserver. */

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const cliSource = join(repoRoot, 'packages/server/src/turn/cli.ts');

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  /** Resolves with the first stdout line matching `pattern`, or rejects after `timeoutMs`. */
  line(pattern: RegExp, timeoutMs: number): Promise<string>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function runCli(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', cliSource], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    listeners.forEach((l) => l());
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exit;
    }
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    line: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const found = out.split('\n').find((l) => pattern.test(l));
          if (found === undefined) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `no line ${pattern} within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`,
            ),
          );
        }, timeoutMs);
        listeners.add(check);
        check();
        void exit.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`CLI exited before ${pattern}\nstdout:\n${out}\nstderr:\n${err}`));
          }
        });
      }),
  };
}

async function turnEnv(port: number): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-turn-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const minPort = randomInt(20_000, 32_000 - 64);
  return {
    TURN_SECRET: randomBytes(32).toString('hex'),
    TURN_LISTEN_IPS: '127.0.0.1',
    TURN_RELAY_IP: '127.0.0.1',
    TURN_PORT: String(port),
    TURN_MIN_PORT: String(minPort),
    TURN_MAX_PORT: String(minPort + 63),
    TURN_CONFIG_DIR: join(dir, '.turn'),
  };
}

describe('npm run turn (cli.ts)', () => {
  it('writes the config 0600, runs turnserver, prints TURN_URLS and stops on SIGTERM', async () => {
    requireCoturnHost();
    const port = await freeListeningPort();
    const env = await turnEnv(port);
    const run = runCli(env);
    const urls = await run.line(/^TURN_URLS=/, 20_000);
    expect(urls).toBe(
      `TURN_URLS=turn:127.0.0.1:${port}?transport=udp,turn:127.0.0.1:${port}?transport=tcp`,
    );
    expect(run.stdout()).toContain('Open in the firewall');
    const configFile = join(env['TURN_CONFIG_DIR'] ?? '', 'turnserver.conf');
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    const config = await readFile(configFile, 'utf8');
    expect(config).toContain(`static-auth-secret=${env['TURN_SECRET']}`);
    expect(config).toContain('relay-ip=127.0.0.1');
    expect(config).not.toContain('allow-loopback-peers');
    // The secret is never printed.
    expect(run.stdout()).not.toContain(env['TURN_SECRET']);
    expect(await stunAnswers('127.0.0.1', port, 1000)).toBe(true);

    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(await stunAnswers('127.0.0.1', port, 300)).toBe(false);
  });

  it('refuses an invalid environment with one message per variable', async () => {
    const run = runCli({ TURN_SECRET: 'short', TURN_PORT: '99999' });
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(/TURN_SECRET: must be at least 32 bytes/);
    expect(run.stderr()).toMatch(/TURN_RELAY_IP: is required.*ip -brief address/);
    expect(run.stderr()).toMatch(/TURN_PORT: must be a port number/);
  });

  it('refuses to start a second TURN server on a port that already answers STUN', async () => {
    const other = await startTestCoturn();
    cleanups.push(() => other.stop());
    const run = runCli(await turnEnv(other.port));
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toMatch(/already answers STUN on 127\.0\.0\.1:\d+/);
  });
});
