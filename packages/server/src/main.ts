import type { AddressInfo } from 'node:net';
import { buildApp, ConfigError, loadConfig, type Config } from './app.js';

/**
 * The only impure entry point: reads the environment, listens, and shuts
 * down cleanly on SIGINT/SIGTERM (a second signal forces the exit).
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  const app = await buildApp(config);
  await app.fastify.listen({ port: config.port, host: config.host });
  const { port } = app.fastify.server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  app.fastify.log.info(`Parley listening on ${config.tls ? 'https' : 'http'}://${host}:${port}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      app.fastify.log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    app.fastify.log.info(`${signal}: shutting down`);
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.fastify.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('Parley failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
