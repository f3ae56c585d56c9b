import type { AddressInfo } from 'node:net';
import { buildApp, ConfigError, loadConfig, type Config } from './app.js';
import { loadOrCreateSecretFile } from './session/sessionSecret.js';

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

  // Development: a secret kept in a file, so a restart still verifies old resume tokens.
  const app = await buildApp(
    config,
    config.session.secret
      ? {}
      : { sessionSecret: loadOrCreateSecretFile(config.session.secretFile) },
  );
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
    app.fastify.log.info(`${signal}: draining, then shutting down`);
    // Clients keep their calls: they reconnect and resume (after the restart,
    // or on another node). Nobody's call ends because of a deploy.
    app
      .drain(config.session.drainMs)
      .then(() => app.close())
      .then(
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
