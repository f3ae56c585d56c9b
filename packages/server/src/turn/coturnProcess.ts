import { execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stunAnswers } from './stunProbe.js';

/**
 * Runs coturn as a child process with a given config text, and refuses to
 * report success unless coturn both answers STUN and logged no config error:
 * coturn 4.6.1 starts even when it dropped a rule ("Wrong address format"),
 * which would silently fail open.
 */

/** Log lines that mean coturn ignored or could not apply part of the config. */
export const COTURN_CONFIG_ERROR_PATTERNS: readonly RegExp[] = Object.freeze([
  /Wrong address format/i,
  /Bad configuration format/i,
  /CONFIGURATION ALERT/i,
  /CONFIG ERROR/i,
  /error resolving/i,
  /\bERROR:/,
  /\bcannot (?:add|bind|create|configure|open|start|set|find)\b/i,
]);

export function findConfigErrors(log: string): string[] {
  return log.split('\n').filter((line) => COTURN_CONFIG_ERROR_PATTERNS.some((p) => p.test(line)));
}

export class CoturnStartError extends Error {
  override readonly name = 'CoturnStartError';
  constructor(
    message: string,
    /** The part of coturn's log that explains the failure. */
    readonly logExcerpt: string,
  ) {
    super(`${message}\n--- coturn log ---\n${logExcerpt}`);
  }
}

export const DEFAULT_TURNSERVER = '/usr/bin/turnserver';

/** Path of the turnserver binary (Debian's first, then PATH), or null when not installed. */
export function findTurnserver(pathEnv = process.env['PATH'] ?? ''): string | null {
  const candidates = [
    DEFAULT_TURNSERVER,
    ...pathEnv
      .split(delimiter)
      .filter((d) => d !== '')
      .map((d) => join(d, 'turnserver')),
  ];
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not there, try the next one
    }
  }
  return null;
}

export interface ProbeTarget {
  host: string;
  port: number;
}

/**
 * Where to send the readiness STUN probe: each `listening-ip` on
 * `listening-port` (wildcards probed on loopback, where they also listen).
 */
export function probeTargetsFromConfig(configText: string): ProbeTarget[] {
  const port = Number(configValues(configText, 'listening-port')[0] ?? 3478);
  const ips = configValues(configText, 'listening-ip');
  const hosts = (ips.length === 0 ? ['127.0.0.1'] : ips).map((ip) =>
    ip === '0.0.0.0' ? '127.0.0.1' : ip === '::' ? '::1' : ip,
  );
  return [...new Set(hosts)].map((host) => ({ host, port }));
}

function configValues(configText: string, key: string): string[] {
  return configText
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1).trim());
}

export interface StartCoturnOptions {
  /** Full turnserver.conf text (see renderCoturnConfig). */
  configText: string;
  /** Directory for the config file; created with mode 0700 if missing. */
  dir: string;
  configFileName?: string;
  /** turnserver binary; default: findTurnserver(). */
  binary?: string;
  /** How long coturn may take to answer STUN; default 15 s. */
  readyTimeoutMs?: number;
  /** Addresses to probe; default: listening-ip x listening-port from the config. */
  probe?: readonly ProbeTarget[];
  /** Receives coturn's output as it arrives (the CLI prints it). */
  onOutput?: (chunk: string) => void;
}

export interface CoturnExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CoturnProcess {
  pid: number;
  configFile: string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. Idempotent. */
  stop(): Promise<void>;
  /** Everything coturn printed so far (last MiB). */
  log(): string;
  /** Resolves when coturn exits, for whatever reason. */
  exited: Promise<CoturnExit>;
}

const LOG_CAP_CHARS = 1 << 20;
const STOP_GRACE_MS = 5000;

