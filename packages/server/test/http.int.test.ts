import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAllClients, connectClient, joinedClient, okData, request } from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

const INDEX = '<!doctype html><title>Parley</title><div id="app"></div>';

function expectSecurityHeaders(res: Response): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(res.headers.get('permissions-policy')).toBe(
    'camera=(self), microphone=(self), display-capture=(self)',
  );
  const csp = res.headers.get('content-security-policy') ?? '';
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "connect-src 'self' ws: wss:",
    "media-src 'self' blob:",
    "img-src 'self' data: blob:",
  ]) {
    expect(csp).toContain(directive);
  }
}

describe('HTTP with a built web app', () => {
  let server: TestServer;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'parley-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
    server = await startServer({ WEB_DIST: dist });
  });
  afterEach(() => closeAllClients());
  afterAll(async () => {
    await server.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('/healthz reports status and counts, with security headers', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
    expect(await res.json()).toEqual({
      status: 'ok',
      node: expect.any(String),
      redis: 'unused',
      rooms: 0,
      participants: 0,
      calls: 0,
      uptimeSeconds: expect.any(Number),
    });
    await joinedClient(server.url, 'h1', 'Ann');
    const bob = await joinedClient(server.url, 'h1', 'Bob');
    await joinedClient(server.url, 'h2', 'Carol');
    okData(
      await request(bob.socket, 'call:invite', {
        to: (await joinedClient(server.url, 'h1', 'Dan')).join.self.id,
      }),
    );
    const counts = (await (await fetch(`${server.url}/healthz`)).json()) as Record<string, number>;
    expect(counts).toMatchObject({ rooms: 2, participants: 4, calls: 1 });
  });

  it('/readyz is 200 while the node takes new users, 503 once it drains', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true, redis: 'unused', draining: false });
    await server.app.drain(0);
    const draining = await fetch(`${server.url}/readyz`);
    expect(draining.status).toBe(503);
    expect(await draining.json()).toMatchObject({ ready: false, draining: true });
  });

  it('serves index.html at / and assets with long caching', async () => {
    const root = await fetch(`${server.url}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toBe(INDEX);
    expectSecurityHeaders(root);
    const asset = await fetch(`${server.url}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('SPA fallback: /r/<room> returns index.html', async () => {
    const res = await fetch(`${server.url}/r/abc`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toBe(INDEX);
    expectSecurityHeaders(res);
  });

  it('a missing asset stays 404 (never HTML for a script)', async () => {
    const res = await fetch(`${server.url}/assets/missing.js`);
    expect(res.status).toBe(404);
    expectSecurityHeaders(res);
    expect((await fetch(`${server.url}/r/abc`, { method: 'POST' })).status).toBe(404);
  });
});

describe('HTTP without a built web app', () => {
  let server: TestServer;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'parley-empty-'));
    server = await startServer({ WEB_DIST: dist });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('/ and /r/<room> answer 503 with a plain hint; /healthz still works', async () => {
    for (const path of ['/', '/r/abc']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe('Parley web app is not built: run npm run build');
      expectSecurityHeaders(res);
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('picks up a build made after start-up', async () => {
    writeFileSync(join(dist, 'index.html'), INDEX);
    const res = await fetch(`${server.url}/r/later`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(INDEX);
  });
});

describe('HTTPS', () => {
  let server: TestServer;
  let dir: string;
  let cert: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-tls-'));
    const certPath = join(dir, 'cert.pem');
    const keyPath = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    cert = execFileSync('cat', [certPath]).toString();
    server = await startServer({ TLS_CERT: certPath, TLS_KEY: keyPath });
  });
  afterEach(() => closeAllClients());
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves /healthz and Socket.IO over TLS on the same port', async () => {
    expect(server.url.startsWith('https://')).toBe(true);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(`${server.url}/healthz`, { ca: cert }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const socket = await connectClient(server.url, { ca: cert });
    expect((await request(socket, 'room:check', { room: 'tls' })).ok).toBe(true);
  });
});

describe('embedding in an iframe (FRAME_ANCESTORS)', () => {
  it('lists the embedding origins in frame-ancestors and drops X-Frame-Options', async () => {
    const server = await startServer({
      FRAME_ANCESTORS: 'https://clinic.example, http://localhost:5173',
    });
    try {
      const res = await fetch(`${server.url}/healthz`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'self' https://clinic.example http://localhost:5173");
      expect(res.headers.get('x-frame-options')).toBeNull();
      expect(csp).toContain("script-src 'self'");
    } finally {
      await server.close();
    }
  });

  it('by default only our own origin may frame the app', async () => {
    const server = await startServer();
    try {
      const res = await fetch(`${server.url}/healthz`);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
      expect(res.headers.get('content-security-policy')).not.toContain('https://');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    } finally {
      await server.close();
    }
  });
});
