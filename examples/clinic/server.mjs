// The clinic's backend: its own (fake) login and the endpoint that mints
// Parley join tokens for logged-in users (doctor = host; patient = guest who
// waits to be admitted). Run with `npm run example:clinic` from the root.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { mintJoinToken } from '@parley/server';

const PORT = Number(process.env.CLINIC_PORT ?? 4000);
const PARLEY_URL = process.env.PARLEY_URL ?? 'http://127.0.0.1:3000';
const SECRET = process.env.JOIN_TOKEN_SECRET;
if (!SECRET || SECRET.length < 32)
  throw new Error('set JOIN_TOKEN_SECRET (>= 32 bytes), as for Parley');
const ROOM = process.env.CLINIC_ROOM ?? 'consultation-1';
const USERS = {
  doctor: { name: 'Dr. Ana Silva', role: 'host' },
  patient: { name: 'Ben Meyer', role: 'guest', waitingRoom: true },
};
const sessions = new Map(); // session cookie -> user
const dist = new URL('dist/', import.meta.url).pathname;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

const cookieOf = (req) => /(?:^|;\s*)clinic=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://clinic');
  if (req.method === 'POST' && url.pathname === '/api/login') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const user = JSON.parse(body || '{}').user;
    if (!(user in USERS)) return void res.writeHead(400).end();
    const id = randomBytes(16).toString('base64url');
    sessions.set(id, user);
    res.writeHead(204, { 'set-cookie': `clinic=${id}; HttpOnly; SameSite=Strict; Path=/` }).end();
    return;
  }
  if (url.pathname === '/api/call-token') {
    const user = USERS[sessions.get(cookieOf(req))];
    if (!user) return void res.writeHead(401).end();
    const token = await mintJoinToken(SECRET, { room: ROOM, ttlSeconds: 300, ...user });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ token, room: ROOM, parleyUrl: PARLEY_URL }));
    return;
  }
  const file = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
  try {
    const data = await readFile(join(dist, file.replace(/\.\.+/g, '')));
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(data);
  } catch {
    res.writeHead(404).end();
  }
}).listen(PORT, '127.0.0.1', () => {
  console.info(`Clinic example on http://127.0.0.1:${PORT} (Parley at ${PARLEY_URL})`);
});
