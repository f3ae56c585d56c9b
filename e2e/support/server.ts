import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (e2e/support/ is two levels down). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const serverEntry = path.join(repoRoot, 'packages/server/dist/main.js');

const HEALTH_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** What the process wrote so far (stdout+stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
  /** Send `signal` to this server process (by its PID) and wait for it to exit. */
  kill(signal: NodeJS.Signals): Promise<ExitInfo>;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** ms from the signal to the exit. */
  readonly afterMs: number;
}

export interface StartOptions {
  /** Listen on this port (a restart of a server on its old port); default: a free one. */
  readonly port?: number;
}

/**
 * A free TCP port on 127.0.0.1: bind port 0, read the port, release it. The
 * port can in theory be taken between the probe and the server's own bind;
 * the health check below then fails loudly rather than talking to a stranger
 * (it also checks that the process is still alive).
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port from probe');
  return address.port;
}

/** Start the built signaling server (which also serves the web app) and wait for /healthz. */
export async function startServer(
  env: Readonly<Record<string, string>> = {},
  options: StartOptions = {},
): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [serverEntry], {
    cwd: repoRoot,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  if (child.pid === undefined) throw new Error(`could not spawn ${serverEntry}`);
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    url,
    port,
    pid: child.pid,
    output: () => output,
    stop: () => stopProcess(child),
    kill: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return { code: child.exitCode, signal: child.signalCode, afterMs: 0 };
      }
      const sentAt = Date.now();
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      child.kill(signal);
      const [code, sig] = await exited;
      return { code, signal: sig, afterMs: Date.now() - sentAt };
    },
  };
  try {
    await waitForHealth(url, child, () => output);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `server exited (${child.exitCode ?? child.signalCode}) before /healthz answered:\n${output()}`,
      );
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `server at ${url} not healthy after ${HEALTH_TIMEOUT_MS} ms (${lastError}):\n${output()}`,
  );
}

/** SIGTERM this child by its PID, SIGKILL it if it has not exited after a grace period. */
export async function stopProcess(child: ChildProcess, graceMs = STOP_GRACE_MS): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
