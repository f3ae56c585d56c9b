import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../packages/server/src/config.js';

/**
 * Static checks of deploy/: the compose file has the structure Compose
 * accepts, every environment variable a deploy file sets for Parley is one
 * the server reads (CONFIG_VARIABLES), and the Dockerfile, nginx config and
 * systemd units keep their hardening. No container engine is needed.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string): string => readFileSync(`${ROOT}${path}`, 'utf8');
const known = new Set(CONFIG_VARIABLES);
const unknownOf = (names: Iterable<string>): string[] => [...names].filter((n) => !known.has(n));
/** Keys and tokens: SESSION_SECRET, TURN_SECRET, JOIN_TOKEN_SECRET, METRICS_TOKEN. */
const isSecret = (name: string): boolean => /_SECRET$|^METRICS_TOKEN$/.test(name);

type YamlMap = Record<string, unknown>;
const isMap = (v: unknown): v is YamlMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const mapOf = (v: unknown): YamlMap => (isMap(v) ? v : {});

// ---- compose.yaml -----------------------------------------------------------

const compose = mapOf(parse(read('deploy/compose.yaml'), { merge: true }));
const services = mapOf(compose.services);

/** Top-level and service keys of the Compose Specification (x-* extensions allowed too). */
const TOP_LEVEL_KEYS = new Set(['name', 'services', 'volumes', 'networks', 'secrets', 'configs']);
const SERVICE_KEYS = new Set(
  (
    'annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs ' +
    'container_name cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime ' +
    'cpu_shares cpus cpuset credential_spec depends_on deploy develop device_cgroup_rules devices ' +
    'dns dns_opt dns_search domainname entrypoint env_file environment expose extends ' +
    'external_links extra_hosts gpus group_add healthcheck hostname image init ipc isolation ' +
    'labels label_file links logging mac_address mem_limit mem_reservation mem_swappiness ' +
    'memswap_limit network_mode networks oom_kill_disable oom_score_adj pid pids_limit platform ' +
    'ports post_start pre_stop privileged profiles pull_policy read_only restart runtime scale ' +
    'secrets security_opt shm_size stdin_open stop_grace_period stop_signal storage_opt sysctls ' +
    'tmpfs tty ulimits user userns_mode uts volumes volumes_from working_dir'
  ).split(' '),
);
const HEALTHCHECK_KEYS = new Set([
  'test',
  'interval',
  'timeout',
  'retries',
  'start_period',
  'start_interval',
  'disable',
]);
const NETWORK_KEYS = new Set([
  'name',
  'driver',
  'driver_opts',
  'attachable',
  'enable_ipv6',
  'ipam',
  'internal',
  'labels',
  'external',
]);
const DEPENDS_ON_KEYS = new Set(['condition', 'restart', 'required']);
const CONDITIONS = new Set([
  'service_started',
  'service_healthy',
  'service_completed_successfully',
]);
const DURATION = /^(?:\d+(?:\.\d+)?(?:us|ms|s|m|h))+$/;
const PORT = /^(?:\d{1,3}(?:\.\d{1,3}){3}:)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/;
/** ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt}. */
const INTERPOLATION = /\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+])[^}]*)?\}/g;

const extraKeys = (value: unknown, allowed: ReadonlySet<string>): string[] =>
  Object.keys(mapOf(value)).filter((k) => !allowed.has(k) && !k.startsWith('x-'));

/** A service's environment as a map, from either the map or the ["K=V"] form. */
function environmentOf(service: YamlMap): Record<string, string> {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const [name = '', ...rest] = String(entry).split('=');
        return [name, rest.join('=')];
      }),
    );
  }
  return Object.fromEntries(Object.entries(mapOf(env)).map(([k, v]) => [k, String(v ?? '')]));
}

/** The Parley services: built from deploy/Dockerfile. */
const parleyServices = Object.entries(services).filter(
  ([, s]) => mapOf(mapOf(s).build).dockerfile === 'deploy/Dockerfile',
);

/** "15s" | "1m30s" -> milliseconds. */
function composeDurationMs(value: string): number {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, n, unit] of value.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)) {
    total += Number(n) * (units[unit ?? 's'] ?? 0);
  }
  return total;
}

/** The value compose would use when the variable is not set: "${X:-5000}" -> "5000". */
function composeDefault(value: string): string {
  return /^\$\{[A-Za-z_]\w*:?-([^}]*)\}$/.exec(value)?.[1] ?? value;
}

