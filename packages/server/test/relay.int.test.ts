import { Limits, type CallInfo } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllClients,
  expectNoEvent,
  joinedClient,
  okData,
  rawEmit,
  rawRequest,
  request,
  waitFor,
  type TestSocket,
} from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

const OFFER = { type: 'offer' as const, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' };
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

describe('signal relay', () => {
  let server: TestServer;
  let n = 0;

  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(() => closeAllClients());
  afterAll(() => server.close());

  type Member = Awaited<ReturnType<typeof joinedClient>>;

  /** Ann and Bob in an active call; Carol in the same room; Xavier in another room. */
  async function scene(): Promise<{
    ann: Member;
    bob: Member;
    carol: Member;
    xavier: Member;
    call: CallInfo;
  }> {
    const room = `relay-${++n}`;
    const ann = await joinedClient(server.url, room, 'Ann');
    const bob = await joinedClient(server.url, room, 'Bob');
    const carol = await joinedClient(server.url, room, 'Carol');
    const xavier = await joinedClient(server.url, `${room}-other`, 'Xavier');
    const incoming = waitFor(bob.socket, 'call:incoming');
    const call = okData(await request(ann.socket, 'call:invite', { to: bob.join.self.id })).call;
    await incoming;
    okData(await request(bob.socket, 'call:accept', { callId: call.id }));
    return { ann, bob, carol, xavier, call };
  }

  async function nobodyElseGets(sockets: TestSocket[]): Promise<void> {
    for (const s of sockets) {
      await expectNoEvent(s, 'signal:description');
      await expectNoEvent(s, 'signal:candidate');
    }
  }

  it('delivers a description to the target only, with a server-stamped from', async () => {
    const { ann, bob, carol, xavier, call } = await scene();
    const got = waitFor(bob.socket, 'signal:description');
    const res = await request(ann.socket, 'signal:description', {
      callId: call.id,
      to: bob.join.self.id,
      description: OFFER,
    });
    expect(res).toEqual({ ok: true, data: {} });
    expect(await got).toEqual({ callId: call.id, from: ann.join.self.id, description: OFFER });
    await nobodyElseGets([ann.socket, carol.socket, xavier.socket]);
  });

  it('delivers candidates (and end-of-candidates null) in order, both ways', async () => {
    const { ann, bob, carol, call } = await scene();
    const received: unknown[] = [];
    const done = new Promise<void>((resolve) => {
      ann.socket.on('signal:candidate', (m) => {
        received.push(m.candidate);
        if (m.candidate === null) resolve();
      });
    });
    // Fire-and-forget, as a trickling client would.
    for (let i = 0; i < 20; i++) {
      rawEmit(bob.socket, 'signal:candidate', {
        callId: call.id,
        to: ann.join.self.id,
        candidate: { ...CANDIDATE, candidate: `${CANDIDATE.candidate} ${i}` },
      });
    }
    rawEmit(bob.socket, 'signal:candidate', {
      callId: call.id,
      to: ann.join.self.id,
      candidate: null,
    });
    await done;
    expect(received).toHaveLength(21);
    received
      .slice(0, 20)
      .forEach((c, i) => expect(c).toMatchObject({ candidate: `${CANDIDATE.candidate} ${i}` }));
    await nobodyElseGets([carol.socket]);
  });

  it('refuses relays to people outside the call or room, and they receive nothing', async () => {
    const { ann, bob, carol, xavier, call } = await scene();
    const cases: Array<[TestSocket, string, string, string]> = [
      // sender, callId, to, expected code
      [ann.socket, call.id, carol.join.self.id, 'PEER_NOT_FOUND'], // same room, not in the call
      [ann.socket, call.id, xavier.join.self.id, 'PEER_NOT_FOUND'], // other room
      [ann.socket, call.id, ann.join.self.id, 'PEER_NOT_FOUND'], // self
      [ann.socket, 'AAAAAAAAAAAAAAAAAAAAAA', bob.join.self.id, 'CALL_NOT_FOUND'], // no such call
      [carol.socket, call.id, bob.join.self.id, 'CALL_NOT_FOUND'], // sender not in the call
      [xavier.socket, call.id, bob.join.self.id, 'CALL_NOT_FOUND'], // sender in another room
    ];
    for (const [sender, callId, to, code] of cases) {
      const d = await request(sender, 'signal:description', { callId, to, description: OFFER });
      expect(d, `description ${code}`).toMatchObject({ ok: false, error: { code } });
      const c = await request(sender, 'signal:candidate', { callId, to, candidate: CANDIDATE });
      expect(c, `candidate ${code}`).toMatchObject({ ok: false, error: { code } });
    }
    await nobodyElseGets([ann.socket, bob.socket, carol.socket, xavier.socket]);
  });

  it('instant answer: caller and callee signal while it rings; outsiders still get nothing', async () => {
    const room = `relay-${++n}`;
    const ann = await joinedClient(server.url, room, 'Ann');
    const bob = await joinedClient(server.url, room, 'Bob');
    const carol = await joinedClient(server.url, room, 'Carol');
    expect(ann.join.instantAnswer).toBe(true);
    const incoming = waitFor(bob.socket, 'call:incoming');
    const call = okData(await request(ann.socket, 'call:invite', { to: bob.join.self.id })).call;
    await incoming;
    const offer = waitFor(bob.socket, 'signal:description');
    okData(
      await request(ann.socket, 'signal:description', {
        callId: call.id,
        to: bob.join.self.id,
        description: OFFER,
      }),
    );
    expect((await offer).from).toBe(ann.join.self.id);
    const answer = waitFor(ann.socket, 'signal:description');
    okData(
      await request(bob.socket, 'signal:description', {
        callId: call.id,
        to: ann.join.self.id,
        description: { type: 'answer', sdp: OFFER.sdp },
      }),
    );
    expect((await answer).from).toBe(bob.join.self.id);
    // Carol is in the room, not in the call: she can neither send nor be sent to.
    expect(
      await request(carol.socket, 'signal:description', {
        callId: call.id,
        to: ann.join.self.id,
        description: OFFER,
      }),
    ).toMatchObject({ ok: false, error: { code: 'CALL_NOT_FOUND' } });
    expect(
      await request(ann.socket, 'signal:candidate', {
        callId: call.id,
        to: carol.join.self.id,
        candidate: null,
      }),
    ).toMatchObject({ ok: false, error: { code: 'PEER_NOT_FOUND' } });
    await nobodyElseGets([carol.socket]);
  });

  it('INSTANT_ANSWER=0: nothing crosses before the callee accepted', async () => {
    const strict = await startServer({ INSTANT_ANSWER: '0' });
    try {
      const room = `relay-${++n}`;
      const ann = await joinedClient(strict.url, room, 'Ann');
      const bob = await joinedClient(strict.url, room, 'Bob');
      expect(ann.join.instantAnswer).toBe(false);
      const call = okData(await request(ann.socket, 'call:invite', { to: bob.join.self.id })).call;
      expect(
        await request(ann.socket, 'signal:description', {
          callId: call.id,
          to: bob.join.self.id,
          description: OFFER,
        }),
      ).toMatchObject({ ok: false, error: { code: 'PEER_NOT_FOUND' } });
      expect(
        await request(bob.socket, 'signal:description', {
          callId: call.id,
          to: ann.join.self.id,
          description: OFFER,
        }),
      ).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
      await nobodyElseGets([ann.socket, bob.socket]);
    } finally {
      await strict.close();
    }
  });

  it('refuses relays after the call ended', async () => {
    const { ann, bob, call } = await scene();
    const ended = waitFor(bob.socket, 'call:ended');
    okData(await request(ann.socket, 'call:hangup', { callId: call.id }));
    await ended;
    expect(
      await request(bob.socket, 'signal:description', {
        callId: call.id,
        to: ann.join.self.id,
        description: OFFER,
      }),
    ).toMatchObject({ ok: false, error: { code: 'CALL_NOT_FOUND' } });
    await nobodyElseGets([ann.socket]);
  });

  it('a spoofed from is INVALID_MESSAGE and reaches nobody', async () => {
    const { ann, bob, carol, call } = await scene();
    const res = await rawRequest(ann.socket, 'signal:description', [
      { callId: call.id, to: bob.join.self.id, from: carol.join.self.id, description: OFFER },
    ]);
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    const res2 = await rawRequest(ann.socket, 'signal:candidate', [
      { callId: call.id, to: bob.join.self.id, candidate: { ...CANDIDATE, from: 'x' } },
    ]);
    expect(res2).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    await nobodyElseGets([bob.socket, carol.socket]);
  });

  it('an oversized SDP is PAYLOAD_TOO_LARGE and reaches nobody; a big real one passes', async () => {
    const { ann, bob, call } = await scene();
    const big = await request(ann.socket, 'signal:description', {
      callId: call.id,
      to: bob.join.self.id,
      description: { type: 'offer', sdp: 'a'.repeat(Limits.SDP_MAX + 1) },
    });
    expect(big).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    await nobodyElseGets([bob.socket]);

    const got = waitFor(bob.socket, 'signal:description');
    const sdp = 'a'.repeat(Limits.SDP_MAX);
    okData(
      await request(ann.socket, 'signal:description', {
        callId: call.id,
        to: bob.join.self.id,
        description: { type: 'offer', sdp },
      }),
    );
    expect((await got).description.sdp.length).toBe(Limits.SDP_MAX);
  });

  it('relay failures without an ack come back as server:error', async () => {
    const { ann, carol, call } = await scene();
    const err = waitFor(ann.socket, 'server:error');
    rawEmit(ann.socket, 'signal:candidate', {
      callId: call.id,
      to: carol.join.self.id,
      candidate: CANDIDATE,
    });
    expect(await err).toEqual({
      code: 'PEER_NOT_FOUND',
      message: expect.any(String),
      event: 'signal:candidate',
    });
    await nobodyElseGets([carol.socket]);
  });
});
