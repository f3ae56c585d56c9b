// `npm run bench`, signaling part: Parley's server, with its default
// settings, against two relays in the same run on the same machine over
// loopback: a raw `ws` relay (the ceiling: what relaying JSON costs at
// least) and the tutorial Socket.IO relay. Each server is its own process
// pinned to CPU 0; the load generator (bench/loadgen.mjs) is another,
// pinned to CPU 1, and speaks to each as the SDK does (every signal with an
// ack). Rounds alternate the servers' order; the figures are medians over
// rounds. Prints a table and writes bench/results/signaling.json; see
// bench/README.md. Bounded: fixed counts, every wait has a deadline, and
// every process started here is ended by its PID (also on failure and ^C).
import { execFileSync, fork, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, percentile } from './signaling/stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const num = (name, fallback) => Number(process.env[name] ?? fallback);

const ROUNDS = num('BENCH_ROUNDS', 3);
const CLIENTS = num('BENCH_CLIENTS', 1000); // in rooms of two, for the relay load
const SETUPS = num('BENCH_SETUPS', 1000); // simultaneous call setups (2 clients each)
const RATE = num('BENCH_RATE', 2000); // relayed msg/s of the CPU and latency window
const STEPS = (process.env.BENCH_STEPS ?? '1000,2000,3000,4000,6000,8000,12000,16000')
  .split(',')
  .map(Number);
const WINDOWS = {
  warmMs: num('BENCH_WARM_S', 1) * 1000,
  fixedMs: num('BENCH_WINDOW_S', 2) * 1000,
  stepWarmMs: num('BENCH_STEP_WARM_S', 0.5) * 1000,
  stepMs: num('BENCH_STEP_S', 1) * 1000,
};
const P99_BOUND_MS = 50;
let IDLE = num('BENCH_IDLE_CLIENTS', 10_000);
const IDLE_ROUNDS = num('BENCH_IDLE_ROUNDS', 1);
const IDLE_CONNECT_S = num('BENCH_IDLE_CONNECT_S', 45); // no new idle client after this
// A window in which other processes took more than this share of a pinned CPU is measured again.
const DISTURBED_PCT = num('BENCH_DISTURBED_PCT', 20);

const SERVERS = {
  parley: {
    label: 'Parley',
    entry: 'packages/server/dist/main.js',
    wire: 'socket.io',
    // Defaults throughout; a session secret only so that no development
    // secret file is written into the tree.
    env: { LOG_LEVEL: 'silent', SESSION_SECRET: randomBytes(32).toString('hex') },
  },
  ws: { label: 'ws relay', entry: 'bench/baselines/wsRelay.mjs', wire: 'ws', env: {} },
  socketio: {
    label: 'Socket.IO relay',
    entry: 'bench/baselines/socketIoRelay.mjs',
    wire: 'socket.io',
    env: {},
  },
};
const BASELINES = ['ws', 'socketio'];
// BENCH_SERVERS=parley,ws to run a subset (development); the table shows n/a for the others.
const ORDER = (process.env.BENCH_SERVERS ?? Object.keys(SERVERS).join(','))
  .split(',')
  .filter((n) => Object.hasOwn(SERVERS, n));

// ---- the machine ------------------------------------------------------------

if (!existsSync(path.join(root, SERVERS.parley.entry))) {
  console.error('Build first: npm run build (packages/server/dist/main.js is missing)');
  process.exit(1);
}
// Parley's default rate limit, from its own config: the load must stay under it.
const { loadConfig } = await import('@parley/server');
const LIMIT = loadConfig({ LOG_LEVEL: 'silent' }).rateLimit;
const perClient = Math.max(RATE, ...STEPS) / CLIENTS;
if (perClient > 0.8 * LIMIT.perSecond) {
  console.error(
    `${perClient} msg/s per client is too close to Parley's default limit (${LIMIT.perSecond}/s): raise BENCH_CLIENTS`,
  );
  process.exit(1);
}

const cpus = os.availableParallelism();
const PIN = cpus >= 2 && spawnSync('taskset', ['-c', '1', 'true']).status === 0;
let CLK_TCK = 100;
try {
  CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
  // getconf missing: Linux's USER_HZ is 100
}

// File descriptors for the idle connections: raise the soft limit when the hard one allows.
const nofileNeeded = IDLE + 1024;
const [softLimit, hardLimit] = spawnSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'])
  .stdout.toString()
  .trim()
  .split('\n')
  .map((s) => (s === 'unlimited' ? Infinity : Number(s)));