const SHUTDOWN_DRAIN_DEFAULT_MS = 3000;

describe('deploy/compose.yaml', () => {
  it('has only Compose top-level keys, and services that each have an image or a build', () => {
    expect(extraKeys(compose, TOP_LEVEL_KEYS)).toEqual([]);
    expect(Object.keys(services).length).toBeGreaterThan(0);
    for (const [name, service] of Object.entries(services)) {
      expect(isMap(service), name).toBe(true);
      expect(extraKeys(service, SERVICE_KEYS), name).toEqual([]);
      const s = mapOf(service);
      expect(typeof s.image === 'string' || isMap(s.build), `${name}: image or build`).toBe(true);
      if (s.restart !== undefined) {
        expect(String(s.restart), name).toMatch(
          /^(?:no|always|unless-stopped|on-failure(?::\d+)?)$/,
        );
      }
    }
  });

  it('has the Parley replicas, redis, coturn and nginx', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['parley-1', 'parley-2', 'redis', 'coturn', 'nginx']),
    );
    expect(parleyServices.map(([name]) => name)).toEqual(
      expect.arrayContaining(['parley-1', 'parley-2']),
    );
    // One image for every replica.
    expect(new Set(parleyServices.map(([, s]) => mapOf(s).image)).size).toBe(1);
    const redis = mapOf(services.redis);
    expect(String(redis.image)).toMatch(/^redis:7\b/);
    expect(String(mapOf(services.coturn).image)).toMatch(/^coturn\/coturn:/);
    expect(String(mapOf(services.nginx).image)).toMatch(/^nginx:/);
  });

  it('writes ports as strings, and no service both publishes ports and uses the host network', () => {
    for (const [name, service] of Object.entries(services)) {
      const s = mapOf(service);
      for (const key of ['ports', 'expose'] as const) {
        const list = s[key];
        if (list === undefined) continue;
        expect(Array.isArray(list), `${name}.${key}`).toBe(true);
        for (const port of list as unknown[]) {
          expect(typeof port, `${name}.${key}: ${String(port)}`).toBe('string');
          expect(port, `${name}.${key}`).toMatch(PORT);
        }
      }
      if (s.network_mode === 'host') {
        expect(s.ports, `${name}: host network publishes nothing`).toBeUndefined();
        expect(s.networks, `${name}: host network joins no network`).toBeUndefined();
      }
    }
    // Only nginx is reachable from outside (coturn uses the host network).
    const published = Object.entries(services).filter(([, s]) => mapOf(s).ports !== undefined);
    expect(published.map(([name]) => name)).toEqual(['nginx']);
  });

  it('gives every service a health check, Parley replicas on /readyz', () => {
    for (const [name, service] of Object.entries(services)) {
      const check = mapOf(mapOf(service).healthcheck);
      expect(extraKeys(check, HEALTHCHECK_KEYS), name).toEqual([]);
      expect(check.disable, name).not.toBe(true);
      const test = check.test;
      expect(Array.isArray(test) && ['CMD', 'CMD-SHELL'].includes(String(test[0])), name).toBe(
        true,
      );
      for (const key of ['interval', 'timeout', 'start_period', 'start_interval'] as const) {
        if (check[key] !== undefined)
          expect(String(check[key]), `${name}.${key}`).toMatch(DURATION);
      }
      if (check.retries !== undefined) expect(Number.isInteger(check.retries), name).toBe(true);
    }
    for (const [name, service] of parleyServices) {
      const test = mapOf(mapOf(service).healthcheck).test as unknown[];
      expect(test.map(String), name).toEqual(['CMD', 'node', 'deploy/healthcheck.mjs', '/readyz']);
    }
    const redisTest = mapOf(mapOf(services.redis).healthcheck).test as unknown[];
    expect(redisTest.join(' ')).toContain('redis-cli ping');
  });

  it('refers only to services and networks it defines', () => {
    const networks = mapOf(compose.networks);
    for (const [name, network] of Object.entries(networks)) {
      expect(extraKeys(network, NETWORK_KEYS), `network ${name}`).toEqual([]);
    }
    const volumes = mapOf(compose.volumes);
    for (const [name, service] of Object.entries(services)) {
      const s = mapOf(service);
      const used = Array.isArray(s.networks) ? s.networks : Object.keys(mapOf(s.networks));
      for (const n of used) expect(Object.keys(networks), `${name} network`).toContain(n);
      const deps = Array.isArray(s.depends_on)
        ? Object.fromEntries(s.depends_on.map((d) => [String(d), {}]))
        : mapOf(s.depends_on);
      for (const [dep, spec] of Object.entries(deps)) {
        expect(Object.keys(services), `${name} depends_on`).toContain(dep);
        expect(extraKeys(spec, DEPENDS_ON_KEYS), `${name} depends_on ${dep}`).toEqual([]);
        const condition = mapOf(spec).condition;
        if (condition !== undefined) expect(CONDITIONS.has(String(condition)), name).toBe(true);
      }
      for (const volume of (s.volumes as unknown[] | undefined) ?? []) {
        const source = String(volume).split(':')[0] ?? '';
        if (source.startsWith('.') || source.startsWith('/')) continue; // bind mount
        expect(Object.keys(volumes), `${name}: named volume ${source}`).toContain(source);
      }
    }
  });

  it('uses only well-formed ${...} interpolation, and requires the secrets', () => {
    const text = read('deploy/compose.yaml').replace(/#.*$/gm, '');
    const withoutValid = text.replace(INTERPOLATION, '');
    expect(withoutValid).not.toMatch(/\$\{/);
    for (const [name, service] of parleyServices) {
      const env = environmentOf(mapOf(service));
      expect(env.SESSION_SECRET, name).toMatch(/^\$\{SESSION_SECRET:\?.+\}$/);
      expect(env.TURN_SECRET, name).toMatch(/^\$\{TURN_SECRET:\?.+\}$/);
      // Secrets and tokens come from deploy/.env, never from this file.
      for (const [key, value] of Object.entries(env)) {
        if (isSecret(key)) {
          expect(value, `${name}.${key}`).toMatch(new RegExp(`^\\$\\{${key}(?:[:?+-]|\\})`));
        }
      }
    }
  });

  it('sets only variables the server reads on the Parley replicas', () => {
    const nodeIds = new Set<string>();
    for (const [name, service] of parleyServices) {
      const env = environmentOf(mapOf(service));
      // The extraction works: the variables every replica needs are there.
      expect(Object.keys(env), name).toEqual(
        expect.arrayContaining(['REDIS_URL', 'NODE_ID', 'SESSION_SECRET', 'TURN_URLS']),
      );
      expect(unknownOf(Object.keys(env)), name).toEqual([]);
      expect(env.REDIS_URL, name).toBe('redis://redis:6379');
      nodeIds.add(env.NODE_ID ?? '');
      expect(mapOf(mapOf(service).depends_on).redis, name).toEqual({
        condition: 'service_healthy',
      });
    }
    expect(nodeIds.size, 'each replica has its own NODE_ID').toBe(parleyServices.length);
  });

  it('stops a replica later than its drain ends', () => {
    for (const [name, service] of parleyServices) {
      const s = mapOf(service);
      const drain = Number(
        composeDefault(environmentOf(s).SHUTDOWN_DRAIN_MS ?? String(SHUTDOWN_DRAIN_DEFAULT_MS)),
      );
      expect(composeDurationMs(String(s.stop_grace_period ?? '10s')), name).toBeGreaterThan(drain);
    }
  });

  it('mounts nginx.conf, the certificates and the generated coturn config', () => {
    const nginxVolumes = (mapOf(services.nginx).volumes as unknown[]).map(String);
    expect(nginxVolumes).toContain('./nginx.conf:/etc/nginx/conf.d/default.conf:ro');
    expect(nginxVolumes).toContain('./certs:/etc/nginx/certs:ro');
    const coturn = mapOf(services.coturn);
    expect(coturn.network_mode).toBe('host');
    expect(coturn.command).toEqual(['-c', '/etc/parley/turn/turnserver.conf']);
    // npm run turn writes absolute pid and database paths: same path inside and out.
    expect(coturn.volumes).toEqual(['/etc/parley/turn:/etc/parley/turn']);
  });
});

