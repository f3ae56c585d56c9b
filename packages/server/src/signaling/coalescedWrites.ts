import { createRequire } from 'node:module';

/**
 * One TCP write per connection per turn of the event loop, however many
 * frames that turn sends it.
 *
 * A call setup sends one member several frames at once: accepting a call
 * gets the accepter a fresh `session:token`, `room:call` and its ack, and
 * the caller `call:updated`, its token and `room:call`. Socket.IO hands each
 * to engine.io, which sends the first at once and the others when the first
 * is written, and `ws` writes every frame with a `writev` of its own: three
 * system calls and as many TCP segments (on loopback, the receiver's
 * wake-ups too) for what could be one.
 *
 * Here, the first frame of a turn corks the connection's TCP socket, later
 * frames of the same turn join it, and all corked sockets are uncorked in
 * one `setImmediate`, after this turn's I/O callbacks and their promise
 * continuations: each socket then gets one `writev` of all its frames, in
 * the order they were sent. A relayed signal (one frame to the peer, one
 * ack to the sender) still makes two writes, to two sockets; it only leaves
 * at the end of the turn instead of in its middle (microseconds here).
 *
 * engine.io's WebSocket transport says it is not writable from a send until
 * `ws` reports the write done, and engine.io keeps later packets back until
 * then; with the socket corked that report would only come after the
 * uncork, splitting the turn's frames into two writes a turn apart. So the
 * transport stays writable: the frames wait in the corked socket instead,
 * in order. (`ws` buffers whatever the socket does not take at once either
 * way; nothing here changes back-pressure.) The patch goes once on the
 * prototype of the WebSocket transport of the engine.io that socket.io
 * loads (nothing per connection: an idle member costs no more), and each
 * send checks what it uses: another engine.io or `ws` is served as before.
 * Returns whether the patch is in place.
 */
export function coalesceWrites(): boolean {
  const proto = webSocketTransportPrototype();
  if (proto === null) return false;
  patch(proto);
  return true;
}

/** engine.io's WebSocket transport, as socket.io loads it (engine.io is its dependency, not ours). */
function webSocketTransportPrototype(): TransportProto | null {
  try {
    const fromHere = createRequire(import.meta.url);
    const engineIo = createRequire(fromHere.resolve('socket.io'))('engine.io') as {
      transports?: { websocket?: { prototype?: Partial<TransportProto> } };
    };
    const proto = engineIo.transports?.websocket?.prototype;
    return typeof proto?.send === 'function' ? (proto as TransportProto) : null;
  } catch {
    return null;
  }
}

interface Corkable {
  cork(): void;
  uncork(): void;
  readonly destroyed?: boolean;
}

interface WebSocketTransport {
  readonly name: string;
  writable: boolean;
  readonly socket?: { readonly _socket?: Partial<Corkable> };
  send(packets: unknown[]): void;
}

type TransportProto = { send: WebSocketTransport['send'] };

const PATCHED = Symbol('parley.coalescedWrites');

function patch(proto: TransportProto): void {
  if ((proto.send as { [PATCHED]?: true })[PATCHED]) return; // another app in this process did
  const original = proto.send;
  const send = function (this: WebSocketTransport, packets: unknown[]): void {
    const tcp = this.socket?._socket;
    const corkable =
      this.name === 'websocket' &&
      typeof tcp?.cork === 'function' &&
      typeof tcp.uncork === 'function';
    if (corkable) corkTillTurnEnds(tcp as Corkable);
    original.call(this, packets);
    // The frames wait in the corked socket, in order (see above).
    if (corkable) this.writable = true;
  };
  Object.defineProperty(send, PATCHED, { value: true });
  proto.send = send;
}

let corked = new Set<Corkable>();

function corkTillTurnEnds(tcp: Corkable): void {
  if (corked.has(tcp) || tcp.destroyed === true) return;
  tcp.cork();
  if (corked.size === 0) setImmediate(uncorkAll);
  corked.add(tcp);
}

function uncorkAll(): void {
  // A write callback never runs inside uncork (Node defers it), but take the
  // set first so that a send during the flush corks for the next turn.
  const sockets = corked;
  corked = new Set();
  for (const tcp of sockets) tcp.uncork();
}
