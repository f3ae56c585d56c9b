// `npm run bench`, multi-node case: the signaling load on one node (the
// default, in memory) next to one node on Redis and two nodes on Redis with
// every call crossing nodes, all in this run on this machine, on loopback.
// What it reports per configuration: relay latency at a fixed load (the
// SDK's pattern: every signal acknowledged), server CPU per relayed message
// (the nodes' and redis-server's, from /proc), and call-setup time. The
// cross-node cost is the difference to the one-node run. Bounded: fixed
// counts and durations; every process it starts is ended by its PID.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from '@parley/protocol';
import { io } from 'socket.io-client';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverEntry = path.join(root, 'packages/server/dist/main.js');
const PAIRS = Number(process.env.BENCH_MULTI_PAIRS ?? 100);
const RATE = Number(process.env.BENCH_MULTI_RATE ?? 1000); // relayed signals per second, all pairs
const SECONDS = Number(process.env.BENCH_MULTI_SECONDS ?? 5);
const SETUPS = Number(process.env.BENCH_MULTI_SETUPS ?? 40);
const ROUNDS = Number(process.env.BENCH_MULTI_ROUNDS ?? 2);
const CLK_TCK = 100; // Linux USER_HZ
const SECRET = 'bench-multi-node-session-secret-0123456789abcdef';
const SDP = 'v=0\r\n' + 'a=x'.repeat(1500);

const children = new Set();
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
function killAll() {
  for (const c of children) c.kill('SIGKILL');
}
process.once('SIGINT', () => {
  killAll();
  process.exit(130);
});

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not come up`);
    await sleep(100);
  }
}

async function startRedis() {
  const port = await freePort();
  const child = track(
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    ),
  );
  const { createClient } = await import('redis');
  await waitFor(async () => {
    const c = createClient({
      url: `redis://127.0.0.1:${port}`,
      socket: { reconnectStrategy: false },
    });
    c.on('error', () => {});
    await c.connect();
    await c.close();
    return true;
  }, 'redis-server');
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid, child };
}