let raiseNofile = null;
let idleNote = null;
if (softLimit < nofileNeeded) {
  if (hardLimit >= nofileNeeded) raiseNofile = nofileNeeded;
  else {
    raiseNofile = hardLimit;
    const fits = Math.floor((hardLimit - 1024) / 2) * 2;
    idleNote = `idle clients lowered from ${IDLE} to ${fits}: file-descriptor hard limit is ${hardLimit}`;
    IDLE = Math.max(0, fits);
  }
}

/** argv wrapped to run on `core` (taskset) with enough file descriptors. */
function command(core, argv) {
  let cmd = argv;
  if (PIN) cmd = ['taskset', '-c', String(core), ...cmd];
  if (raiseNofile !== null)
    cmd = ['sh', '-c', `ulimit -n ${raiseNofile} && exec "$@"`, 'sh', ...cmd];
  return cmd;
}

// ---- processes --------------------------------------------------------------

const children = new Set();
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
function killAll() {
  for (const c of children) c.kill('SIGKILL');
}
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

const canConnect = (port) =>
  new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await Promise.race([exited, sleep(5000)]);
}

async function startServer(name) {
  const spec = SERVERS[name];
  const port = await freePort();
  const [file, ...args] = command(0, [process.execPath, spec.entry]);
  const child = track(
    spawn(file, args, {
      cwd: root,
      // A clean environment: no RATE_LIMIT_* or other setting leaks in from the caller.
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), ...spec.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const deadline = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop(child);
      throw new Error(`${spec.label} did not start:\n${stderr}`);
    }
    await sleep(100);
  }
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, child, stderr: () => stderr };
}

/** Fork a load generator (CPU 1), give it one job, and wait for its result. */
async function runLoad(job) {
  const [execPath, ...execArgv] = command(1, [process.execPath]);
  const child = track(
    fork(path.join(root, 'bench/loadgen.mjs'), [], {
      cwd: root,
      execPath,
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('load generator timed out')),
        job.deadlineMs + 5000,
      );
      child.once('message', (msg) => {
        clearTimeout(timer);
        if (msg.ok) resolve(msg.result);
        else reject(new Error(msg.error));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`load generator exited (${code}) without a result`));
      });
      child.send(job);
    });
  } finally {
    await stop(child);
  }
}

