import type { IncomingMessage } from 'node:http';
import type { ParleyServer, ParleySocket } from './types.js';

/**
 * Memory of an idle member: what Socket.IO and engine.io keep for every
 * connection that nothing reads once it is open, let go as soon as it is.
 * Each step checks that the object is what it expects and otherwise leaves
 * it alone, so another version of either library is served as before.
 */
export function leanConnections(io: ParleyServer): void {
  io.engine.on('connection', (raw: EngineSocket) => {
    releaseUpgradeRequest(raw);
    dropUpgradeErrorListener(raw);
  });
}

/** What is read here of engine.io's socket (not in its typings). */
interface EngineSocket {
  request: IncomingMessage | null;
  readonly transport: { readonly name: string; readonly socket?: unknown };
}

interface Emitter {
  rawListeners(event: string): unknown[];
  removeListener(event: string, fn: Listener): unknown;
}

/**
 * engine.io keeps the opening request twice: as `request` on its socket
 * (dropped here, as Socket.IO's memory-usage guide does), and, for a
 * WebSocket, through the stand-in response it made for the upgrade, whose
 * listener on the TCP socket's 'close' (`() => this.emit("close")`, for
 * HTTP middlewares; Parley has none on engine.io) holds it for the whole
 * connection. That listener is removed when it is exactly that one; with
 * another engine.io it is left alone and only the first reference goes.
 *
 * Nothing reads the request after the handshake: the origin check
 * (allowRequest) has run, the password limiter uses handshake.address
 * (engine.io took it from the TCP socket), Socket.IO builds
 * socket.handshake without it (headers {}), and a polling transport gets
 * each of its requests anyway.
 */
function releaseUpgradeRequest(raw: EngineSocket): void {
  const tcp = raw.request?.socket;
  raw.request = null;
  if (!tcp) return;
  removeWhere(tcp, 'close', (fn) => fn.toString() === UPGRADE_RESPONSE_CLOSE);
}
const UPGRADE_RESPONSE_CLOSE = '() => this.emit("close")';

/**
 * engine.io guards a new WebSocket with an 'error' listener of its own
 * (`onUpgradeError`, which does nothing) until its transport listens, and
 * removes it only when a polling client upgrades: a client that opened on
 * WebSocket keeps it (and the array holding both listeners) for its whole
 * life. By now the transport's own 'error' listener is in place.
 */
function dropUpgradeErrorListener(raw: EngineSocket): void {
  if (raw.transport.name !== 'websocket') return;
  const ws = raw.transport.socket as Partial<Emitter> | undefined;
  if (typeof ws?.rawListeners !== 'function' || ws.rawListeners('error').length < 2) return;
  removeWhere(ws as Emitter, 'error', (fn) => fn.name === 'onUpgradeError');
}

type Listener = (...args: never[]) => unknown;

/** Remove the listeners of `event` that `match` picks (a once-listener by what it wraps). */
function removeWhere(emitter: Emitter, event: string, match: (fn: Listener) => boolean): void {
  for (const l of emitter.rawListeners(event)) {
    const fn = (l as { listener?: unknown }).listener ?? l;
    if (typeof fn === 'function' && match(fn as Listener)) {
      emitter.removeListener(event, fn as Listener);
    }
  }
}

/** Shared by every socket's handshake instead of two empty objects each (see shareEmptyHandshake). */
const NOTHING: Readonly<Record<string, never>> = Object.freeze({});

/**
 * Socket.IO copies the opening request's headers and query into
 * `socket.handshake`; with the request already let go (above) both are
 * empty objects of their own. They become one shared, frozen empty object.
 */
export function shareEmptyHandshake(socket: ParleySocket): void {
  const h = socket.handshake;
  if (Object.keys(h.headers).length === 0) h.headers = NOTHING;
  if (Object.keys(h.query).length === 0) h.query = NOTHING;
}
