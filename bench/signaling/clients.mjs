// The load generator's clients, one interface over both wires:
// `request(event, payload, cb)` sends with an acknowledgement (cb gets the
// `{ok, data | error}` envelope), `on`/`off` listen for server messages.
// Socket.IO clients connect as the SDK's SignalingChannel does (websocket
// transport first, protocol version in the handshake, no automatic
// reconnection) and emit with an ack callback, as its `request()` does; the
// SDK's own zod checks are client-side work and are left out here.
import { PROTOCOL_VERSION } from '@parley/protocol';
import { io } from 'socket.io-client';
import WebSocket from 'ws';

function connectSocketIo(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const s = io(url, {
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      auth: { protocolVersion: PROTOCOL_VERSION },
      forceNew: true,
      reconnection: false,
      timeout: timeoutMs,
    });
    const fail = (err) => {
      s.close();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    s.once('connect_error', fail);
    s.once('connect', () => {
      s.off('connect_error', fail);
      resolve({
        request: (event, payload, cb) => s.emit(event, payload, cb),
        on: (event, fn) => s.on(event, fn),
        off: (event, fn) => s.off(event, fn),
        close: () => s.close(),
      });
    });
  });
}

/** The raw `ws` relay's wire: `{t, id, d}` out, `{t: 'ack', id, r}` or `{t, d}` in. */
function connectWs(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), {
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
    });
    const pending = new Map();
    const handlers = new Map();
    let nextId = 0;
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw);
      if (msg.t === 'ack') {
        const cb = pending.get(msg.id);
        pending.delete(msg.id);
        cb?.(msg.r);
        return;
      }
      const set = handlers.get(msg.t);
      if (set) for (const fn of set) fn(msg.d);
    });
    ws.once('error', (err) => reject(err));
    ws.once('open', () => {
      ws.on('error', () => {});
      resolve({
        request(event, payload, cb) {
          const id = ++nextId;
          pending.set(id, cb);
          ws.send(JSON.stringify({ t: event, id, d: payload }));
        },
        on(event, fn) {
          if (!handlers.has(event)) handlers.set(event, new Set());
          handlers.get(event).add(fn);
        },
        off: (event, fn) => handlers.get(event)?.delete(fn),
        close: () => ws.close(),
      });
    });
  });
}

/** `kind.wire` is 'socket.io' or 'ws'. */
export const connect = (wire, url, timeoutMs = 10_000) =>
  wire === 'ws' ? connectWs(url, timeoutMs) : connectSocketIo(url, timeoutMs);

/** A request as a promise of its ack data; rejects on `{ok: false}` or after `timeoutMs`. */
export function request(client, event, payload, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack to ${event}`)), timeoutMs);
    client.request(event, payload, (res) => {
      clearTimeout(timer);
      if (res?.ok) resolve(res.data);
      else reject(new Error(`${event}: ${res?.error?.code ?? 'bad ack'} ${res?.error?.message}`));
    });
  });
}

/** The next `event` the client receives, or a rejection after `timeoutMs`. */
export function once(client, event, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, on);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (msg) => {
      clearTimeout(timer);
      client.off(event, on);
      resolve(msg);
    };
    client.on(event, on);
  });
}
