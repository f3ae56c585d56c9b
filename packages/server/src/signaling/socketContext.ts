import type { FastifyBaseLogger } from 'fastify';
import type { ParleySocket, RequestContext, SignalingContext } from './types.js';

/**
 * Builds the context of each socket's handlers: the app's context plus the
 * socket, and a logger whose every line names the socket.
 *
 * One of these lives per connected socket, so it is kept small: the app's
 * context is its prototype instead of being copied (a spread of its ~15
 * fields gave every socket an object with a hidden class of its own, ~0.8
 * KiB), and the socket's child logger is made the first time a handler
 * logs for it (at the default level most sockets never do).
 */
export function socketContexts(base: SignalingContext): (socket: ParleySocket) => RequestContext {
  const layer: object = Object.create(base, {
    [APP_LOG]: { value: base.log },
    log: {
      get(this: { readonly socket: ParleySocket }): FastifyBaseLogger {
        const log = base.log.child({ socketId: this.socket.id });
        Object.defineProperty(this, 'log', { value: log, enumerable: true });
        return log;
      },
    },
  });
  return (socket) => {
    const ctx = Object.create(layer) as { socket: ParleySocket };
    ctx.socket = socket;
    return ctx as RequestContext;
  };
}

const APP_LOG = Symbol('parley.appLog');

/**
 * Whether lines at `level` are written, asked without making the socket's
 * logger: call it before building a line that most runs do not write.
 */
export function logsAt(ctx: SignalingContext, level: 'debug' | 'trace'): boolean {
  const log = (ctx as { [APP_LOG]?: FastifyBaseLogger })[APP_LOG] ?? ctx.log;
  return log.level === 'trace' || (level === 'debug' && log.level === 'debug');
}

/** `ctx` with another socket, and the same logger; nothing copied either. */
export function withSocket(ctx: SignalingContext, socket: ParleySocket): RequestContext {
  // defineProperty: through the prototype, `log` may be a getter without a setter.
  return Object.create(ctx, {
    socket: { value: socket, enumerable: true },
    log: { value: ctx.log, enumerable: true },
  }) as RequestContext;
}
