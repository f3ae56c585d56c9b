// Server of the media benchmark's baselines: serves the textbook call page
// and relays its messages between the two sockets of one call; serves the
// textbook mesh page (/mesh) and relays its messages to one addressed member
// of the same room. Nothing else.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const here = new URL('.', import.meta.url);
const files = {
  '/': ['baselinePage.html', 'text/html'],
  '/baselinePage.js': ['baselinePage.js', 'text/javascript'],
  '/mesh': ['meshPage.html', 'text/html'],
  '/meshPage.js': ['meshPage.js', 'text/javascript'],
};

export async function startMediaBaseline() {
  const http = createServer(async (req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) return; // socket.io answers its own paths
    res.writeHead(200, { 'content-type': file[1] });
    res.end(await readFile(new URL(file[0], here)));
  });
  const io = new Server(http, { transports: ['websocket'], serveClient: true });
  io.on('connection', (socket) => {
    const relay = (event, as = event) =>
      socket.on(event, (payload) => socket.broadcast.emit(as, payload));
    relay('offer');
    relay('answer');
    relay('candidate');
    relay('accept', 'accepted');
  });
  const mesh = io.of('/mesh');
  mesh.on('connection', (socket) => {
    let room = null;
    socket.on('join', async (name, ack) => {
      room = String(name);
      const others = (await mesh.in(room).fetchSockets()).map((s) => s.id);
      socket.join(room);
      ack(others);
    });
    socket.on('signal', (msg) => {
      const target = room && mesh.sockets.get(msg.to);
      if (target?.rooms.has(room))
        target.emit('signal', { ...msg, to: undefined, from: socket.id });
    });
  });
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${http.address().port}`,
    close: () => new Promise((r) => io.close(() => r())),
  };
}
