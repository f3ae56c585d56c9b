// Tutorial baseline for the signaling benchmark: the Socket.IO relay that
// WebRTC tutorials build, speaking Parley's event names and ack envelope
// (`{ok: true, data}`) so the same load generator drives it. `room:join`
// joins a Socket.IO room; calls and signals go to the other members of the
// room, every request is acknowledged. No validation, no call state, no rate
// limit; Socket.IO's default options. Run as its own process:
// HOST=127.0.0.1 PORT=… node bench/baselines/socketIoRelay.mjs
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 0);
const OK = { ok: true, data: {} };

const http = createServer();
const io = new Server(http, { transports: ['websocket'] });
io.on('connection', (socket) => {
  const id = socket.id;
  let room = null;
  socket.on('room:join', async (p, ack) => {
    room = String(p.room);
    await socket.join(room);
    const peers = [...(io.sockets.adapter.rooms.get(room) ?? [])]
      .filter((s) => s !== id)
      .map((s) => ({ id: s }));
    socket.to(room).emit('peer:joined', { id, name: p.name });
    ack?.({ ok: true, data: { self: { id, name: p.name }, peers } });
  });
  socket.on('call:invite', (_p, ack) => {
    const call = { id: `c-${id}`, initiator: id };
    socket.to(room).emit('call:incoming', { call, from: { id } });
    ack?.({ ok: true, data: { call } });
  });
  socket.on('call:accept', (p, ack) => {
    const call = { id: p.callId };
    socket.to(room).emit('call:updated', { call });
    ack?.({ ok: true, data: { call } });
  });
  for (const ev of ['signal:description', 'signal:candidate']) {
    socket.on(ev, (p, ack) => {
      socket.to(room).emit(ev, { ...p, from: id });
      ack?.(OK);
    });
  }
  socket.on('call:hangup', (p, ack) => {
    socket.to(room).emit('call:ended', { callId: p.callId, reason: 'hung-up' });
    ack?.(OK);
  });
});
http.listen(port, host, () =>
  console.info(`Socket.IO relay listening on ${host}:${http.address().port}`),
);