async function startNode(env) {
  const port = await freePort();
  const child = track(
    spawn(process.execPath, [serverEntry], {
      cwd: root,
      env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/readyz`)).ok, `node on ${port}`);
  return { url, pid: child.pid, child };
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** utime + stime of a process, in microseconds. */
function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK;
}

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

async function req(s, ev, payload) {
  const res = await s.timeout(10_000).emitWithAck(ev, payload);
  if (!res.ok) throw new Error(`${ev}: ${res.error.code} ${res.error.message}`);
  return res.data;
}
const once = (s, ev) => new Promise((r) => s.once(ev, r));

/** A pair in a call: Alice on `urlA`, Bob on `urlB`. */
async function pair(urlA, urlB, i) {
  const room = `bench-multi-${i}-${Math.random().toString(36).slice(2)}`;
  const a = await connect(urlA);
  const aJoin = await req(a, 'room:join', { room, name: 'Alice' });
  const b = await connect(urlB);
  const bJoin = await req(b, 'room:join', { room, name: 'Bob' });
  return { a, b, aId: aJoin.self.id, bId: bJoin.self.id };
}

async function callSetup(p) {
  const start = performance.now();
  const incoming = once(p.b, 'call:incoming');
  const { call } = await req(p.a, 'call:invite', { to: p.bId });
  await incoming;
  const updated = once(p.a, 'call:updated');
  await req(p.b, 'call:accept', { callId: call.id });
  await updated;
  const offer = once(p.b, 'signal:description');
  await req(p.a, 'signal:description', {
    callId: call.id,
    to: p.bId,
    description: { type: 'offer', sdp: SDP },
  });
  await offer;
  const answer = once(p.a, 'signal:description');
  await req(p.b, 'signal:description', {
    callId: call.id,
    to: p.aId,
    description: { type: 'answer', sdp: SDP },
  });
  await answer;
  const ms = performance.now() - start;
  return { ms, callId: call.id };
}

const pct = (xs, q) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(s.length * q))];
};
const median = (xs) => pct(xs, 0.5);

/** One configuration: nodes started, pairs placed, setups timed, a fixed load relayed. */
async function measure(config) {
  const redis = config.redis ? await startRedis() : null;
  const env = redis
    ? { REDIS_URL: redis.url, REDIS_PREFIX: 'bench:', SESSION_SECRET: SECRET }
    : { SESSION_SECRET: SECRET };
  const nodes = [];
  try {
    for (let n = 0; n < config.nodes; n++) {
      nodes.push(await startNode({ ...env, NODE_ID: `bench-${n}` }));
    }
    if (config.nodes > 1) await sleep(2500); // the adapters find each other
    const urlA = nodes[0].url;
    const urlB = nodes[nodes.length - 1].url;
    const pairs = [];
    for (let i = 0; i < PAIRS; i++) pairs.push(await pair(urlA, urlB, i));

    // Call setups, one after another (latency, not load).
    const setups = [];
    const calls = [];
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[i];
      if (i < SETUPS) {
        const { ms, callId } = await callSetup(p);
        setups.push(ms);
        calls.push(callId);
      } else {
        calls.push((await callSetup(p)).callId);
      }
    }

    // A fixed load of acknowledged candidates, spread over every client.
    const sentAt = new Map();
    const latencies = [];
    const ackLatencies = [];
    let received = 0;
    for (const [i, p] of pairs.entries()) {
      for (const s of [p.a, p.b]) {
        s.on('signal:candidate', (msg) => {
          const t = sentAt.get(msg.candidate.candidate);
          if (t !== undefined) {
            latencies.push(performance.now() - t);
            sentAt.delete(msg.candidate.candidate);
          }
          received += 1;
        });
      }
      p.callId = calls[i];
    }
    const pids = [...nodes.map((n) => n.pid), ...(redis ? [redis.pid] : [])];
    const cpuBefore = pids.map(cpuMicros);
    const total = RATE * SECONDS;
    const tickMs = 10;
    const perTick = RATE / (1000 / tickMs);
    let sent = 0;
    let failures = 0;
    const acks = [];
    const t0 = performance.now();
    let seq = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / tickMs + 1) * perTick));
      for (; sent < due; sent++) {
        const p = pairs[sent % pairs.length];
        const fromA = Math.floor(sent / pairs.length) % 2 === 0;
        const text = `candidate:${++seq} 1 udp 2122260223 127.0.0.1 50000 typ host`;
        const emittedAt = performance.now();
        sentAt.set(text, emittedAt);
        const [from, to] = fromA ? [p.a, p.bId] : [p.b, p.aId];
        acks.push(
          from
            .timeout(10_000)
            .emitWithAck('signal:candidate', {
              callId: p.callId,
              to,
              candidate: { candidate: text, sdpMid: '0', sdpMLineIndex: 0 },
            })
            .then((res) => {
              ackLatencies.push(performance.now() - emittedAt);
              if (!res.ok) failures += 1;
            }),
        );
      }
      await sleep(tickMs);
    }
    await Promise.allSettled(acks);
    const deadline = Date.now() + 5000;
    while (received < total - failures && Date.now() < deadline) await sleep(20);
    const elapsedS = (performance.now() - t0) / 1000;
    const cpu = pids.map((pid, k) => cpuMicros(pid) - cpuBefore[k]).reduce((x, y) => x + y, 0);
    for (const p of pairs) {
      p.a.close();
      p.b.close();
    }
    return {
      setupMedian: median(setups),
      setupP95: pct(setups, 0.95),
      latP50: median(latencies),
      latP95: pct(latencies, 0.95),
      latP99: pct(latencies, 0.99),
      ackP50: median(ackLatencies),
      ackP99: pct(ackLatencies, 0.99),
      cpuPerMsgUs: cpu / Math.max(1, received),
      achievedRate: received / elapsedS,
      lost: total - received,
      failures,
    };
  } finally {
    for (const n of nodes) await stop(n.child);
    if (redis) await stop(redis.child);
  }
}

const CONFIGS = [
  { key: 'memory', label: 'one node, in memory (default)', nodes: 1, redis: false },
  { key: 'redis1', label: 'one node + Redis', nodes: 1, redis: true },
  { key: 'redis2', label: 'two nodes + Redis, calls cross nodes', nodes: 2, redis: true },
];

try {
  const samples = Object.fromEntries(CONFIGS.map((c) => [c.key, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const config of round % 2 === 0 ? CONFIGS : [...CONFIGS].reverse()) {
      samples[config.key].push(await measure(config));
    }
  }
  const med = (key, field) => median(samples[key].map((s) => s[field]));
  const fields = [
    ['call setup, ms (median)', 'setupMedian'],
    ['call setup, ms (p95)', 'setupP95'],
    [`relay latency at ${RATE}/s, ms (p50)`, 'latP50'],
    [`relay latency at ${RATE}/s, ms (p95)`, 'latP95'],
    [`relay latency at ${RATE}/s, ms (p99)`, 'latP99'],
    ['ack to the sender, ms (p50)', 'ackP50'],
    ['ack to the sender, ms (p99)', 'ackP99'],
    ['server CPU per relayed message, µs', 'cpuPerMsgUs'],
    ['relayed messages per second', 'achievedRate'],
    ['messages lost', 'lost'],
  ];
  console.info(
    `\nMulti-node signaling: ${PAIRS} pairs in calls, ${RATE} acknowledged candidates/s for ${SECONDS} s, ${SETUPS} call setups; ${ROUNDS} alternating rounds, medians`,
  );
  console.info(
    `${'metric'.padEnd(42)}${'memory'.padStart(10)}${'redis×1'.padStart(10)}${'redis×2'.padStart(10)}${'×2/memory'.padStart(11)}`,
  );
  const rows = fields.map(([label, field]) => {
    const [m, r1, r2] = CONFIGS.map((c) => med(c.key, field));
    console.info(
      `${label.padEnd(42)}${m.toFixed(2).padStart(10)}${r1.toFixed(2).padStart(10)}${r2.toFixed(2).padStart(10)}${(r2 / m).toFixed(2).padStart(11)}`,
    );
    return { metric: label, memory: m, redisOneNode: r1, redisTwoNodes: r2, ratio: r2 / m };
  });
  const added = med('redis2', 'latP50') - med('memory', 'latP50');
  const addedCpu = med('redis2', 'cpuPerMsgUs') - med('memory', 'cpuPerMsgUs');
  console.info(
    `cross-node cost per relayed message: +${addedCpu.toFixed(1)} µs of CPU (nodes + redis-server), +${added.toFixed(2)} ms median latency`,
  );
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    path.join(root, 'bench/results/multinode.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        pairs: PAIRS,
        rate: RATE,
        seconds: SECONDS,
        rounds: ROUNDS,
        rows,
        samples,
      },
      null,
      2,
    ),
  );
} finally {
  killAll();
}
