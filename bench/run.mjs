// `npm run bench`: Parley's signaling path against a bare Socket.IO relay
// (bench/baselineServer.mjs), both measured in this run on this machine, on
// loopback. Prints medians side by side with their ratio and writes
// bench/results/signaling.json. Bounded: fixed counts, no open-ended loops.
import { mkdirSync, writeFileSync } from 'node:fs';
import { startBaseline } from './baselineServer.mjs';
import { runScenario } from './scenario.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 200);
const CANDIDATES = 10; // per side per call: what Chromium trickles on a simple host
const BURST = Number(process.env.BENCH_BURST ?? 5000);
const ROUNDS = 3; // alternate Parley/baseline to spread machine noise over both

let app;
try {
  app = await import('@parley/server');
} catch {
  console.error('Build first: npx tsc -b packages/protocol packages/server (npm run build)');
  process.exit(1);
}

async function startParley() {
  // The rate limit is raised so that the benchmark measures the relay path,
  // not the limiter (a real client never sends 5000 candidates in a second).
  const config = app.loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_SEC: '10000',
    RATE_LIMIT_BURST: '100000',
  });
  const { fastify, close } = await app.buildApp(config);
  await fastify.listen({ host: '127.0.0.1', port: 0 });
  const { port } = fastify.server.address();
  return { url: `http://127.0.0.1:${port}`, close };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

const samples = {
  parley: { join: [], setup: [], rate: [] },
  baseline: { join: [], setup: [], rate: [] },
};
const opts = { calls: CALLS, candidates: CANDIDATES, burst: BURST };
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, start] of [
    ['parley', startParley],
    ['baseline', startBaseline],
  ]) {
    const server = await start();
    await runScenario(server.url, { ...opts, calls: 5 }); // warm-up (JIT, sockets)
    const r = await runScenario(server.url, opts);
    await server.close();
    samples[name].join.push(r.joinMs);
    samples[name].setup.push(...r.setup);
    samples[name].rate.push(BURST / (r.burstMs / 1000));
  }
}

const rows = [
  ['connect + join (ms, median)', median(samples.parley.join), median(samples.baseline.join)],
  [
    'call signaling setup (ms, median)',
    median(samples.parley.setup),
    median(samples.baseline.setup),
  ],
  ['call signaling setup (ms, p95)', p95(samples.parley.setup), p95(samples.baseline.setup)],
  [
    'ICE candidates relayed per second (median)',
    median(samples.parley.rate),
    median(samples.baseline.rate),
  ],
];
console.info(
  `Signaling benchmark: ${ROUNDS} rounds x ${CALLS} calls (invite, accept, offer/answer, ${CANDIDATES} candidates each way, hang-up), burst ${BURST} candidates; loopback`,
);
console.info(
  `${'metric'.padEnd(46)}${'parley'.padStart(12)}${'baseline'.padStart(12)}${'ratio'.padStart(9)}`,
);
for (const [label, p, b] of rows) {
  console.info(
    `${label.padEnd(46)}${p.toFixed(2).padStart(12)}${b.toFixed(2).padStart(12)}${(p / b).toFixed(2).padStart(9)}`,
  );
}
console.info(
  'baseline = bare Socket.IO relay without validation, room/call state or rate limiting',
);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/signaling.json',
  JSON.stringify(
    {
      date: new Date().toISOString(),
      opts,
      rounds: ROUNDS,
      rows: rows.map(([metric, parley, baseline]) => ({
        metric,
        parley,
        baseline,
        ratio: parley / baseline,
      })),
    },
    null,
    2,
  ),
);
