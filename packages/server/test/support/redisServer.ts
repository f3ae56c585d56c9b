import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createClient } from 'redis';

/**
 * A real redis-server (Debian's package, installed by `npm test` when
 * missing) on 127.0.0.1 and a free port, nothing persisted. Stopped by its
 * own PID; `pause` / `resume` cut it off and bring it back (SIGSTOP/SIGCONT
 * would leave connections open but silent; a stop and a restart on the same
 * port is what an outage or a Redis restart looks like to the nodes).
 */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Stop the process (an outage); `start` brings it back on the same port, empty. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Keys currently stored (for assertions on what a deployment leaves behind). */
  keys(pattern: string): Promise<string[]>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      await client.close();
      return;
    } catch {
      client.destroy();
      if (Date.now() > deadline) throw new Error(`redis-server at ${url} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export interface RedisOptions {
  /**
   * Keep the data in this directory (append-only file, fsync on every
   * write), so a stop and start is a Redis restart that loses nothing, as a
   * production Redis with persistence would. Default: nothing persisted.
   */
  readonly persistDir?: string;
}

export async function startRedis(options: RedisOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  const persistence = options.persistDir
    ? ['--dir', options.persistDir, '--appendonly', 'yes', '--appendfsync', 'always']
    : ['--save', '', '--appendonly', 'no'];
  const url = `redis://127.0.0.1:${port}`;
  let proc: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...persistence], {
      stdio: 'ignore',
    });
    await waitUntilUp(url);
  };
  const stop = async (): Promise<void> => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  };
  await start();
  return {
    url,
    port,
    start,
    stop,
    keys: async (pattern) => {
      const client = createClient({ url });
      await client.connect();
      try {
        return await client.keys(pattern);
      } finally {
        await client.close();
      }
    },
    close: stop,
  };
}
