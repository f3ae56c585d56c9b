import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_DOCS,
  CONFIG_VARIABLES,
  ConfigError,
  DEFAULT_WEB_DIST,
  loadConfig,
  parseOrigin,
} from './config.js';
import { TURN_TTL_MAX_SECONDS, TURN_TTL_MIN_SECONDS } from './turn/turnConfig.js';

const SECRET = 'x'.repeat(32);

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig defaults', () => {
  it('gives the documented defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      maxRoomSize: 8,
      meshMaxParticipants: 6,
      ringTimeoutMs: 30_000,
      allowedOrigins: null,
      rateLimit: { perSecond: 50, burst: 200 },
      tls: null,
      webDist: DEFAULT_WEB_DIST,
      logLevel: 'info',
      pingIntervalMs: 10_000,
      pingTimeoutMs: 10_000,
    });
    expect(c.turn).toMatchObject({ secret: null, turnUrls: [], stunUrls: [], ttlSeconds: 3600 });
    expect(DEFAULT_WEB_DIST.endsWith(join('packages', 'web', 'dist'))).toBe(true);
  });

  it('returns a frozen config', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.rateLimit)).toBe(true);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', TURN_SECRET: '  ', LOG_LEVEL: '' }).port).toBe(3000);
  });

  it('ignores unrelated variables', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' }).port).toBe(3000);
  });

  it('reads valid values', () => {
    const c = loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      MAX_ROOM_SIZE: '2',
      MESH_MAX_PARTICIPANTS: '12',
      RING_TIMEOUT_MS: '1000',
      ALLOWED_ORIGINS: 'https://App.example/, http://localhost:5173',
      RATE_LIMIT_PER_SEC: '5',
      RATE_LIMIT_BURST: '10',
      WEB_DIST: '/srv/parley/web',
      LOG_LEVEL: 'SILENT',
      PING_INTERVAL_MS: '2000',
      PING_TIMEOUT_MS: '3000',
      TURN_SECRET: SECRET,
      TURN_URLS: 'turn:turn.example:3478?transport=udp,turns:turn.example:5349',
      STUN_URLS: 'stun:turn.example:3478',
    });
    expect(c).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      maxRoomSize: 2,
      meshMaxParticipants: 12,
      ringTimeoutMs: 1000,
      allowedOrigins: ['https://app.example', 'http://localhost:5173'],
      rateLimit: { perSecond: 5, burst: 10 },
      webDist: '/srv/parley/web',
      logLevel: 'silent',
      pingIntervalMs: 2000,
      pingTimeoutMs: 3000,
    });
    expect(c.turn.secret).toBe(SECRET);
    expect(c.turn.turnUrls).toHaveLength(2);
    expect(c.turn.stunUrls).toEqual(['stun:turn.example:3478']);
  });
});

