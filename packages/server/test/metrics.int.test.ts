import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAllClients,
  connectClient,
  joinedClient,
  okData,
  rawRequest,
  request,
  waitFor,
} from './support/client.js';
import { parseMetrics, samplesOf, valueOf, type Sample } from './support/metricsText.js';
import { startServer, type TestServer } from './support/server.js';

/** GET /metrics with real Socket.IO traffic behind it. */

const OFFER = { type: 'offer' as const, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' };
const ANSWER = { type: 'answer' as const, sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\n' };
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};
const TURN = {
  TURN_SECRET: 'metrics-turn-secret-0123456789abcdef',
  TURN_URLS: 'turn:127.0.0.1:3478?transport=udp',
};

const servers: TestServer[] = [];
async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startServer(env);
  servers.push(s);
  return s;
}

afterEach(async () => {
  closeAllClients();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function scrape(s: TestServer): Promise<Sample[]> {
  const res = await fetch(`${s.url}/metrics`);
  expect(res.status).toBe(200);
  return parseMetrics(await res.text());
}

type Member = Awaited<ReturnType<typeof joinedClient>>;

/** `caller` rings `callee`; resolves with the call once the callee heard call:incoming. */
async function ring(caller: Member, callee: Member) {
  const incoming = waitFor(callee.socket, 'call:incoming');
  const call = okData(
    await request(caller.socket, 'call:invite', { to: callee.join.self.id }),
  ).call;
  await incoming;
  return call;
}

describe('GET /metrics', () => {
  it('counts a whole call: messages, errors, answered setup, relay latency, TURN credentials, gauges', async () => {
    const s = await server({ ...TURN, RATE_LIMIT_BURST: '10', RATE_LIMIT_PER_SEC: '1' });
    const ann = await joinedClient(s.url, 'metrics-1', 'Ann');
    const bob = await joinedClient(s.url, 'metrics-1', 'Bob');
    const call = await ring(ann, bob);
    const updated = waitFor(ann.socket, 'call:updated');
    okData(await request(bob.socket, 'call:accept', { callId: call.id }));
    await updated;

    // Ann offers, Bob answers, Ann trickles two candidates.
    const offer = waitFor(bob.socket, 'signal:description');
    const to = (m: Member) => ({ callId: call.id, to: m.join.self.id });
    okData(await request(ann.socket, 'signal:description', { ...to(bob), description: OFFER }));
    await offer;
    const answer = waitFor(ann.socket, 'signal:description');
    okData(await request(bob.socket, 'signal:description', { ...to(ann), description: ANSWER }));
    await answer;
    for (let i = 0; i < 2; i++) {
      const candidate = waitFor(bob.socket, 'signal:candidate');
      okData(await request(ann.socket, 'signal:candidate', { ...to(bob), candidate: CANDIDATE }));
      await candidate;
    }
    expect(okData(await request(ann.socket, 'ice:refresh', {})).expiresAt).not.toBeNull();

    // A message that fails validation, and one the protocol does not know.
    expect(
      await rawRequest(ann.socket, 'signal:candidate', [{ ...to(bob), candidate: 42 }]),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(await rawRequest(ann.socket, 'made:up', [{}])).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MESSAGE' },
    });

    // A third socket floods until the bucket (10) is empty.
    const eve = await connectClient(s.url);
    const floods = await Promise.all(
      Array.from({ length: 14 }, () => request(eve, 'room:check', { room: 'metrics-1' })),
    );
    const limited = floods.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED').length;
    expect(limited).toBeGreaterThanOrEqual(4);

    const m = await scrape(s);
    const messages = (event: string) => valueOf(m, 'parley_signaling_messages_total', { event });
    expect(messages('room:join')).toBe(2);
    expect(messages('call:invite')).toBe(1);
    expect(messages('call:accept')).toBe(1);
    expect(messages('signal:description')).toBe(2);
    expect(messages('signal:candidate')).toBe(3);
    expect(messages('ice:refresh')).toBe(1);
    expect(messages('room:check')).toBe(14);
    expect(messages('unknown')).toBe(1);
    expect(messages('call:decline')).toBe(0);

    const errors = (event: string, code: string) =>
      valueOf(m, 'parley_signaling_errors_total', { event, code });
    expect(errors('signal:candidate', 'INVALID_MESSAGE')).toBe(1);
    expect(errors('unknown', 'INVALID_MESSAGE')).toBe(1);
    expect(errors('room:check', 'RATE_LIMITED')).toBe(limited);
    expect(samplesOf(m, 'parley_signaling_errors_total')).toHaveLength(3);
    expect(valueOf(m, 'parley_rate_limited_total', { limit: 'messages' })).toBe(limited);
    expect(valueOf(m, 'parley_rate_limited_total', { limit: 'password' })).toBe(0);

    const setups = (outcome: string) => valueOf(m, 'parley_call_setups_total', { outcome });
    expect(setups('answered')).toBe(1);
    for (const o of ['declined', 'missed', 'cancelled', 'busy', 'failed'])
      expect(setups(o)).toBe(0);

    const relay = 'parley_relay_latency_seconds';
    expect(valueOf(m, `${relay}_count`, { event: 'signal:description' })).toBe(2);
    expect(valueOf(m, `${relay}_count`, { event: 'signal:candidate' })).toBe(2);
    expect(valueOf(m, `${relay}_sum`, { event: 'signal:candidate' })).toBeGreaterThan(0);
    expect(valueOf(m, `${relay}_bucket`, { event: 'signal:candidate', le: '+Inf' })).toBe(2);

    const turn = (event: string) => valueOf(m, 'parley_turn_credentials_issued_total', { event });
    expect(turn('room:join')).toBe(2);
    expect(turn('ice:refresh')).toBe(1);

    expect(valueOf(m, 'parley_connected_sockets')).toBe(3);
    expect(valueOf(m, 'parley_rooms')).toBe(1);
    expect(valueOf(m, 'parley_participants')).toBe(2);
    expect(valueOf(m, 'parley_calls', { state: 'active' })).toBe(1);
    expect(valueOf(m, 'parley_calls', { state: 'ringing' })).toBe(0);

    // Node defaults, event-loop lag among them; every series names this node.
    expect(samplesOf(m, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
    expect(valueOf(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(m.every((x) => x.labels.node === s.config.nodeId)).toBe(true);
  });

  it('nothing names a room, a peer or a person, whatever the client sends', async () => {
    const s = await server();
    const ann = await joinedClient(s.url, 'secret-room-name', 'Annabel Secret');
    await rawRequest(ann.socket, 'evil:label-bomb', [{}]);
    await rawRequest(ann.socket, 'x'.repeat(60), [{}]);
    const res = await fetch(`${s.url}/metrics`);
    const text = await res.text();
    for (const personal of [
      'secret-room-name',
      'Annabel',
      ann.join.self.id,
      ann.socket.id ?? '?',
    ]) {
      expect(text).not.toContain(personal);
    }
    expect(text).not.toContain('evil:label-bomb');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('a declined, a missed, a cancelled and a busy call setup, each counted as such', async () => {
    const s = await server({ RING_TIMEOUT_MS: '1000' });
    const [ann, bob, carl, dana] = await Promise.all(
      ['Ann', 'Bob', 'Carl', 'Dana'].map((n, i) => joinedClient(s.url, `setups-${i >> 1}`, n)),
    );
    if (!ann || !bob || !carl || !dana) throw new Error('setup');

    // Declined.
    const declined = await ring(ann, bob);
    const annEnded = waitFor(ann.socket, 'call:ended');
    okData(await request(bob.socket, 'call:decline', { callId: declined.id }));
    expect(await annEnded).toMatchObject({ reason: 'declined' });

    // Missed: nobody answers within RING_TIMEOUT_MS.
    const carlEnded = waitFor(carl.socket, 'call:ended', 5000);
    await ring(carl, dana);
    expect(await carlEnded).toMatchObject({ reason: 'missed' });
    let m = await scrape(s);
    expect(valueOf(m, 'parley_calls', { state: 'ringing' })).toBe(0);

    // Cancelled, while ringing (scraped then: one ringing call).
    const cancelled = await ring(ann, bob);
    m = await scrape(s);
    expect(valueOf(m, 'parley_calls', { state: 'ringing' })).toBe(1);
    const bobEnded = waitFor(bob.socket, 'call:ended');
    okData(await request(ann.socket, 'call:cancel', { callId: cancelled.id }));
    expect(await bobEnded).toMatchObject({ reason: 'cancelled' });

    // Busy: Carl rings Dana into a call, Eve (same room) rings Dana too.
    const eve = await joinedClient(s.url, 'setups-1', 'Eve');
    const busyCall = await ring(carl, dana);
    okData(await request(dana.socket, 'call:accept', { callId: busyCall.id }));
    expect(await request(eve.socket, 'call:invite', { to: dana.join.self.id })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });

    m = await scrape(s);
    const setups = (outcome: string) => valueOf(m, 'parley_call_setups_total', { outcome });
    expect(setups('declined')).toBe(1);
    expect(setups('missed')).toBe(1);
    expect(setups('cancelled')).toBe(1);
    expect(setups('busy')).toBe(1);
    expect(setups('answered')).toBe(1);
    expect(setups('failed')).toBe(0);
    expect(valueOf(m, 'parley_calls', { state: 'active' })).toBe(1);
    expect(valueOf(m, 'parley_rooms')).toBe(2);
    expect(valueOf(m, 'parley_participants')).toBe(5);
    // No TURN configured: joins hand out STUN at most, no credential.
    expect(samplesOf(m, 'parley_turn_credentials_issued_total')).toEqual([]);
  });

  it('wrong-password tries past the limit count as a password rate limit', async () => {
    const s = await server();
    const owner = await connectClient(s.url);
    okData(
      await request(owner, 'room:join', {
        room: 'pw-room',
        name: 'Owner',
        password: 'right-password',
      }),
    );
    const guest = await connectClient(s.url);
    const tries = [];
    for (let i = 0; i < 7; i++) {
      tries.push(
        await request(guest, 'room:join', { room: 'pw-room', name: 'G', password: 'wrong-pass' }),
      );
    }
    const limited = tries.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED').length;
    expect(limited).toBeGreaterThan(0);
    const m = await scrape(s);
    expect(valueOf(m, 'parley_rate_limited_total', { limit: 'password' })).toBe(limited);
    expect(valueOf(m, 'parley_rate_limited_total', { limit: 'messages' })).toBe(0);
    expect(
      valueOf(m, 'parley_signaling_errors_total', { event: 'room:join', code: 'WRONG_PASSWORD' }),
    ).toBe(7 - limited);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const TOKEN = 'scrape-me-0123456789abcdef';

  it('401 with a Bearer challenge without the token or with a wrong one; 200 with it', async () => {
    const s = await server({ METRICS_TOKEN: TOKEN });
    const get = (authorization?: string) =>
      fetch(`${s.url}/metrics`, authorization ? { headers: { authorization } } : {});
    for (const auth of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN]) {
      const res = await get(auth);
      expect(res.status, String(auth)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.text()).not.toContain('parley_');
    }
    const ok = await get(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('parley_call_setups_total');
  });
});