// ---- parley.env.example -----------------------------------------------------

describe('deploy/parley.env.example', () => {
  const lines = read('deploy/parley.env.example').split('\n');
  const assignments = lines
    .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null);
  const names = assignments.map((m) => m[1] ?? '');

  it('is blank lines, comments and NAME=value lines only (systemd EnvironmentFile)', () => {
    const other = lines.filter((l) => l.trim() !== '' && !l.startsWith('#') && !/^\w+=/.test(l));
    expect(other).toEqual([]);
  });

  it('names only variables the server reads, each once', () => {
    expect(names).toEqual(expect.arrayContaining(['SESSION_SECRET', 'REDIS_URL', 'NODE_ID']));
    expect(unknownOf(names)).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    // Commented-out examples ("# NAME=value") must be real variables too.
    const commented = lines
      .map((l) => /^#\s*([A-Z][A-Z0-9_]*)=/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined);
    expect(unknownOf(commented)).toEqual([]);
  });

  it('ships no secret', () => {
    for (const [, name, value] of assignments) {
      if (isSecret(name ?? '')) expect(value, name).toBe('');
    }
  });
});

// ---- Dockerfile -------------------------------------------------------------

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Instructions with continuation lines joined and comments dropped. */
function dockerInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && current === '')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    const [op = '', ...rest] = current.trim().split(/\s+/);
    out.push({ op: op.toUpperCase(), args: rest.join(' ') });
    current = '';
  }
  return out;
}

