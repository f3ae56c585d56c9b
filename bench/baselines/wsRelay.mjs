// Ceiling baseline for the signaling benchmark: the least a relay can do on
// a raw WebSocket (the `ws` package). JSON messages `{t, id, d}`; rooms of
// two; `room:join` is answered with the member's id, any other message is
// relayed to the other member of the room (`{t, d}`, `from` stamped) and
// acknowledged to the sender (`{t: 'ack', id, r}`). No validation, no call
// state, no rate limit, no heartbeat. Run as its own process:
// HOST=127.0.0.1 PORT=… node bench/baselines/wsRelay.mjs
import { WebSocketServer } from 'ws';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 0);
const OK = { ok: true, data: {} };

const rooms = new Map(); // room -> [ws, ws?]
let nextId = 0;

const wss = new WebSocketServer({ host, port, maxPayload: 128 * 1024 });
wss.on('connection', (ws) => {
  const id = `w${nextId++}`;
  let room = null;
  const ack = (msgId, r) => ws.send(JSON.stringify({ t: 'ack', id: msgId, r }));
  ws.on('message', (raw) => {
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (msg.t === 'room:join') {
      const members = rooms.get(msg.d.room) ?? [];
      if (members.length >= 2) {
        ack(msg.id, { ok: false, error: { code: 'ROOM_FULL', message: 'room is full' } });
        return;
      }
      members.push(ws);
      rooms.set(msg.d.room, members);
      room = msg.d.room;
      ws.peerId = id;
      const peers = members.filter((m) => m !== ws).map((m) => ({ id: m.peerId }));
      ack(msg.id, { ok: true, data: { self: { id }, peers } });
      return;
    }
    const peer = room === null ? undefined : rooms.get(room).find((m) => m !== ws);
    peer?.send(JSON.stringify({ t: msg.t, d: { ...msg.d, from: id } }));
    if (msg.id !== undefined) ack(msg.id, OK);
  });
  ws.on('close', () => {
    if (room === null) return;
    const left = rooms.get(room).filter((m) => m !== ws);
    if (left.length === 0) rooms.delete(room);
    else rooms.set(room, left);
  });
  ws.on('error', () => {});
});
wss.on('listening', () => console.info(`ws relay listening on ${host}:${wss.address().port}`));