/** Writes the config with mode 0600 before any byte of it lands on disk: it holds the secret. */
async function writeSecretFile(file: string, text: string): Promise<void> {
  const handle = await open(file, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Create the SQLite schema of coturn's user DB before coturn starts.
 * coturn 4.6.1 opens the DB lazily in each auth thread at its first
 * authentication and creates the tables then; two first authentications at
 * the same moment (both sides of a call allocating at once) race on that,
 * one gets "database is locked", and its valid credential is refused with
 * 401 (test/turn/coturnFirstAuth.test.ts). With the tables already there the
 * threads only read. `turnadmin -l` (list users) creates them; it ships in
 * the same package, next to turnserver.
 */
async function createUserDbSchema(turnserver: string, dbFile: string): Promise<void> {
  const turnadmin = join(dirname(turnserver), 'turnadmin');
  try {
    await promisify(execFile)(turnadmin, ['-l', '-b', dbFile], { timeout: 10_000 });
  } catch (err) {
    throw new CoturnStartError(
      `could not create coturn's user DB ${dbFile} with ${turnadmin}: ${String(err)}`,
      '',
    );
  }
}

function excerpt(log: string, errors: readonly string[]): string {
  const tail = log.split('\n').slice(-40).join('\n');
  return errors.length > 0 ? `${errors.join('\n')}\n...\n${tail}` : tail;
}

export async function startCoturn(options: StartCoturnOptions): Promise<CoturnProcess> {
  const binary = options.binary ?? findTurnserver();
  if (binary === null) {
    throw new CoturnStartError(
      "turnserver not found: install Debian's coturn (apt-get install -y coturn) or set `binary`",
      '',
    );
  }
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // coturn opens its SQLite user DB (even with a static secret) only at the
  // first authentication; if it cannot, every credential gets 401. Check now.
  for (const db of configValues(options.configText, 'userdb')) {
    try {
      accessSync(dirname(resolve(dir, db)), constants.W_OK);
    } catch {
      throw new CoturnStartError(`the directory of userdb=${db} is missing or not writable`, '');
    }
  }
  for (const db of configValues(options.configText, 'userdb')) {
    await createUserDbSchema(binary, resolve(dir, db));
  }
  const configFile = join(dir, options.configFileName ?? 'turnserver.conf');
  await writeSecretFile(configFile, options.configText);

  const child = spawn(binary, ['-c', configFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-LOG_CAP_CHARS);
    options.onOutput?.(text);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  let exitInfo: CoturnExit | null = null;
  const exited = new Promise<CoturnExit>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolveExit(exitInfo);
    });
    child.once('error', (err) => {
      output += `\nspawn error: ${err.message}\n`;
      exitInfo = { code: null, signal: null };
      resolveExit(exitInfo);
    });
  });

  // If this Node process dies without stop(), do not leave coturn running.
  const killOnExit = (): void => {
    if (exitInfo === null && child.pid !== undefined) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitInfo === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killOnExit);
    })();
    return stopping;
  };

  const fail = async (message: string): Promise<never> => {
    await stop();
    throw new CoturnStartError(message, excerpt(output, findConfigErrors(output)));
  };

  if (child.pid === undefined) {
    await exited;
    return fail(`could not start ${binary}`);
  }

  const targets = options.probe ?? probeTargetsFromConfig(options.configText);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  const pending = new Set(targets.map((t) => `${t.host}|${t.port}`));
  while (pending.size > 0) {
    if (exitInfo !== null)
      return fail(`turnserver exited during startup (${JSON.stringify(exitInfo)})`);
    if (findConfigErrors(output).length > 0)
      return fail('turnserver reported a configuration error');
    if (Date.now() > deadline) {
      return fail(`turnserver did not answer STUN on ${[...pending].join(', ')} in time`);
    }
    for (const t of targets) {
      const key = `${t.host}|${t.port}`;
      if (pending.has(key) && (await stunAnswers(t.host, t.port, 250))) pending.delete(key);
    }
  }
  // Config errors are logged before the listeners open, so they are in `output` by now.
  if (findConfigErrors(output).length > 0) return fail('turnserver reported a configuration error');

  return { pid: child.pid, configFile, stop, log: () => output, exited };
}
