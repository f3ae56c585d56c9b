import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, loadConfig, type ParleyApp } from '../src/app.js';
import {
  closeAllClients,
  connectClient,
  joinedClient,
  okData,
  request,
  waitFor,
} from './support/client.js';

/** Room passwords and locks, with real servers and Socket.IO clients. */

const SECRET = 'access-test-session-secret-0123456789abcdef012345';
const apps: ParleyApp[] = [];

async function start(): Promise<{ app: ParleyApp; url: string }> {
  const config = loadConfig({ LOG_LEVEL: 'silent', SESSION_SECRET: SECRET });
  const app = await buildApp(config);
  await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  return { app, url: `http://127.0.0.1:${(app.fastify.server.address() as AddressInfo).port}` };
}

afterEach(async () => {
  closeAllClients();
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

let n = 0;
const newRoom = () => `access-${++n}-${Date.now()}`;

async function joinWith(url: string, room: string, name: string, password?: string) {
  const socket = await connectClient(url);
  const res = await request(socket, 'room:join', {
    room,
    name,
    ...(password === undefined ? {} : { password }),
  });
  return { socket, res };
}

describe('room passwords', () => {
  it('the creator sets one; joining needs it: PASSWORD_REQUIRED, WRONG_PASSWORD, then in', async () => {
    const { url } = await start();
    const room = newRoom();
    const owner = await joinWith(url, room, 'Doctor', 'open sesame');
    expect(okData(owner.res).access).toEqual({
      passwordRequired: true,
      locked: false,
      waitingRoom: false,
    });
    const probe = await connectClient(url);
    expect(okData(await request(probe, 'room:check', { room })).access).toEqual({
      passwordRequired: true,
      locked: false,
      waitingRoom: false,
    });
    expect((await joinWith(url, room, 'Eve')).res).toMatchObject({
      ok: false,
      error: { code: 'PASSWORD_REQUIRED' },
    });
    expect((await joinWith(url, room, 'Eve', 'open sesam')).res).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PASSWORD' },
    });
    const patient = await joinWith(url, room, 'Patient', 'open sesame');
    expect(okData(patient.res).peers.map((p) => p.name)).toEqual(['Doctor']);
  });

  it('repeated wrong tries are rate-limited per address and room, with a retry time', async () => {
    const { url } = await start();
    const room = newRoom();
    await joinWith(url, room, 'Owner', 'right-password');
    for (let i = 0; i < 5; i++) {
      expect((await joinWith(url, room, 'Guess', `guess-${i}`)).res).toMatchObject({
        error: { code: 'WRONG_PASSWORD' },
      });
    }
    const limited = (await joinWith(url, room, 'Guess', 'right-password')).res;
    expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryable: true } });
    if (limited.ok) throw new Error('unreachable');
    expect(limited.error.retryAfterMs).toBeGreaterThan(50_000);
    // Another room is not affected.
    const other = newRoom();
    await joinWith(url, other, 'Owner2', 'pw2-password');
    expect(okData((await joinWith(url, other, 'Guest', 'pw2-password')).res).room).toBe(other);
  });

  it('a member changes, then removes the password; everyone hears room:access and gets a fresh token', async () => {
    const { url } = await start();
    const room = newRoom();
    const owner = await joinWith(url, room, 'Owner', 'first-password');
    const member = await joinWith(url, room, 'Member', 'first-password');
    const heard = waitFor(member.socket, 'room:access');
    const token = waitFor(member.socket, 'session:token');
    expect(
      okData(await request(owner.socket, 'room:set-password', { password: 'second-password' })),
    ).toEqual({ passwordRequired: true, locked: false, waitingRoom: false });
    expect(await heard).toEqual({ passwordRequired: true, locked: false, waitingRoom: false });
    await token;
    expect((await joinWith(url, room, 'Late', 'first-password')).res).toMatchObject({
      error: { code: 'WRONG_PASSWORD' },
    });
    expect(okData((await joinWith(url, room, 'Late', 'second-password')).res).room).toBe(room);
    okData(await request(member.socket, 'room:set-password', { password: null }));
    expect(okData((await joinWith(url, room, 'Anyone')).res).access.passwordRequired).toBe(false);
  });

  it('a locked room lets nobody new in (ROOM_LOCKED) but its members can resume; unlocking opens it', async () => {
    const { url } = await start();
    const room = newRoom();
    const { socket, join } = await joinedClient(url, room, 'Host');
    okData(await request(socket, 'room:lock', { locked: true }));
    expect((await joinWith(url, room, 'Late')).res).toMatchObject({
      ok: false,
      error: { code: 'ROOM_LOCKED' },
    });
    let grant = join.session;
    socket.on('session:token', (g) => {
      grant = g;
    });
    await new Promise((r) => setTimeout(r, 50));
    socket.io.engine.close();
    const back = await connectClient(url);
    const resumed = await request(back, 'session:resume', {
      room,
      peer: join.self.id,
      token: grant.token,
    });
    expect(okData(resumed).access.locked).toBe(true);
    okData(await request(back, 'room:lock', { locked: false }));
    expect(okData((await joinWith(url, room, 'Late')).res).room).toBe(room);
  });

  it('after a restart the room keeps its password: a stranger who raced in without it is sent out', async () => {
    const first = await start();
    const room = newRoom();
    const owner = await joinWith(first.url, room, 'Doctor', 'clinic-password');
    let grant = okData(owner.res).session;
    owner.socket.on('session:token', (g) => {
      grant = g;
    });
    await first.app.close();

    const second = await start();
    // The server forgot the room: a stranger creates it, open, under the same id.
    const stranger = await joinWith(second.url, room, 'Eve');
    const strangerJoin = okData(stranger.res);
    expect(strangerJoin.access.passwordRequired).toBe(false);
    const sentOut = waitFor(stranger.socket, 'server:error');
    const back = await connectClient(second.url);
    const resumed = okData(
      await request(back, 'session:resume', {
        room,
        peer: okData(owner.res).self.id,
        token: grant.token,
      }),
    );
    expect(resumed.access).toEqual({ passwordRequired: true, locked: false, waitingRoom: false });
    expect(resumed.peers).toEqual([]);
    expect(await sentOut).toMatchObject({ code: 'PASSWORD_REQUIRED' });
    await expect.poll(() => stranger.socket.connected).toBe(false);
    expect((await joinWith(second.url, room, 'Eve')).res).toMatchObject({
      error: { code: 'PASSWORD_REQUIRED' },
    });
    expect(okData((await joinWith(second.url, room, 'Patient', 'clinic-password')).res).room).toBe(
      room,
    );
  });
});