/** `ENV A=1 B="x y"` or the legacy `ENV A 1` -> names. */
function envNames(args: string): string[] {
  if (!/^[A-Za-z_]\w*=/.test(args)) return [args.split(/\s+/)[0] ?? ''];
  return [...args.matchAll(/(?:^|\s)([A-Za-z_]\w*)=(?:"[^"]*"|'[^']*'|\S*)/g)].map(
    (m) => m[1] ?? '',
  );
}

/** A .dockerignore pattern as a regular expression on context-relative paths. */
function dockerignoreRegex(pattern: string): RegExp {
  const p = pattern.replace(/^\/+|\/+$/g, '');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] ?? '';
    if (c === '*' && p[i + 1] === '*') {
      re += p[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += p[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern that matches a directory excludes everything below it.
  return new RegExp(`^${re}(?:/.*)?$`);
}

function isIgnored(path: string, ignoreFile: string): boolean {
  let ignored = false;
  for (const raw of ignoreFile.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (dockerignoreRegex(negate ? line.slice(1) : line).test(path)) ignored = !negate;
  }
  return ignored;
}

describe('deploy/Dockerfile', () => {
  const instructions = dockerInstructions(read('deploy/Dockerfile'));
  const froms = instructions.filter((i) => i.op === 'FROM');
  const lastFrom = instructions.lastIndexOf(froms[froms.length - 1] as Instruction);
  const runtime = instructions.slice(lastFrom + 1);
  const build = instructions.slice(instructions.indexOf(froms[0] as Instruction), lastFrom);
  const ignoreFile = read('deploy/Dockerfile.dockerignore');

  it('builds in one stage and runs on node:20-bookworm-slim in another', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const args = Object.fromEntries(
      instructions
        .slice(0, instructions.indexOf(froms[0] as Instruction))
        .filter((i) => i.op === 'ARG')
        .map((i) => i.args.split('=') as [string, string]),
    );
    const image = (froms[froms.length - 1]?.args.split(/\s+/)[0] ?? '').replace(
      /^\$\{?(\w+)\}?$/,
      (_, name: string) => args[name] ?? name,
    );
    expect(image).toBe('node:20-bookworm-slim');
    const buildRuns = build.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(buildRuns).toContain('npm ci');
    expect(buildRuns).toContain('npm run build');
  });

  it('installs production dependencies only, and copies the three dist folders', () => {
    const runs = runtime.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
    const copies = runtime.filter((i) => i.op === 'COPY').map((i) => i.args);
    for (const pkg of ['protocol', 'server', 'web']) {
      expect(copies.some((c) => c.startsWith('--from=build') && c.includes(`${pkg}/dist`))).toBe(
        true,
      );
    }
  });

  it('runs as a non-root user, in production, on 0.0.0.0:3000', () => {
    const users = runtime.filter((i) => i.op === 'USER').map((i) => i.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users[users.length - 1]);
    const env = runtime.filter((i) => i.op === 'ENV').map((i) => i.args);
    expect(env.join(' ')).toMatch(/\bNODE_ENV=production\b/);
    expect(env.join(' ')).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(runtime.find((i) => i.op === 'EXPOSE')?.args).toBe('3000');
    expect(runtime.find((i) => i.op === 'CMD')?.args).toBe(
      '["node", "packages/server/dist/main.js"]',
    );
  });

  it('sets only variables the server reads', () => {
    const names = instructions.filter((i) => i.op === 'ENV').flatMap((i) => envNames(i.args));
    expect(names).toEqual(expect.arrayContaining(['NODE_ENV', 'HOST']));
    expect(unknownOf(names)).toEqual([]);
  });

  it('checks health on /healthz with node (the slim image has no curl)', () => {
    const check = runtime.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    expect(check).toContain('"node", "deploy/healthcheck.mjs", "/healthz"');
    expect(runtime.map((i) => i.args).join('\n')).not.toMatch(/\b(?:curl|wget)\b/);
  });

  it('copies from the context only files that exist and that the dockerignore keeps', () => {
    const sources = instructions
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
      .filter((s) => s !== '.' && !s.startsWith('--'));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(`${ROOT}${source}`), source).toBe(true);
      expect(isIgnored(source, ignoreFile), source).toBe(false);
    }
  });

  it('keeps build output, dependencies and secrets out of the build context', () => {
    for (const path of [
      'node_modules/vite/package.json',
      'packages/server/node_modules/x',
      'packages/server/dist/main.js',
      '.git/HEAD',
      '.parley/session-secret',
      '.certs/key.pem',
      '.turn/turnserver.conf',
      'deploy/.env',
      'deploy/certs/privkey.pem',
    ]) {
      expect(isIgnored(path, ignoreFile), path).toBe(true);
    }
    for (const path of ['packages/server/src/main.ts', 'tsconfig.base.json', '.npmrc']) {
      expect(isIgnored(path, ignoreFile), path).toBe(false);
    }
    expect(existsSync(`${ROOT}.dockerignore`), 'no .dockerignore at the root').toBe(false);
  });
});

