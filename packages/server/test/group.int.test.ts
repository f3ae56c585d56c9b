import type { CallInfo, JoinResult } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllClients,
  connectClient,
  expectNoEvent,
  joinedClient,
  okData,
  request,
  waitFor,
  type TestSocket,
} from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

type Member = { socket: TestSocket; join: JoinResult };

const OFFER = { type: 'offer' as const, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' };

const idOf = (m: Member) => m.join.self.id;

/** Every `room:call` payload a socket receives, in order. */
function roomCalls(m: Member): Array<CallInfo | null> {
  const seen: Array<CallInfo | null> = [];
  m.socket.on('room:call', ({ call }) => seen.push(call));
  return seen;
}

/** Resolve with the next room:call whose call matches `pred`. */
function nextRoomCall(
  m: Member,
  pred: (call: CallInfo | null) => boolean,
  timeoutMs = 3000,
): Promise<CallInfo | null> {
  return new Promise((resolve, reject) => {
    const listener = ({ call }: { call: CallInfo | null }) => {
      if (!pred(call)) return;
      clearTimeout(timer);
      m.socket.off('room:call', listener);
      resolve(call);
    };
    const timer = setTimeout(() => {
      m.socket.off('room:call', listener);
      reject(new Error('timed out waiting for room:call'));
    }, timeoutMs);
    m.socket.on('room:call', listener);
  });
}

/** Resolve with the next call:updated whose call matches `pred` (earlier ones may still be in flight). */
function nextUpdate(m: Member, pred: (call: CallInfo) => boolean, timeoutMs = 3000) {
  return new Promise<CallInfo>((resolve, reject) => {
    const listener = ({ call }: { call: CallInfo }) => {
      if (!pred(call)) return;
      clearTimeout(timer);
      m.socket.off('call:updated', listener);
      resolve(call);
    };
    const timer = setTimeout(() => {
      m.socket.off('call:updated', listener);
      reject(new Error('timed out waiting for call:updated'));
    }, timeoutMs);
    m.socket.on('call:updated', listener);
  });
}

async function relayOk(from: Member, to: Member, callId: string): Promise<void> {
  const got = waitFor(to.socket, 'signal:description');
  okData(
    await request(from.socket, 'signal:description', {
      callId,
      to: idOf(to),
      description: OFFER,
    }),
  );
  expect(await got).toMatchObject({ callId, from: idOf(from) });
}

describe('group (mesh) calls', () => {
  let server: TestServer;
  let n = 0;

  beforeAll(async () => {
    server = await startServer({
      MESH_MAX_PARTICIPANTS: '4',
      MAX_ROOM_SIZE: '8',
      RING_TIMEOUT_MS: '1000',
    });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  async function room(...names: string[]): Promise<Member[]> {
    const id = `group-${++n}`;
    const members: Member[] = [];
    for (const name of names) members.push(await joinedClient(server.url, id, name));
    return members;
  }

  /** a rings b, b accepts: an active 2-way call. */
  async function pair(a: Member, b: Member): Promise<CallInfo> {
    const incoming = waitFor(b.socket, 'call:incoming');
    const call = okData(await request(a.socket, 'call:invite', { to: idOf(b) })).call;
    await incoming;
    const updated = waitFor(a.socket, 'call:updated');
    okData(await request(b.socket, 'call:accept', { callId: call.id }));
    await updated;
    return call;
  }

  it('3-way: a participant rings a third member into the ongoing call; everyone in the room sees it', async () => {
    const [ann, bob, carol, dan] = await room('Ann', 'Bob', 'Carol', 'Dan');
    if (!ann || !bob || !carol || !dan) throw new Error('setup');
    const danSees = roomCalls(dan);
    const call = await pair(ann, bob);

    const incoming = waitFor(carol.socket, 'call:incoming');
    const annUpdated = waitFor(ann.socket, 'call:updated');
    const danRinging = nextRoomCall(dan, (c) => c?.invited.includes(idOf(carol)) ?? false);
    const rung = okData(await request(bob.socket, 'call:invite', { to: idOf(carol) })).call;
    expect(rung).toMatchObject({
      id: call.id,
      state: 'active',
      participants: [idOf(ann), idOf(bob)],
      invited: [idOf(carol)],
    });
    expect(await incoming).toEqual({ call: rung, from: bob.join.self });
    expect((await annUpdated).call).toEqual(rung);
    expect(await danRinging).toEqual(rung);

    const bobUpdated = waitFor(bob.socket, 'call:updated');
    const danAccepted = nextRoomCall(dan, (c) => c?.participants.length === 3);
    const accepted = okData(await request(carol.socket, 'call:accept', { callId: call.id })).call;
    expect(accepted.participants).toEqual([idOf(ann), idOf(bob), idOf(carol)]);
    expect((await bobUpdated).call).toEqual(accepted);
    expect(await danAccepted).toEqual(accepted);
    // Dan, not in the call, saw every change but never a call notification.
    expect(danSees.map((c) => c?.participants.length)).toEqual([1, 2, 2, 3]);
    await expectNoEvent(dan.socket, 'call:updated');
    await expectNoEvent(dan.socket, 'call:incoming');
    // Full mesh: every pair of participants can signal.
    await relayOk(carol, ann, call.id);
    await relayOk(carol, bob, call.id);
    await relayOk(ann, carol, call.id);
  });

  it('4-way via call:join; CALL_FULL past MESH_MAX_PARTICIPANTS for join and invite', async () => {
    const [ann, bob, carol, dan, eve] = await room('Ann', 'Bob', 'Carol', 'Dan', 'Eve');
    if (!ann || !bob || !carol || !dan || !eve) throw new Error('setup');
    const call = await pair(ann, bob);
    const annUpdated = waitFor(ann.socket, 'call:updated');
    okData(await request(carol.socket, 'call:join', { callId: call.id }));
    expect((await annUpdated).call.participants).toHaveLength(3);
    const joined = okData(await request(dan.socket, 'call:join', { callId: call.id })).call;
    expect(joined).toMatchObject({
      state: 'active',
      participants: [idOf(ann), idOf(bob), idOf(carol), idOf(dan)],
      invited: [],
    });
    expect(await request(eve.socket, 'call:join', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'CALL_FULL', retryable: true },
    });
    expect(await request(ann.socket, 'call:invite', { to: idOf(eve) })).toMatchObject({
      ok: false,
      error: { code: 'CALL_FULL' },
    });
    await expectNoEvent(eve.socket, 'call:incoming');
    expect(await request(dan.socket, 'call:join', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    expect(
      await request(eve.socket, 'call:join', { callId: 'AAAAAAAAAAAAAAAAAAAAAA' }),
    ).toMatchObject({ ok: false, error: { code: 'CALL_NOT_FOUND' } });
    // A seat frees when someone hangs up; Eve takes it.
    okData(await request(bob.socket, 'call:hangup', { callId: call.id }));
    const again = okData(await request(eve.socket, 'call:join', { callId: call.id })).call;
    expect(again.participants).toEqual([idOf(ann), idOf(carol), idOf(dan), idOf(eve)]);
    await relayOk(eve, dan, call.id);
  });

  it('ringing invitees hold a seat', async () => {
    const [ann, bob, carol, dan, eve] = await room('Ann', 'Bob', 'Carol', 'Dan', 'Eve');
    if (!ann || !bob || !carol || !dan || !eve) throw new Error('setup');
    const call = await pair(ann, bob);
    okData(await request(ann.socket, 'call:invite', { to: idOf(carol) }));
    okData(await request(bob.socket, 'call:invite', { to: idOf(dan) }));
    expect(await request(eve.socket, 'call:join', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'CALL_FULL' },
    });
    // Declining frees the seat.
    okData(await request(dan.socket, 'call:decline', { callId: call.id }));
    okData(await request(eve.socket, 'call:join', { callId: call.id }));
  });

  it('departures close only that member part; the call ends when fewer than two remain', async () => {
    const [ann, bob, carol, dan, eve] = await room('Ann', 'Bob', 'Carol', 'Dan', 'Eve');
    if (!ann || !bob || !carol || !dan || !eve) throw new Error('setup');
    const call = await pair(ann, bob);
    okData(await request(carol.socket, 'call:join', { callId: call.id }));
    // Let the 4-way state reach everyone first, so the waits below see only the departure.
    const eveSeesFour = nextRoomCall(eve, (c) => c?.participants.length === 4);
    const annSeesFour = nextUpdate(ann, (c) => c.participants.length === 4);
    okData(await request(dan.socket, 'call:join', { callId: call.id }));
    await Promise.all([eveSeesFour, annSeesFour]);

    // Dan disconnects: the other three stay in the call and can still signal.
    const annUpdated = nextUpdate(ann, (c) => !c.participants.includes(idOf(dan)));
    const eveSees = nextRoomCall(eve, (c) => c?.participants.length === 3);
    dan.socket.disconnect();
    expect((await annUpdated).participants).toEqual([idOf(ann), idOf(bob), idOf(carol)]);
    expect((await eveSees)?.participants).not.toContain(idOf(dan));
    await expectNoEvent(ann.socket, 'call:ended');
    await relayOk(bob, carol, call.id);

    // Carol leaves the room: two remain.
    const bobUpdated = nextUpdate(bob, (c) => c.participants.length === 2);
    okData(await request(carol.socket, 'room:leave', {}));
    expect((await bobUpdated).participants).toEqual([idOf(ann), idOf(bob)]);
    await relayOk(ann, bob, call.id);

    // Bob hangs up: Ann alone, the call ends for her and the room sees null.
    const ended = waitFor(ann.socket, 'call:ended');
    const eveNull = nextRoomCall(eve, (c) => c === null);
    okData(await request(bob.socket, 'call:hangup', { callId: call.id }));
    expect(await ended).toEqual({ callId: call.id, reason: 'hung-up', by: idOf(bob) });
    expect(await eveNull).toBeNull();
    expect(await request(eve.socket, 'call:join', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'CALL_NOT_FOUND' },
    });
    // The room is free for a new call.
    await pair(eve, ann);
  });

  it('room:call reaches non-members on creation and on end; the leaver does not get it', async () => {
    const [ann, bob, carol] = await room('Ann', 'Bob', 'Carol');
    if (!ann || !bob || !carol) throw new Error('setup');
    const created = waitFor(carol.socket, 'room:call');
    const call = okData(await request(ann.socket, 'call:invite', { to: idOf(bob) })).call;
    expect(await created).toEqual({ call });
    const ended = waitFor(carol.socket, 'room:call');
    okData(await request(ann.socket, 'call:cancel', { callId: call.id }));
    expect(await ended).toEqual({ call: null });

    await pair(ann, bob);
    const gone = nextRoomCall(carol, (c) => c === null);
    okData(await request(bob.socket, 'room:leave', {}));
    expect(await gone).toBeNull();
    await expectNoEvent(bob.socket, 'room:call');
  });

  it('signaling stays inside the call: never to a room member outside it; a ringing invitee only with participants', async () => {
    const [ann, bob, carol, dan, eve] = await room('Ann', 'Bob', 'Carol', 'Dan', 'Eve');
    if (!ann || !bob || !carol || !dan || !eve) throw new Error('setup');
    const call = await pair(ann, bob);
    okData(await request(ann.socket, 'call:invite', { to: idOf(carol) })); // Carol rings
    okData(await request(ann.socket, 'call:invite', { to: idOf(eve) })); // Eve rings too
    const refused = [
      [ann, dan, 'PEER_NOT_FOUND'], // member of the room outside the call
      [dan, ann, 'CALL_NOT_FOUND'], // outsider sending into the call
      [carol, eve, 'PEER_NOT_FOUND'], // two who only ring never connect to each other
      [carol, dan, 'PEER_NOT_FOUND'],
    ] as const;
    for (const [from, to, code] of refused) {
      expect(
        await request(from.socket, 'signal:description', {
          callId: call.id,
          to: idOf(to),
          description: OFFER,
        }),
      ).toMatchObject({ ok: false, error: { code } });
      expect(
        await request(from.socket, 'signal:candidate', {
          callId: call.id,
          to: idOf(to),
          candidate: null,
        }),
      ).toMatchObject({ ok: false, error: { code } });
    }
    for (const m of [ann, bob, carol, dan, eve])
      await expectNoEvent(m.socket, 'signal:description');
    // Instant answer: a ringing invitee pre-connects to every participant, both ways.
    await relayOk(ann, carol, call.id);
    await relayOk(carol, bob, call.id);
    okData(await request(carol.socket, 'call:accept', { callId: call.id }));
    await relayOk(carol, bob, call.id);
  });

  it('an invitee rung into an active call who does not answer drops out; the call goes on', async () => {
    const [ann, bob, carol] = await room('Ann', 'Bob', 'Carol');
    if (!ann || !bob || !carol) throw new Error('setup');
    const call = await pair(ann, bob);
    const rungUpdate = waitFor(bob.socket, 'call:updated');
    okData(await request(ann.socket, 'call:invite', { to: idOf(carol) }));
    expect((await rungUpdate).call.invited).toEqual([idOf(carol)]);
    const missed = waitFor(carol.socket, 'call:ended', 5000);
    const bobUpdated = waitFor(bob.socket, 'call:updated', 5000);
    expect(await missed).toEqual({ callId: call.id, reason: 'missed' });
    expect((await bobUpdated).call).toMatchObject({
      participants: [idOf(ann), idOf(bob)],
      invited: [],
    });
    await expectNoEvent(ann.socket, 'call:ended');
    await relayOk(ann, bob, call.id);
  });

  it('glare still resolves to one call', async () => {
    const [ann, bob, carol] = await room('Ann', 'Bob', 'Carol');
    if (!ann || !bob || !carol) throw new Error('setup');
    const [a, b] = await Promise.all([
      request(ann.socket, 'call:invite', { to: idOf(bob) }),
      request(bob.socket, 'call:invite', { to: idOf(ann) }),
    ]);
    expect(okData(a).call.id).toBe(okData(b).call.id);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { calls: number };
    expect(health.calls).toBeGreaterThanOrEqual(1);
    // Carol sees the one call and can join it.
    const joined = okData(await request(carol.socket, 'call:join', { callId: okData(a).call.id }));
    expect(joined.call.participants).toHaveLength(3);
  });
});

describe('joinCallOnEntry rooms (meeting links)', () => {
  let server: TestServer;
  let n = 0;

  beforeAll(async () => {
    server = await startServer({ MESH_MAX_PARTICIPANTS: '3', MAX_ROOM_SIZE: '8' });
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  async function enter(room: string, name: string, joinCallOnEntry?: boolean): Promise<Member> {
    const socket = await connectClient(server.url);
    const join = okData(
      await request(socket, 'room:join', {
        room,
        name,
        ...(joinCallOnEntry === undefined ? {} : { options: { joinCallOnEntry } }),
      }),
    );
    return { socket, join };
  }

  it('members are in the call on entry without ringing; overflow stays out and joins when a seat frees', async () => {
    const id = `meeting-${++n}`;
    const ann = await enter(id, 'Ann', true);
    expect(ann.join.options).toEqual({ joinCallOnEntry: true });
    expect(ann.join.call).toBeNull();

    const annUpdated = waitFor(ann.socket, 'call:updated');
    const annRoomCall = waitFor(ann.socket, 'room:call');
    const bob = await enter(id, 'Bob', false); // ignored: the room exists
    expect(bob.join.options).toEqual({ joinCallOnEntry: true });
    const call = bob.join.call;
    expect(call).toMatchObject({
      state: 'active',
      participants: [idOf(ann), idOf(bob)],
      invited: [],
    });
    if (!call) throw new Error('no call');
    expect((await annUpdated).call).toEqual(call);
    expect((await annRoomCall).call).toEqual(call);
    await expectNoEvent(bob.socket, 'room:call');
    await expectNoEvent(ann.socket, 'call:incoming');
    await relayOk(bob, ann, call.id);

    const carol = await enter(id, 'Carol');
    expect(carol.join.call?.participants).toEqual([idOf(ann), idOf(bob), idOf(carol)]);

    // MESH_MAX_PARTICIPANTS = 3: Dan is in the room, not in the call.
    const dan = await enter(id, 'Dan');
    expect(dan.join.call?.participants).toEqual([idOf(ann), idOf(bob), idOf(carol)]);
    expect(await request(dan.socket, 'call:join', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'CALL_FULL' },
    });

    // Hanging up leaves the call; Dan takes the seat; Bob can come back once one frees.
    const danSeesFree = nextRoomCall(dan, (c) => c?.participants.length === 2);
    okData(await request(bob.socket, 'call:hangup', { callId: call.id }));
    await danSeesFree;
    okData(await request(dan.socket, 'call:join', { callId: call.id }));
    expect(await request(bob.socket, 'call:join', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'CALL_FULL' },
    });
    okData(await request(carol.socket, 'room:leave', {}));
    const back = okData(await request(bob.socket, 'call:join', { callId: call.id })).call;
    expect(back.participants).toEqual([idOf(ann), idOf(dan), idOf(bob)]);

    const probe = await connectClient(server.url);
    expect(okData(await request(probe, 'room:check', { room: id })).options).toEqual({
      joinCallOnEntry: true,
    });
  });

  it('the member left alone waits; the next to enter starts a new call with them', async () => {
    const id = `meeting-${++n}`;
    const ann = await enter(id, 'Ann', true);
    const bob = await enter(id, 'Bob');
    const first = bob.join.call;
    if (!first) throw new Error('no call');
    const ended = waitFor(ann.socket, 'call:ended');
    const cleared = nextRoomCall(ann, (c) => c === null);
    okData(await request(bob.socket, 'call:hangup', { callId: first.id }));
    expect(await ended).toEqual({ callId: first.id, reason: 'hung-up', by: idOf(bob) });
    expect(await cleared).toBeNull();

    const annUpdated = waitFor(ann.socket, 'call:updated');
    const bobSees = nextRoomCall(bob, (c) => c !== null);
    const carol = await enter(id, 'Carol');
    const second = carol.join.call;
    expect(second).toMatchObject({ state: 'active', participants: [idOf(ann), idOf(carol)] });
    expect(second?.id).not.toBe(first.id);
    expect((await annUpdated).call).toEqual(second);
    // Bob, who hung up, is not pulled back in but sees the call and can join it.
    expect(await bobSees).toEqual(second);
    const joined = okData(await request(bob.socket, 'call:join', { callId: second?.id ?? '' }));
    expect(joined.call.participants).toEqual([idOf(ann), idOf(carol), idOf(bob)]);
  });

  it('an ordinary room does not put anyone in a call', async () => {
    const id = `meeting-${++n}`;
    const ann = await enter(id, 'Ann');
    const bob = await enter(id, 'Bob', true); // ignored: the room exists
    expect(bob.join.options).toEqual({ joinCallOnEntry: false });
    expect(bob.join.call).toBeNull();
    await expectNoEvent(ann.socket, 'room:call');
  });
});
