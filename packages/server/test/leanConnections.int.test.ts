import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeAllClients, connectClient, request } from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * What an open connection no longer holds on the server (see
 * src/signaling/leanConnections.ts), read from Socket.IO's and engine.io's
 * objects as they are in the installed versions; and that such a
 * connection is served as before.
 */

interface Emitter {
  listeners(event: string): ((...args: unknown[]) => unknown)[];
}
interface EngineSocket {
  request: unknown;
  transport: { name: string; socket: Emitter & { _socket: Emitter } };
}

describe('lean connections', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  const serverSockets = () => [...server.app.io.of('/').sockets.values()];

  it('a WebSocket connection keeps neither its opening request nor the upgrade guard', async () => {
    const client = await connectClient(server.url);
    await vi.waitFor(() => expect(serverSockets()).toHaveLength(1));
    const raw = serverSockets()[0]?.conn as unknown as EngineSocket;
    expect(raw.transport.name).toBe('websocket');
    expect(raw.request).toBeNull();
    const ws = raw.transport.socket;
    const errorListeners = ws.listeners('error');
    expect(errorListeners.length).toBeGreaterThan(0); // the transport's own
    expect(errorListeners.map((fn) => fn.name)).not.toContain('onUpgradeError');
    const tcpClose = ws._socket.listeners('close').map((fn) => fn.toString());
    expect(tcpClose).not.toContain('() => this.emit("close")');
    expect((await request(client, 'room:check', { room: 'lean' })).ok).toBe(true);
  });

  it('handshakes share one frozen empty headers and query object, the address stays', async () => {
    await connectClient(server.url);
    await connectClient(server.url);
    await vi.waitFor(() => expect(serverSockets()).toHaveLength(2));
    const [a, b] = serverSockets().map((s) => s.handshake);
    expect(a?.headers).toBe(b?.headers);
    expect(a?.query).toBe(b?.query);
    expect(Object.isFrozen(a?.headers)).toBe(true);
    expect(a?.headers).toEqual({});
    expect(a?.address).toMatch(/127\.0\.0\.1/);
  });

  it('a client that errs on its socket is not thrown over (no Parley error listener at info)', async () => {
    const client = await connectClient(server.url);
    await vi.waitFor(() => expect(serverSockets()).toHaveLength(1));
    serverSockets()[0]?.emit('error' as never, new Error('boom') as never);
    expect((await request(client, 'room:check', { room: 'still-here' })).ok).toBe(true);
  });
});