describe('loadConfig errors', () => {
  it.each([
    ['PORT', 'abc', 'PORT: must be an integer 0..65535, got "abc"'],
    ['PORT', '65536', 'PORT: must be an integer 0..65535, got "65536"'],
    ['PORT', '3.5', 'PORT: must be an integer 0..65535, got "3.5"'],
    ['MAX_ROOM_SIZE', '1', 'MAX_ROOM_SIZE: must be an integer 2..50, got "1"'],
    ['MAX_ROOM_SIZE', '51', 'MAX_ROOM_SIZE: must be an integer 2..50, got "51"'],
    ['MESH_MAX_PARTICIPANTS', '13', 'MESH_MAX_PARTICIPANTS: must be an integer 2..12, got "13"'],
    ['RING_TIMEOUT_MS', '999', 'RING_TIMEOUT_MS: must be an integer 1000..300000, got "999"'],
    ['RATE_LIMIT_PER_SEC', '0', 'RATE_LIMIT_PER_SEC: must be an integer 1..10000, got "0"'],
    ['RATE_LIMIT_BURST', 'lots', 'RATE_LIMIT_BURST: must be an integer 1..100000, got "lots"'],
    ['PING_INTERVAL_MS', '10', 'PING_INTERVAL_MS: must be an integer 1000..120000, got "10"'],
    ['PING_TIMEOUT_MS', '1e4', 'PING_TIMEOUT_MS: must be an integer 1000..120000, got "1e4"'],
    ['HOST', 'bad host', 'HOST: must be a host name or IP address, got "bad host"'],
    [
      'LOG_LEVEL',
      'loud',
      'LOG_LEVEL: must be one of fatal|error|warn|info|debug|trace|silent, got "loud"',
    ],
    [
      'ALLOWED_ORIGINS',
      'https://ok.example,https://x.example/path',
      'ALLOWED_ORIGINS: "https://x.example/path" is not an origin like https://app.example or http://localhost:5173',
    ],
    [
      'ALLOWED_ORIGINS',
      '*',
      'ALLOWED_ORIGINS: "*" is not an origin like https://app.example or http://localhost:5173',
    ],
    ['STUN_URLS', 'http://stun.example', 'STUN_URLS: each entry must be a stun: URL'],
    [
      'TURN_TTL_SECONDS',
      'abc',
      'TURN_TTL_SECONDS: must be a positive integer number of seconds, got "abc"',
    ],
  ])('%s=%s is refused with a clear message', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('lists every bad variable at once', () => {
    const problems = problemsOf({
      PORT: 'abc',
      MAX_ROOM_SIZE: '100',
      LOG_LEVEL: 'chatty',
      TURN_SECRET: 'short',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(
      ['LOG_LEVEL', 'MAX_ROOM_SIZE', 'PORT', 'TURN_SECRET'].sort(),
    );
    const err = (() => {
      try {
        loadConfig({ PORT: 'abc', LOG_LEVEL: 'chatty' });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err?.message).toMatch(/PORT: .*\n.*LOG_LEVEL: /s);
  });

  it('refuses a TURN secret under 32 bytes and never echoes it', () => {
    const problems = problemsOf({ TURN_SECRET: 'tooshort-secret' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^TURN_SECRET: must be at least 32 bytes/);
    expect(problems.join('\n')).not.toContain('tooshort-secret');
  });

  it('multi-node settings: REDIS_URL (never echoed), REDIS_PREFIX, NODE_ID, METRICS_TOKEN', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://:pw@127.0.0.1:6379/0',
      NODE_ID: 'eu-1.a',
      METRICS_TOKEN: 'scrape-token',
    });
    expect(config.redis).toEqual({ url: 'redis://:pw@127.0.0.1:6379/0', prefix: 'parley:' });
    expect(config.nodeId).toBe('eu-1.a');
    expect(config.metrics.token).toBe('scrape-token');
    const defaults = loadConfig({});
    expect(defaults.redis).toBeNull();
    expect(defaults.nodeId).toMatch(/^node-[0-9a-f]{8}$/);
    expect(defaults.metrics.token).toBeNull();
    const problems = problemsOf({
      REDIS_URL: 'http://:hunter2@example/',
      REDIS_PREFIX: 'has space',
      NODE_ID: 'a/b',
    });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('requires TURN_SECRET when TURN_URLS is set', () => {
    expect(problemsOf({ TURN_URLS: 'turn:t.example:3478' })[0]).toMatch(
      /^TURN_SECRET: TURN_URLS is set, so TURN_SECRET is required/,
    );
  });

  it('clamps the TURN TTL instead of refusing it', () => {
    expect(loadConfig({ TURN_TTL_SECONDS: '999999999' }).turn.ttlSeconds).toBe(
      TURN_TTL_MAX_SECONDS,
    );
    expect(loadConfig({ TURN_TTL_SECONDS: '5' }).turn.ttlSeconds).toBe(TURN_TTL_MIN_SECONDS);
    expect(loadConfig({ TURN_TTL_SECONDS: '600' }).turn.ttlSeconds).toBe(600);
  });

  describe('TLS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-config-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const notPem = join(dir, 'not.pem');
    writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    writeFileSync(notPem, 'hello');

    it('reads both files', () => {
      const c = loadConfig({ TLS_CERT: cert, TLS_KEY: key });
      expect(c.tls?.certPath).toBe(cert);
      expect(c.tls?.cert).toContain('BEGIN CERTIFICATE');
      expect(c.tls?.key).toContain('BEGIN PRIVATE KEY');
    });

    it('needs both or neither', () => {
      expect(problemsOf({ TLS_CERT: cert })).toEqual([
        'TLS_KEY: must be set together with TLS_CERT (set both for HTTPS, or neither)',
      ]);
      expect(problemsOf({ TLS_KEY: key })[0]).toMatch(
        /^TLS_CERT: must be set together with TLS_KEY/,
      );
    });

    it('refuses a missing or non-PEM file', () => {
      const missing = join(dir, 'missing.pem');
      expect(problemsOf({ TLS_CERT: missing, TLS_KEY: key })).toEqual([
        `TLS_CERT: cannot read "${missing}" (ENOENT)`,
      ]);
      expect(problemsOf({ TLS_CERT: cert, TLS_KEY: notPem })).toEqual([
        `TLS_KEY: "${notPem}" is not a PEM file`,
      ]);
    });
  });
});

describe('CONFIG_DOCS', () => {
  it('documents every variable loadConfig reads, and nothing else', () => {
    expect(CONFIG_DOCS.map((d) => d.name).sort()).toEqual([...CONFIG_VARIABLES].sort());
    for (const doc of CONFIG_DOCS) {
      expect(doc.description.length).toBeGreaterThan(10);
      expect(doc.default.length).toBeGreaterThan(0);
    }
  });

  it('states the defaults loadConfig applies', () => {
    const c = loadConfig({});
    const def = (name: string) => CONFIG_DOCS.find((d) => d.name === name)?.default;
    expect(def('PORT')).toBe(String(c.port));
    expect(def('HOST')).toBe(c.host);
    expect(def('MAX_ROOM_SIZE')).toBe(String(c.maxRoomSize));
    expect(def('MESH_MAX_PARTICIPANTS')).toBe(String(c.meshMaxParticipants));
    expect(def('RING_TIMEOUT_MS')).toBe(String(c.ringTimeoutMs));
    expect(def('RATE_LIMIT_PER_SEC')).toBe(String(c.rateLimit.perSecond));
    expect(def('RATE_LIMIT_BURST')).toBe(String(c.rateLimit.burst));
    expect(def('LOG_LEVEL')).toBe(c.logLevel);
    expect(def('PING_INTERVAL_MS')).toBe(String(c.pingIntervalMs));
    expect(def('PING_TIMEOUT_MS')).toBe(String(c.pingTimeoutMs));
    expect(def('TURN_TTL_SECONDS')).toBe(String(c.turn.ttlSeconds));
    expect(def('TURN_REALM')).toBe(c.turn.realm);
  });
});

describe('parseOrigin', () => {
  it.each([
    ['https://app.example', 'https://app.example'],
    ['https://App.Example:443/', 'https://app.example'],
    ['http://localhost:5173', 'http://localhost:5173'],
    ['https://app.example/path', null],
    ['https://app.example?x=1', null],
    ['ftp://app.example', null],
    ['null', null],
    ['app.example', null],
    ['https://user:pw@app.example', null],
  ])('%s -> %s', (input, expected) => {
    expect(parseOrigin(input)).toBe(expected);
  });
});

describe('session settings (resume)', () => {
  it('defaults: no secret (development file), 15 s grace, 4 s after pagehide, 3 s drain', () => {
    expect(loadConfig({}).session).toMatchObject({
      secret: null,
      resumeGraceMs: 15_000,
      closedTabGraceMs: 4000,
      drainMs: 3000,
    });
  });

  it('takes a SESSION_SECRET of at least 32 bytes and never echoes a short one', () => {
    expect(loadConfig({ SESSION_SECRET: SECRET }).session.secret?.toString()).toBe(SECRET);
    const problems = problemsOf({ SESSION_SECRET: 'short-secret-value' });
    expect(problems).toEqual([expect.stringMatching(/^SESSION_SECRET: must be at least 32 bytes/)]);
    expect(problems.join()).not.toContain('short-secret-value');
  });

  it('production refuses to start without SESSION_SECRET', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^SESSION_SECRET: required when NODE_ENV=production/),
    ]);
    expect(
      loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET }).session.secret,
    ).not.toBeNull();
  });

  it('the closed-tab grace may not exceed the resume grace; the test hook is refused in production', () => {
    expect(problemsOf({ RESUME_GRACE_MS: '2000', CLOSED_TAB_GRACE_MS: '3000' })).toEqual([
      'CLOSED_TAB_GRACE_MS: must not be longer than RESUME_GRACE_MS',
    ]);
    expect(loadConfig({ TEST_DROP_ANSWER: '2' }).testHooks.dropAnswer).toBe(2);
    expect(
      problemsOf({ NODE_ENV: 'production', SESSION_SECRET: SECRET, TEST_DROP_ANSWER: '2' }),
    ).toEqual(['TEST_DROP_ANSWER: a test hook, refused when NODE_ENV=production']);
  });
});
