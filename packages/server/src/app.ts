import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Limits } from '@parley/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import { CallService } from './calls/CallService.js';
import { RingTimers } from './calls/RingTimers.js';
import { ChatService } from './chat/ChatService.js';
import type { Config } from './config.js';
import { registerHealth } from './http/health.js';
import { registerSecurityHeaders, SECURITY_HEADERS } from './http/securityHeaders.js';
import { registerWebApp } from './http/webApp.js';
import { RoomRegistry } from './rooms/RoomRegistry.js';
import { originAllowRequest } from './signaling/originPolicy.js';
import { publishCallEffect } from './signaling/publishCallEffect.js';
import { registerHandlers } from './signaling/registerHandlers.js';
import type { ParleyServer, SignalingContext } from './signaling/types.js';
import { MemoryStateStore } from './state/MemoryStateStore.js';

export {
  CONFIG_DOCS,
  CONFIG_VARIABLES,
  ConfigError,
  loadConfig,
  type Config,
  type ConfigDoc,
} from './config.js';
export type { ParleyServer, ParleySocket, SocketData } from './signaling/types.js';

export interface ParleyApp {
  readonly fastify: FastifyInstance<HttpServer | HttpsServer>;
  readonly io: ParleyServer;
  /** Stop timers, disconnect every socket, close the HTTP server. */
  close(): Promise<void>;
}

/**
 * Wire the server together: HTTP (health, web app, security headers) and
 * Socket.IO signaling on the same port. Does not listen and reads no
 * environment, so tests build it from a literal config.
 */
export async function buildApp(config: Config): Promise<ParleyApp> {
  const startedAt = Date.now();
  const fastify: FastifyInstance<HttpServer | HttpsServer> = Fastify({
    logger: { level: config.logLevel },
    https: config.tls ? { cert: config.tls.cert, key: config.tls.key } : null,
  });

  const store = new MemoryStateStore();
  const rooms = new RoomRegistry(store, {
    capacity: config.maxRoomSize,
    meshMax: config.meshMaxParticipants,
  });
  const calls = new CallService(store);
  const chat = new ChatService(store);

  registerSecurityHeaders(fastify);
  registerHealth(fastify, () => rooms.counts(), startedAt);
  await registerWebApp(fastify, config.webDist);

  const io: ParleyServer = new Server(fastify.server, {
    transports: ['websocket', 'polling'],
    // A frame over this closes that socket only (engine.io), never the server.
    maxHttpBufferSize: Limits.FRAME_MAX,
    allowRequest: originAllowRequest(config.allowedOrigins),
    pingInterval: config.pingIntervalMs,
    pingTimeout: config.pingTimeoutMs,
    serveClient: false,
    // No CORS: browsers on other origins are refused by allowRequest anyway.
  });
  io.engine.on('headers', (headers: Record<string, string>) => {
    headers['x-content-type-options'] = SECURITY_HEADERS['x-content-type-options'] ?? 'nosniff';
  });

  const log = fastify.log.child({ component: 'signaling' });
  const ctx: SignalingContext = {
    io,
    config,
    rooms,
    calls,
    chat,
    log,
    ringTimers: new RingTimers(config.ringTimeoutMs, (room, callId, peer) => {
      calls.expire(room, callId, peer).then(
        (effect) => {
          if (effect) publishCallEffect(ctx, room, effect);
        },
        (err: unknown) => log.error({ err }, 'ring timeout handling failed'),
      );
    }),
  };
  registerHandlers(io, ctx);

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      ctx.ringTimers.clearAll();
      // io.close() disconnects every socket and closes the HTTP server;
      // fastify.close() then runs its own shutdown hooks.
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      await fastify.close();
      ctx.ringTimers.clearAll();
    })();
    return closing;
  };

  return { fastify, io, close };
}
