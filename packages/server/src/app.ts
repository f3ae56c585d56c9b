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
import { registerMetrics } from './http/metrics.js';
import { Metrics } from './metrics/Metrics.js';
import { registerSecurityHeaders, SECURITY_HEADERS } from './http/securityHeaders.js';
import { registerWebApp } from './http/webApp.js';
import { PasswordAttempts } from './rooms/PasswordAttempts.js';
import { RoomRegistry } from './rooms/RoomRegistry.js';
import { Outbox } from './session/Outbox.js';
import { ResumeTokens } from './session/ResumeTokens.js';
import { SessionTimers } from './session/SessionTimers.js';
import { adoptOrphan, expireSession } from './signaling/handlers/room.js';
import { registerSocketOps } from './signaling/socketOps.js';
import { startCluster } from './cluster/cluster.js';
import { LOCAL_MEMBER_INDEX } from './cluster/NodeRegistry.js';
import { originAllowRequest } from './signaling/originPolicy.js';
import { publishCallEffect } from './signaling/publishCallEffect.js';
import { coalesceWrites } from './signaling/coalescedWrites.js';
import { leanConnections } from './signaling/leanConnections.js';
import { registerHandlers } from './signaling/registerHandlers.js';
import type { Lifecycle, ParleyServer, SignalingContext } from './signaling/types.js';
import { randomBytes } from 'node:crypto';
import { MemoryStateStore } from './state/MemoryStateStore.js';

/** Resume tokens live this long; clients renew them well before (session:renew). */
export const RESUME_TOKEN_TTL_MS = 60 * 60 * 1000;

export interface BuildOptions {
  /**
   * The resume-token key when config.session.secret is null (development:
   * main.ts reads it from SESSION_SECRET_FILE). Without either, a random one
   * for this process: tokens then do not survive a restart.
   */
  readonly sessionSecret?: Buffer;
}

export {
  CONFIG_DOCS,
  CONFIG_VARIABLES,
  ConfigError,
  loadConfig,
  type Config,
  type ConfigDoc,
} from './config.js';
export type { ParleyServer, ParleySocket, SocketData } from './signaling/types.js';
/** For an embedding app's backend: mint join tokens (see README "Embedding"). */
export { mintJoinToken, type MintOptions } from './session/joinTokens.js';

export interface ParleyApp {
  readonly fastify: FastifyInstance<HttpServer | HttpsServer>;
  readonly io: ParleyServer;
  /**
   * Graceful shutdown, step 1: refuse new joins and resumes (UNAVAILABLE),
   * tell every client to reconnect (server:draining), and wait until the
   * requests in flight are answered, at most `drainMs`.
   */
  drain(drainMs: number): Promise<void>;
  /** Stop timers, disconnect every socket, close the HTTP server. */
  close(): Promise<void>;
}

/** After server:draining, a client waits about this long before its first reconnect attempt. */
const DRAIN_RETRY_MS = 500;

/**
 * Wire the server together: HTTP (health, web app, security headers) and
 * Socket.IO signaling on the same port. Does not listen and reads no
 * environment, so tests build it from a literal config.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<ParleyApp> {
  const startedAt = Date.now();
  const fastify: FastifyInstance<HttpServer | HttpsServer> = Fastify({
    logger: { level: config.logLevel },
    https: config.tls ? { cert: config.tls.cert, key: config.tls.key } : null,
  });

  // REDIS_URL: one deployment of many nodes sharing state in Redis; else this process alone.
  const cluster = config.redis
    ? await startCluster({ ...config, redis: config.redis }, fastify.log)
    : null;
  const store = cluster?.store ?? new MemoryStateStore();
  const rooms = new RoomRegistry(store, {
    capacity: config.maxRoomSize,
    meshMax: config.meshMaxParticipants,
  });
  const calls = new CallService(store);
  const chat = new ChatService(store);

  registerSecurityHeaders(fastify, config.frameAncestors);
  const lifecycle: Lifecycle = { draining: false, inFlight: 0 };
  registerHealth(fastify, {
    counts: () => rooms.counts(),
    startedAt,
    nodeId: config.nodeId,
    redis: () => (cluster === null ? 'unused' : cluster.clients.isReady() ? 'up' : 'down'),
    draining: () => lifecycle.draining,
  });
  const metrics = new Metrics({
    nodeId: config.nodeId,
    counts: () => rooms.counts(),
    // `io` is created below; gauges are read only when /metrics is scraped.
    sockets: () => io.of('/').sockets.size,
  });
  registerMetrics(fastify, metrics, config.metrics.token);
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
  if (cluster) io.adapter(cluster.adapter);
  // Memory (kilobytes per idle member): what nothing reads once a connection is open goes.
  leanConnections(io);
  // CPU: the frames one turn of the event loop sends a connection leave in one TCP write.
  if (!coalesceWrites()) {
    fastify.log.warn('engine.io is not as expected here: frames are written one at a time');
  }
  io.engine.on('headers', (headers: Record<string, string>) => {
    headers['x-content-type-options'] = SECURITY_HEADERS['x-content-type-options'] ?? 'nosniff';
  });

  const log = fastify.log.child({ component: 'signaling' });
  const secret = config.session.secret ?? options.sessionSecret;
  if (!secret) {
    log.warn('no SESSION_SECRET: resume tokens will not survive a restart of this process');
  }
  // Adopting a dead node's members runs only after start(), when ctx exists.
  const nodes = cluster?.registry((orphan) => adoptOrphan(ctx, orphan)) ?? null;
  const ctx: SignalingContext = {
    io,
    config,
    rooms,
    calls,
    chat,
    log,
    metrics,
    tokens: new ResumeTokens({
      secret: secret ?? randomBytes(32),
      ttlMs: RESUME_TOKEN_TTL_MS,
      graceMs: config.session.resumeGraceMs,
    }),
    graceTimers: new SessionTimers((room, peer) => {
      expireSession(ctx, room, peer).catch((err: unknown) =>
        log.error({ err }, 'grace expiry handling failed'),
      );
    }),
    outbox: cluster?.outbox ?? new Outbox(),
    lifecycle,
    members: nodes ?? LOCAL_MEMBER_INDEX,
    passwordAttempts: new PasswordAttempts(),
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
  registerSocketOps(ctx);
  await nodes?.start();

  const drain = async (drainMs: number): Promise<void> => {
    lifecycle.draining = true;
    io.emit('server:draining', { retryInMs: DRAIN_RETRY_MS });
    const deadline = Date.now() + drainMs;
    while (lifecycle.inFlight > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      ctx.ringTimers.clearAll();
      ctx.graceTimers.clearAll();
      // Our members' node key lapses now: a live node adopts whoever does not resume.
      await nodes?.stop();
      // io.close() disconnects every socket and closes the HTTP server;
      // fastify.close() then runs its own shutdown hooks.
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      await fastify.close();
      ctx.ringTimers.clearAll();
      await cluster?.clients.close();
    })();
    return closing;
  };

  return { fastify, io, drain, close };
}
