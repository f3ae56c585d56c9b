// Server of the media benchmark's baseline: serves the textbook call page and
// relays its messages between the two sockets of one call, nothing else.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const here = new URL('.', import.meta.url);
const files = {
  '/': ['baselinePage.html', 'text/html'],
  '/baselinePage.js': ['baselinePage.js', 'text/javascript'],
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
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${http.address().port}`,
    close: () => new Promise((r) => io.close(() => r())),
  };
}
