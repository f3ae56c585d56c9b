// One benchmark scenario, run identically against Parley and the baseline:
// two clients join a room, then repeat a whole call setup as signaling sees
// it (invite -> incoming -> accept -> updated -> offer -> answer -> N ICE
// candidates each way -> hang up) and a burst of relayed ICE candidates.
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@parley/protocol';

const SDP = 'v=0\r\n' + 'a=x'.repeat(1500); // ~4.5 KB, the size of a real A/V offer
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

function connect(url) {
  return new Promise((resolve, reject) => {
    const s = io(url, {
      transports: ['websocket'],
      auth: { protocolVersion: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
    });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

const once = (s, ev) => new Promise((r) => s.once(ev, r));
async function req(s, ev, payload) {
  const res = await s.timeout(5000).emitWithAck(ev, payload);
  if (!res.ok) throw new Error(`${ev}: ${res.error.code} ${res.error.message}`);
  return res.data;
}

export async function runScenario(url, { calls, candidates, burst }) {
  const room = `bench-${Math.random().toString(36).slice(2)}`;
  const t0 = performance.now();
  const a = await connect(url);
  const aJoin = await req(a, 'room:join', { room, name: 'Alice' });
  const joinMs = performance.now() - t0;
  const b = await connect(url);
  const bJoin = await req(b, 'room:join', { room, name: 'Bob' });
  const aId = aJoin.self.id;
  const bId = bJoin.self.id;

  const setup = [];
  let burstMs = NaN;
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    const incoming = once(b, 'call:incoming');
    const { call } = await req(a, 'call:invite', { to: bId });
    await incoming;
    const updated = once(a, 'call:updated');
    await req(b, 'call:accept', { callId: call.id });
    await updated;
    const gotOffer = once(b, 'signal:description');
    a.emit('signal:description', {
      callId: call.id,
      to: bId,
      description: { type: 'offer', sdp: SDP },
    });
    await gotOffer;
    const gotAnswer = once(a, 'signal:description');
    b.emit('signal:description', {
      callId: call.id,
      to: aId,
      description: { type: 'answer', sdp: SDP },
    });
    await gotAnswer;
    let left = candidates * 2;
    await new Promise((resolve) => {
      const onCand = () =>
        --left === 0 &&
        (a.off('signal:candidate', onCand), b.off('signal:candidate', onCand), resolve());
      a.on('signal:candidate', onCand);
      b.on('signal:candidate', onCand);
      for (let c = 0; c < candidates; c++) {
        a.emit('signal:candidate', { callId: call.id, to: bId, candidate: CANDIDATE });
        b.emit('signal:candidate', { callId: call.id, to: aId, candidate: CANDIDATE });
      }
    });
    setup.push(performance.now() - start);

    if (i === calls - 1) {
      // Relay throughput: a burst of candidates A -> B in windows of 100 (so
      // neither side buffers unboundedly), each window awaited end to end.
      const window = 100;
      const bStart = performance.now();
      for (let sent = 0; sent < burst; sent += window) {
        const n = Math.min(window, burst - sent);
        let got = 0;
        const done = new Promise((r) => {
          const on = () => ++got === n && (b.off('signal:candidate', on), r());
          b.on('signal:candidate', on);
        });
        for (let k = 0; k < n; k++)
          a.emit('signal:candidate', { callId: call.id, to: bId, candidate: CANDIDATE });
        await done;
      }
      burstMs = performance.now() - bStart;
    }
    const ended = once(b, 'call:ended');
    await req(a, 'call:hangup', { callId: call.id });
    await ended;
  }
  a.close();
  b.close();
  return { joinMs, setup, burstMs };
}