describe('deploy/healthcheck.mjs', () => {
  function probe(path: string, port: number): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [`${ROOT}deploy/healthcheck.mjs`, path], {
        env: { PATH: process.env.PATH ?? '', PORT: String(port) },
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('exit', (code) => resolve(code));
    });
  }

  it('exits 0 on a 2xx answer that is not the web app, 1 otherwise', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/healthz') {
        res.setHeader('content-type', 'application/json');
        res.end('{"status":"ok"}');
      } else if (req.url === '/spa') {
        // What the server answers for a path it does not know: the web app.
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end('<!doctype html>');
      } else {
        res.statusCode = 503;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await probe('/healthz', port)).toBe(0);
      expect(await probe('/readyz', port)).toBe(1);
      expect(await probe('/spa', port)).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await probe('/healthz', port)).toBe(1); // nothing listening
  });
});

// ---- nginx.conf -------------------------------------------------------------

describe('deploy/nginx.conf', () => {
  const conf = read('deploy/nginx.conf').replace(/#.*$/gm, '');
  const block = (head: RegExp): string => {
    const start = conf.search(head);
    if (start < 0) return '';
    let depth = 0;
    for (let i = conf.indexOf('{', start); i < conf.length; i++) {
      if (conf[i] === '{') depth++;
      if (conf[i] === '}' && --depth === 0) return conf.slice(start, i + 1);
    }
    return '';
  };

  it('has balanced braces', () => {
    expect(conf.split('{').length).toBe(conf.split('}').length);
  });

  it('upgrades WebSockets', () => {
    expect(block(/map \$http_upgrade \$connection_upgrade\s*\{/)).toMatch(/default\s+upgrade;/);
    expect(conf).toMatch(/proxy_http_version 1\.1;/);
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    const socketIo = block(/location \/socket\.io\/\s*\{/);
    const timeout = /proxy_read_timeout (\d+)s;/.exec(socketIo)?.[1];
    expect(Number(timeout)).toBeGreaterThanOrEqual(300);
  });

  it('has a sticky upstream with exactly the Parley replicas of compose.yaml', () => {
    const upstream = block(/upstream parley\s*\{/);
    expect(upstream).toMatch(/\n\s*(?:hash \$remote_addr consistent|ip_hash);/);
    // The balancing method must come before keepalive, or nginx refuses the config.
    const sticky = upstream.search(/hash \$remote_addr|ip_hash/);
    const keepalive = upstream.search(/keepalive \d+;/);
    if (keepalive >= 0) expect(sticky).toBeLessThan(keepalive);
    const servers = [...upstream.matchAll(/\n\s*server ([\w.-]+):(\d+)/g)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    expect(servers.sort()).toEqual(parleyServices.map(([name]) => `${name}:3000`).sort());
    expect(conf).toMatch(/proxy_pass http:\/\/parley;/);
  });

  it('serves TLS 1.2+ on 443, redirects HTTP, forwards the client address and scheme', () => {
    expect(conf).toMatch(/listen 443 ssl;/);
    expect(/ssl_protocols ([^;]+);/.exec(conf)?.[1]?.split(/\s+/).sort()).toEqual([
      'TLSv1.2',
      'TLSv1.3',
    ]);
    expect(conf).toMatch(/ssl_certificate\s+\/etc\/nginx\/certs\//);
    expect(block(/server\s*\{\s*listen 80;/)).toMatch(/return 301 https:\/\/\$host\$request_uri;/);
    expect(conf).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
    expect(conf).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme;/);
    expect(conf).toMatch(/proxy_set_header Host \$http_host;/);
  });

  it('does not expose /metrics', () => {
    expect(block(/location \^~ \/metrics\s*\{/)).toMatch(/deny all;/);
  });
});

// ---- systemd ----------------------------------------------------------------

type Unit = Record<string, Record<string, string[]>>;

function parseUnit(text: string): Unit {
  const unit: Unit = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = head[1] ?? '';
      unit[section] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    ((unit[section] ??= {})[key] ??= []).push(line.slice(eq + 1));
  }
  return unit;
}

/** "15s" | "15" | "1min 30s" | "500ms" -> milliseconds. */
function systemdDurationMs(value: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, sec: 1000, min: 60_000, m: 60_000 };
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  let total = 0;
  for (const [, n, unit] of value.matchAll(/(\d+)\s*(ms|sec|min|s|m)\b/g)) {
    total += Number(n) * (units[unit ?? 's'] ?? 0);
  }
  return total;
}

/** `Environment=A=1 "B=two words"` -> names. */
const unitEnvNames = (values: readonly string[]): string[] =>
  values.flatMap((v) =>
    [...v.matchAll(/(?:^|\s)"?([A-Za-z_]\w*)=/g)].map((m) => m[1] ?? '').filter(Boolean),
  );

describe('deploy/systemd units', () => {
  const units = {
    parley: parseUnit(read('deploy/systemd/parley.service')),
    turn: parseUnit(read('deploy/systemd/parley-turn.service')),
  };
  const envDrain = /^SHUTDOWN_DRAIN_MS=(\d+)$/m.exec(read('deploy/parley.env.example'))?.[1];

  it.each(Object.entries(units))('%s: starts, restarts and is hardened', (_name, unit) => {
    const service = unit.Service ?? {};
    const one = (key: string): string | undefined => service[key]?.[service[key].length - 1];
    expect(one('ExecStart')).toMatch(/^\//);
    expect(one('DynamicUser') === 'yes' || (one('User') ?? '') !== '').toBe(true);
    expect(['root', '0']).not.toContain(one('User'));
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('Restart')).toBe('on-failure');
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(unit.Install?.WantedBy).toEqual(['multi-user.target']);
  });

  it('parley.service: reads /etc/parley/parley.env and outlasts the drain', () => {
    const service = units.parley.Service ?? {};
    expect(service.EnvironmentFile).toEqual(['/etc/parley/parley.env']);
    expect(service.ExecStart?.[0]).toMatch(
      /^\/usr\/bin\/node \/\S+\/packages\/server\/dist\/main\.js$/,
    );
    const drain = Number(envDrain ?? SHUTDOWN_DRAIN_DEFAULT_MS);
    expect(systemdDurationMs(service.TimeoutStopSec?.[0] ?? '90s')).toBeGreaterThan(drain);
  });

  it('parley-turn.service: runs coturn on the generated config', () => {
    expect(units.turn.Service?.ExecStart?.[0]).toMatch(
      /turnserver -c \/etc\/parley\/turn\/turnserver\.conf$/,
    );
    expect(units.turn.Service?.ReadWritePaths).toEqual(['/etc/parley/turn']);
  });

  it('sets only variables the server reads', () => {
    const names = Object.values(units).flatMap((u) => unitEnvNames(u.Service?.Environment ?? []));
    expect(names).toContain('NODE_ENV');
    expect(unknownOf(names)).toEqual([]);
  });
});

describe('deploy/ files', () => {
  it('keeps local secrets out of git', () => {
    const ignore = read('deploy/.gitignore').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['.env', 'certs/']));
    expect(statSync(`${ROOT}deploy/README.md`).isFile()).toBe(true);
  });
});
