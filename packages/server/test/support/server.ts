import type { AddressInfo } from 'node:net';
import { buildApp, loadConfig, type Config, type ParleyApp } from '../../src/app.js';

export interface TestServer {
  readonly app: ParleyApp;
  readonly config: Config;
  readonly port: number;
  /** http://127.0.0.1:<port> (https:// with TLS). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A real server on 127.0.0.1 and a free port, configured through loadConfig
 * from a literal environment, exactly as main.ts does it.
 */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env });
  const app = await buildApp(config);
  await app.fastify.listen({ port: config.port, host: config.host });
  const { port } = app.fastify.server.address() as AddressInfo;
  const scheme = config.tls ? 'https' : 'http';
  return { app, config, port, url: `${scheme}://127.0.0.1:${port}`, close: () => app.close() };
}
