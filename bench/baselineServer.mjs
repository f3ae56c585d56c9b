// Baseline for the signaling benchmark: the tutorial design, a bare
// Socket.IO server that relays the same messages with no validation, no
// rooms/call state and no rate limiting. Parley's figures are reported as a
// ratio to this, measured in the same run on the same machine.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

export async function startBaseline() {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  let nextId = 0;
  const sockets = new Map();
  io.on('connection', (socket) => {
    const id = `p${nextId++}`;
    sockets.set(id, socket);
    socket.on('disconnect', () => sockets.delete(id));
    socket.on('room:join', (_p, ack) => ack({ ok: true, data: { self: { id } } }));
    socket.on('call:invite', (p, ack) => {
      sockets.get(p.to)?.emit('call:incoming', { call: { id: 'c', initiator: id }, from: { id } });
      ack({ ok: true, data: { call: { id: 'c' } } });
    });
    socket.on('call:accept', (p, ack) => {
      for (const [pid, s] of sockets)
        if (pid !== id) s.emit('call:updated', { call: { id: p.callId } });
      ack({ ok: true, data: {} });
    });
    for (const ev of ['signal:description', 'signal:candidate']) {
      socket.on(ev, (p, ack) => {
        sockets.get(p.to)?.emit(ev, { ...p, from: id });
        if (typeof ack === 'function') ack({ ok: true, data: {} });
      });
    }
    socket.on('call:hangup', (p, ack) => {
      for (const [pid, s] of sockets)
        if (pid !== id) s.emit('call:ended', { callId: p.callId, reason: 'hung-up' });
      ack({ ok: true, data: {} });
    });
  });
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => io.close(() => r())),
  };
}
