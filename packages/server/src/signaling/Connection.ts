import type { InboundConnection } from './handle.js';
import { TokenBucket } from './TokenBucket.js';
import type { RequestContext } from './types.js';

/** A unit of a socket's work: settles (or returns) when it is done. */
export type Task = () => Promise<void> | void;

/**
 * Per-socket runtime state that must not live in `socket.data` (it is not
 * serialisable): the rate limiter and the message queue.
 *
 * Messages of one socket are handled strictly one after another, in arrival
 * order, even though handlers may be async: an offer is relayed before the
 * candidates that follow it, and a join cannot race its own leave or the
 * socket's disconnect clean-up.
 *
 * Kept small (one per connected socket): the queue is a plain array that
 * exists only while tasks wait, and a task that finishes synchronously (a
 * relayed signal on a single node) costs no promise at all.
 */
export class Connection extends TokenBucket implements InboundConnection {
  /** A task is running (or its promise has not settled yet). */
  private busy = false;
  /** Tasks waiting behind the running one, oldest first; null when none. */
  private waiting: Task[] | null = null;

  /** `ctx`: this socket's (see socketContext.ts: its log lines name the socket). */
  constructor(readonly ctx: RequestContext) {
    // The socket's rate limiter is this object itself: one object less per socket.
    super(ctx.config.rateLimit.burst, ctx.config.rateLimit.perSecond);
  }

  allow(): boolean {
    return this.take();
  }

  /** Run `task` after every earlier task of this socket, never before the current call returns. */
  enqueue(task: Task): void {
    this.ctx.lifecycle.inFlight += 1;
    if (this.busy) {
      (this.waiting ??= []).push(task);
      return;
    }
    this.busy = true;
    queueMicrotask(() => this.drain(task));
  }

  /** Like enqueue, but when nothing of this socket is pending, `task` starts right now. */
  runNow(task: Task): void {
    this.ctx.lifecycle.inFlight += 1;
    if (this.busy) {
      (this.waiting ??= []).push(task);
      return;
    }
    this.busy = true;
    this.drain(task);
  }

  /** Run `first` and then the waiting tasks, until one goes async or none is left. */
  private drain(first: Task): void {
    let task: Task | undefined = first;
    while (task) {
      let pending: Promise<void> | void;
      try {
        pending = task();
      } catch (err) {
        this.failed(err);
        pending = undefined;
      }
      if (pending !== undefined) {
        pending.then(
          () => this.next(),
          (err: unknown) => {
            this.failed(err);
            this.next();
          },
        );
        return;
      }
      this.ctx.lifecycle.inFlight -= 1;
      task = this.shift();
    }
  }

  /** An async task settled: on to the next one, if any. */
  private next(): void {
    this.ctx.lifecycle.inFlight -= 1;
    const task = this.shift();
    if (task) this.drain(task);
  }

  private shift(): Task | undefined {
    const task = this.waiting?.shift();
    if (task === undefined) {
      this.busy = false;
      this.waiting = null;
    }
    return task;
  }

  private failed(err: unknown): void {
    // Tasks catch their own errors; this is the last line of defence.
    this.ctx.log.error({ err }, 'signaling task failed');
  }
}