async function measure(name, kind) {
  const server = await startServer(name);
  const t0 = Date.now();
  try {
    const result = await runLoad({
      kind,
      url: server.url,
      wire: SERVERS[name].wire,
      serverPid: server.pid,
      clkTck: CLK_TCK,
      serverCpu: PIN ? 0 : null,
      loadgenCpu: PIN ? 1 : null,
      clients: CLIENTS,
      setups: SETUPS,
      rate: RATE,
      steps: STEPS,
      windows: WINDOWS,
      p99BoundMs: P99_BOUND_MS,
      disturbedPct: DISTURBED_PCT,
      idle: IDLE,
      idleConnectMs: IDLE_CONNECT_S * 1000,
      deadlineMs: 150_000,
    });
    if (server.child.exitCode !== null) throw new Error(`${name} exited:\n${server.stderr()}`);
    console.info(`  ${kind} ${SERVERS[name].label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    await stop(server.child);
  }
}

// ---- the run ----------------------------------------------------------------

const started = Date.now();
const load0 = os.loadavg();
const relay = Object.fromEntries(ORDER.map((n) => [n, []]));
const idle = Object.fromEntries(ORDER.map((n) => [n, []]));
console.info(
  `Signaling benchmark: ${ROUNDS} rounds; servers ${PIN ? 'on CPU 0, load generator on CPU 1' : 'and load generator unpinned (no taskset or one CPU)'}`,
);
try {
  for (let round = 0; round < ROUNDS; round++) {
    console.info(`round ${round + 1}/${ROUNDS}`);
    // Rotate the order so that no server always runs first (or last) in a round.
    for (let k = 0; k < ORDER.length; k++) {
      const name = ORDER[(round + k) % ORDER.length];
      relay[name].push(await measure(name, 'relay'));
    }
  }
  if (IDLE > 0) {
    for (let round = 0; round < IDLE_ROUNDS; round++) {
      for (const name of ORDER) idle[name].push(await measure(name, 'idle'));
    }
  }
} catch (err) {
  console.error(err);
  killAll();
  process.exit(1);
}
const load1 = os.loadavg();

// ---- report -----------------------------------------------------------------

/** One figure per round for every metric: [key, label, unit, value of a round's result]. */
const METRICS = [
  ['cpuUsPerMsg', `server CPU per relayed msg @${RATE}/s`, 'µs', (r) => r.cpuUsPerMsg],
  ['latencyP50', `relay latency p50 @${RATE}/s`, 'ms', (r) => r.fixed.p50],
  ['latencyP95', `relay latency p95 @${RATE}/s`, 'ms', (r) => r.fixed.p95],
  ['latencyP99', `relay latency p99 @${RATE}/s`, 'ms', (r) => r.fixed.p99],
  ['maxSustained', `max sustained, p99 < ${P99_BOUND_MS} ms`, 'msg/s', (r) => r.maxSustained],
  ['setupBurstMs', `${SETUPS} simultaneous call setups`, 'ms', (r) => r.burst.totalMs],
  ['setupP50', 'one call setup in the burst, p50', 'ms', (r) => r.burst.p50],
  ['setupP95', 'one call setup in the burst, p95', 'ms', (r) => r.burst.p95],
];
const IDLE_METRICS = [
  ['idlePerConnKiB', 'idle memory per connection', 'KiB', (r) => r.perConnKiB],
  ['connectCpuUs', 'server CPU per connect + room:join', 'µs', (r) => r.connectCpuUs],
];

const summary = {};
for (const name of ORDER) {
  summary[name] = {};
  for (const [results, metrics] of [
    [relay[name], METRICS],
    [idle[name], IDLE_METRICS],
  ]) {
    for (const [key, , , get] of metrics) {
      const xs = results.map(get);
      summary[name][key] = { median: median(xs), p95: percentile(xs, 0.95), rounds: xs };
    }
  }
}
const figure = (name, key) => summary[name]?.[key].median ?? Number.NaN;
const ratio = (key, base) => figure('parley', key) / figure(base, key);
// The ramp never failed in most rounds: the figure is a lower bound.
const capped = (name) =>
  (relay[name] ?? []).filter((r) => r.capped).length * 2 > (relay[name]?.length ?? 0);
const loadgenBound = (name) => (relay[name] ?? []).some((r) => r.loadgenBound);

const fmt = (x) =>
  !Number.isFinite(x) ? 'n/a' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
const cell = (name, key) => {
  const v = fmt(figure(name, key));
  return key === 'maxSustained' && capped(name) ? `>=${v}` : v;
};
const ratioCell = (key, base) => {
  const r = ratio(key, base);
  if (!Number.isFinite(r)) return 'n/a';
  const bound = key === 'maxSustained' && capped(base) ? '<=' : '';
  return `${bound}${r.toFixed(2)}x`;
};

const rows = [...METRICS, ...IDLE_METRICS].map(([key, label, unit]) => ({
  key,
  label: `${label} (${unit})`,
  unit,
}));
const W = [44, 10, 10, 10, 16, 10];
const line = (cols) => cols.map((c, i) => (i === 0 ? c.padEnd(W[0]) : c.padStart(W[i]))).join('');
console.info('');
console.info(
  `Signaling benchmark, ${ROUNDS} rounds (medians); ${CLIENTS} clients in rooms of 2 in calls; 90% signal:candidate, 10% signal:description (~4.5 KB), all acknowledged`,
);
console.info(line(['metric', 'Parley', 'ws relay', 'P/ws', 'Socket.IO relay', 'P/SIO']));
for (const { key, label } of rows) {
  console.info(
    line([
      label,
      cell('parley', key),
      cell('ws', key),
      ratioCell(key, 'ws'),
      cell('socketio', key),
      ratioCell(key, 'socketio'),
    ]),
  );
}
const idleN = Object.values(idle)
  .flat()
  .map((r) => r.n);
// Rounded at 0: the process and CPU counters are sampled separately (a few % either way).
const pct = (x) => (Number.isFinite(x) ? `${Math.max(0, x).toFixed(0)}%` : 'n/a');
const foreign = (name, field) =>
  pct(median((relay[name] ?? []).flatMap((r) => [r.fixed, ...r.steps]).map((w) => w[field])));
const notes = [
  'ratio = Parley / baseline: above 1, Parley costs more (for max sustained: Parley sustains more)',
  'ws relay call setup: emulated with its relayed messages (invite, accept, offer, answer); it has no call state',
  `idle memory: server RSS with N clients connected and joined (rooms of 2, no call) minus RSS with none, / N; N = ${[...new Set(idleN)].join(', ') || 'n/a'} (wanted ${IDLE}), ${IDLE_ROUNDS} round(s)`,
  `noise: load average ${load0.map((x) => x.toFixed(1)).join(' ')} at start, ${load1.map((x) => x.toFixed(1)).join(' ')} at end (${cpus} CPUs); CPU taken by other processes in the measured windows (median), server's CPU / load generator's: ${ORDER.map((n) => `${SERVERS[n].label} ${foreign(n, 'foreignCpuPct')} / ${foreign(n, 'loadgenForeignCpuPct')}`).join(', ')}`,
];
if (idleNote) notes.push(idleNote);
if (idleN.some((n) => n < IDLE)) {
  notes.push(`idle: fewer than ${IDLE} clients connected within ${IDLE_CONNECT_S} s`);
}
for (const name of ORDER) {
  const ends = relay[name].map((r) => r.steps.at(-1)).filter((w) => !w.pass);
  if (ends.length > 0) {
    const list = (f) => ends.map(f).join('/');
    notes.push(
      `${SERVERS[name].label}: ramp ended at ${list((w) => w.offered)} msg/s; CPU there: server ${list((w) => w.serverCpuPct.toFixed(0))}%, load generator ${list((w) => w.loadgenCpuPct.toFixed(0))}%`,
    );
  }
  if (loadgenBound(name)) {
    notes.push(
      `${SERVERS[name].label}: in some round the load generator's CPU (>= 90%), not the server's, ended the ramp: max sustained is a lower bound`,
    );
  }
  const errors = {};
  for (const r of relay[name]) {
    for (const w of [r.fixed, ...r.steps].flatMap((x) => [x, ...x.discarded])) {
      for (const [code, n] of Object.entries(w.errors)) errors[code] = (errors[code] ?? 0) + n;
    }
  }
  if (Object.keys(errors).length > 0) {
    notes.push(`${SERVERS[name].label}: refused acks ${JSON.stringify(errors)}`);
  }
}
const windows = Object.values(relay)
  .flat()
  .flatMap((r) => [r.fixed, ...r.steps]);
const retried = windows.reduce((n, w) => n + w.tries - 1, 0);
const stillDisturbed = windows.filter((w) => w.disturbed).length;
const disturbedBursts = Object.values(relay)
  .flat()
  .filter((r) => r.burst.disturbed).length;
notes.push(
  `windows measured again (other processes took > ${DISTURBED_PCT}% of a pinned CPU, or a failing step): ${retried}; kept although disturbed: ${stillDisturbed} of ${windows.length}; disturbed call-setup bursts: ${disturbedBursts} of ${Object.values(relay).flat().length}`,
);
for (const n of notes) console.info(`- ${n}`);
console.info(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);

mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(
  path.join(root, 'bench/results/signaling.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: {
        cpus,
        cpuModel: os.cpus()[0]?.model,
        node: process.version,
        pinned: PIN,
        clkTck: CLK_TCK,
        loadavgStart: load0,
        loadavgEnd: load1,
      },
      config: {
        rounds: ROUNDS,
        clients: CLIENTS,
        setups: SETUPS,
        rate: RATE,
        steps: STEPS,
        windows: WINDOWS,
        p99BoundMs: P99_BOUND_MS,
        disturbedPct: DISTURBED_PCT,
        idleClients: IDLE,
        idleRounds: IDLE_ROUNDS,
        parleyRateLimit: LIMIT,
      },
      servers: Object.fromEntries(ORDER.map((n) => [n, SERVERS[n].label])),
      summary,
      ratios: Object.fromEntries(
        BASELINES.map((b) => [b, Object.fromEntries(rows.map(({ key }) => [key, ratio(key, b)]))]),
      ),
      maxSustainedIsLowerBound: Object.fromEntries(ORDER.map((n) => [n, capped(n)])),
      loadgenBound: Object.fromEntries(ORDER.map((n) => [n, loadgenBound(n)])),
      notes,
      raw: { relay, idle },
    },
    null,
    2,
  ),
);
console.info('wrote bench/results/signaling.json');
