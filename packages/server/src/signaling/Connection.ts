import type { InboundConnection } from './handle.js';
import { TokenBucket } from './TokenBucket.js';
import type { ParleySocket, RequestContext, SignalingContext } from './types.js';

/**
 * Per-socket runtime state that must not live in `socket.data` (it is not
 * serialisable): the rate limiter and the message queue.
 *
 * Messages of one socket are handled strictly one after another, in arrival
 * order, even though handlers are async: an offer is relayed before the
 * candidates that follow it, and a join cannot race its own leave or the
 * socket's disconnect clean-up.
 */
export class Connection implements InboundConnection {
  readonly ctx: RequestContext;
  private readonly bucket: TokenBucket;
  private tail: Promise<void> = Promise.resolve();

  constructor(base: SignalingContext, socket: ParleySocket) {
    // Every line a handler logs for this socket carries its id, so one
    // connection's story can be read out of a busy node's log.
    this.ctx = { ...base, socket, log: base.log.child({ socketId: socket.id }) };
    this.bucket = new TokenBucket(base.config.rateLimit.burst, base.config.rateLimit.perSecond);
  }

  allow(): boolean {
    return this.bucket.take();
  }

  enqueue(task: () => Promise<void>): void {
    const { lifecycle } = this.ctx;
    lifecycle.inFlight += 1;
    this.tail = this.tail
      .then(task)
      .catch((err: unknown) => {
        // Tasks catch their own errors; this is the last line of defence.
        this.ctx.log.error({ err }, 'signaling task failed');
      })
      .finally(() => {
        lifecycle.inFlight -= 1;
      });
  }
}
