import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { TurnEnvSchema, turnConfigFromEnv, type TurnConfig } from './turn/turnConfig.js';

/**
 * Server configuration, read from environment variables once at start-up
 * (`main.ts` is the only reader of process.env). Every variable is validated;
 * a bad value stops the server with a message naming every bad variable,
 * instead of running with a surprise default.
 *
 * An empty value (`PORT=`) counts as unset, as docker-compose and systemd
 * produce those for variables that are declared but not filled in.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface TlsConfig {
  readonly certPath: string;
  readonly keyPath: string;
  /** PEM contents, read at start-up so a missing file fails fast. */
  readonly cert: string;
  readonly key: string;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly maxRoomSize: number;
  readonly meshMaxParticipants: number;
  readonly ringTimeoutMs: number;
  /** Extra allowed browser origins (normalised); null = same origin only. */
  readonly allowedOrigins: readonly string[] | null;
  /** Origins that may embed the web app in an iframe besides our own; null = ours only. */
  readonly frameAncestors: readonly string[] | null;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  readonly tls: TlsConfig | null;
  readonly webDist: string;
  readonly logLevel: LogLevel;
  readonly pingIntervalMs: number;
  readonly pingTimeoutMs: number;
  readonly turn: TurnConfig;
  readonly session: SessionConfig;
  readonly joinTokens: JoinTokenConfig;
  /** REDIS_URL set: a multi-node deployment sharing state in Redis; null = one process, in memory. */
  readonly redis: RedisConfig | null;
  /** This node's name (NODE_ID, or random per start). */
  readonly nodeId: string;
  readonly metrics: MetricsConfig;
  /** INSTANT_ANSWER: members of a ringing call may exchange SDP/ICE (no media) before accept. */
  readonly instantAnswer: boolean;
  /** Test-only fault hooks (refused when NODE_ENV=production). */
  readonly testHooks: TestHooksConfig;
}

export interface JoinTokenConfig {
  /** JOIN_TOKEN_SECRET (HS256 key); null = this server takes no join tokens. */
  readonly secret: Buffer | null;
  /** REQUIRE_JOIN_TOKEN=1: every join (and room check) needs a valid token for that room. */
  readonly required: boolean;
}

export interface RedisConfig {
  readonly url: string;
  /** Prefix of every key and stream (REDIS_PREFIX). */
  readonly prefix: string;
}

export interface MetricsConfig {
  /** METRICS_TOKEN: the bearer token GET /metrics needs; null = open. */
  readonly token: string | null;
}

export interface TestHooksConfig {
  /** Drop the Nth SDP answer this process relays (once), to test a lost answer. */
  readonly dropAnswer: number | null;
  /** Rewrite the DTLS fingerprint of every relayed description (a key swap in the middle). */
  readonly rewriteFingerprint: boolean;
}

export interface SessionConfig {
  /** SESSION_SECRET; null = development: main.ts uses (or creates) `secretFile`. */
  readonly secret: Buffer | null;
  readonly secretFile: string;
  /** How long a dropped member keeps seat and call before it counts as gone. */
  readonly resumeGraceMs: number;
  /** The same after its page said it was going away (pagehide): a closed tab. */
  readonly closedTabGraceMs: number;
  /** SIGTERM: how long in-flight requests may take before the server exits. */
  readonly drainMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Default web app location: packages/web/dist, from both src/ and dist/. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
/** Development SESSION_SECRET file: in the repository, ignored by git (.gitignore). */
export const DEFAULT_SESSION_SECRET_FILE = fileURLToPath(
  new URL('../../../.parley/session-secret', import.meta.url),
);
/** SESSION_SECRET must have at least this many bytes (HMAC-SHA256 key). */
export const SESSION_SECRET_MIN_BYTES = 32;

export interface ConfigDoc {
  readonly name: string;
  readonly default: string;
  readonly description: string;
}

/** One row per environment variable, for the README table. */
export const CONFIG_DOCS: readonly ConfigDoc[] = Object.freeze([
  {
    name: 'PORT',
    default: '3000',
    description: 'TCP port for HTTP(S) and Socket.IO (0 = any free port).',
  },
  {
    name: 'HOST',
    default: '127.0.0.1',
    description: 'Address to listen on; 0.0.0.0 to accept connections from other machines.',
  },
  {
    name: 'MAX_ROOM_SIZE',
    default: '8',
    description: 'Participants per room (2..50); one more gets ROOM_FULL.',
  },
  {
    name: 'MESH_MAX_PARTICIPANTS',
    default: '6',
    description:
      'Members per group (mesh) call, ringing invitees included (2..12); one more gets CALL_FULL.',
  },
  {
    name: 'RING_TIMEOUT_MS',
    default: '30000',
    description: 'How long a call rings (1000..300000 ms) before it ends as missed.',
  },
  {
    name: 'ALLOWED_ORIGINS',
    default: '(unset)',
    description:
      'Comma-separated browser origins (https://app.example) allowed to connect besides the origin of this server. Unset: same origin only. Clients that send no Origin header (not browsers) are allowed.',
  },
  {
    name: 'FRAME_ANCESTORS',
    default: '(unset)',
    description:
      "Comma-separated origins (https://clinic.example) allowed to embed the web app in an iframe (CSP frame-ancestors, with 'self'). Unset: only this server's own pages may frame it.",
  },
  {
    name: 'RATE_LIMIT_PER_SEC',
    default: '50',
    description: 'Messages per second one connection may send on average (token bucket refill).',
  },
  {
    name: 'RATE_LIMIT_BURST',
    default: '200',
    description: 'Messages one connection may send in a burst (token bucket size).',
  },
  {
    name: 'TLS_CERT',
    default: '(unset)',
    description:
      'PEM certificate file; with TLS_KEY, serves HTTPS/WSS on PORT. Set both or neither.',
  },
  { name: 'TLS_KEY', default: '(unset)', description: 'PEM private key file for TLS_CERT.' },
  {
    name: 'WEB_DIST',
    default: 'packages/web/dist',
    description: 'Directory of the built web app (index.html and assets).',
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    description: `Log level: ${LOG_LEVELS.join(' | ')}. SDP and ICE candidates are never logged.`,
  },
  {
    name: 'PING_INTERVAL_MS',
    default: '10000',
    description:
      'Socket.IO heartbeat interval (1000..120000 ms). A dead tab is dropped after PING_INTERVAL_MS + PING_TIMEOUT_MS.',
  },
  {
    name: 'PING_TIMEOUT_MS',
    default: '10000',
    description: 'How long (1000..120000 ms) to wait for a heartbeat answer.',
  },
  {
    name: 'SESSION_SECRET',
    default: '(dev: generated file)',
    description:
      'Key (>= 32 bytes) that signs resume tokens, so a restarted server takes its members back. Required when NODE_ENV=production; otherwise generated once into SESSION_SECRET_FILE.',
  },
  {
    name: 'SESSION_SECRET_FILE',
    default: '.parley/session-secret',
    description:
      'Where the development SESSION_SECRET is kept (created with mode 0600 when missing; ignored by git).',
  },
  {
    name: 'NODE_ENV',
    default: '(unset)',
    description: 'production: refuse to start without SESSION_SECRET.',
  },
  {
    name: 'RESUME_GRACE_MS',
    default: '15000',
    description:
      'How long (1000..600000 ms) a member whose connection dropped keeps its seat and call as "reconnecting" before the others see it leave.',
  },
  {
    name: 'CLOSED_TAB_GRACE_MS',
    default: '4000',
    description:
      'The same (500..60000 ms, at most RESUME_GRACE_MS) after the page said it was going away (pagehide): a reload resumes within it, a closed tab is seen gone after it.',
  },
  {
    name: 'SHUTDOWN_DRAIN_MS',
    default: '3000',
    description:
      'On SIGTERM/SIGINT: clients are told to reconnect, new joins are refused, and requests in flight get up to this long (0..60000 ms) before the server exits 0.',
  },
  {
    name: 'TEST_REWRITE_FINGERPRINT',
    default: '0',
    description:
      'Tests only (refused when NODE_ENV=production): 1 rewrites the DTLS fingerprint in every relayed SDP, as a man in the middle would, so that the safety codes differ.',
  },
  {
    name: 'JOIN_TOKEN_SECRET',
    default: '(unset)',
    description:
      'HS256 key (>= 32 bytes) of the join tokens an embedding app mints (npm run token). Set: clients may join with a token (room, name, role); never logged.',
  },
  {
    name: 'REQUIRE_JOIN_TOKEN',
    default: '0',
    description:
      '1: every join and room check needs a valid join token for that room (needs JOIN_TOKEN_SECRET).',
  },
  {
    name: 'TEST_DROP_ANSWER',
    default: '(unset)',
    description:
      'Tests only (refused when NODE_ENV=production): drop the Nth SDP answer this server relays, once, to prove that a lost answer is recovered.',
  },
  {
    name: 'TURN_SECRET',
    default: '(unset)',
    description:
      'coturn static-auth-secret (>= 32 bytes) used to mint short-lived TURN credentials. Required when TURN_URLS is set.',
  },
  {
    name: 'TURN_URLS',
    default: '(unset)',
    description: 'Comma-separated turn:/turns: URLs handed to joined participants.',
  },
  {
    name: 'STUN_URLS',
    default: '(unset)',
    description: 'Comma-separated stun: URLs handed to joined participants.',
  },
  {
    name: 'TURN_TTL_SECONDS',
    default: '3600',
    description: 'TURN credential lifetime; clamped to 60..86400 s.',
  },
  { name: 'TURN_REALM', default: 'parley', description: 'coturn realm (used by npm run turn).' },
  {
    name: 'INSTANT_ANSWER',
    default: '1',
    description:
      '1: while a call rings, its members already connect (ICE candidates and the DTLS handshake cross, no media is sent) so media flows as soon as it is accepted. 0: nothing crosses between them before accept.',
  },
  {
    name: 'REDIS_URL',
    default: '(unset: in memory)',
    description:
      "redis:// or rediss:// URL. Set: every node with the same REDIS_URL (and REDIS_PREFIX) is one deployment: rooms, calls and chat live in Redis, messages cross nodes through Socket.IO's Redis Streams adapter. Unset: one process, state in memory.",
  },
  {
    name: 'REDIS_PREFIX',
    default: 'parley:',
    description:
      'Prefix of every Redis key (and stream) this deployment uses, so several share one Redis.',
  },
  {
    name: 'NODE_ID',
    default: '(random per start)',
    description:
      "This node's name in a multi-node deployment (logs, metrics, its heartbeat key); 1..64 of A-Z a-z 0-9 . _ -.",
  },
  {
    name: 'METRICS_TOKEN',
    default: '(unset: open)',
    description:
      'Set: GET /metrics needs "Authorization: Bearer <token>" (401 otherwise). Unset: /metrics is open (bind HOST to a private address or put it behind the proxy).',
  },
]);

// ---- schema -----------------------------------------------------------------

const show = (raw: string) => JSON.stringify(raw);

/** Integer in [min, max]; the message states the range and the bad value. */
const intVar = (min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const s = raw.trim();
      const n = Number(s);
      if (!/^[+-]?\d+$/.test(s) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be an integer ${min}..${max}, got ${show(raw)}`,
        });
        return z.NEVER;
      }
      return n;
    });

const hostVar = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined) return '127.0.0.1';
    const s = raw.trim();
    if (!/^[A-Za-z0-9.:[\]_-]+$/.test(s)) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a host name or IP address, got ${show(raw)}`,
      });
      return z.NEVER;
    }
    return s;
  });

/** "https://a.example, http://localhost:5173" -> normalised origins. */
const originsVar = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined) return null;
    const entries = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const origins: string[] = [];
    for (const entry of entries) {
      const origin = parseOrigin(entry);
      if (origin === null) {
        ctx.addIssue({
          code: 'custom',
          message: `${show(entry)} is not an origin like https://app.example or http://localhost:5173`,
        });
      } else {
        origins.push(origin);
      }
    }
    return origins.length > 0 ? origins : null;
  });

/** A pem file that exists, is readable and looks like PEM; returns its contents. */
const pemFileVar = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined) return null;
    const path = resolve(raw.trim());
    let contents: string;
    try {
      contents = readFileSync(path, 'utf8');
    } catch (err) {
      const reason = err instanceof Error && 'code' in err ? String(err.code) : 'unreadable';
      ctx.addIssue({ code: 'custom', message: `cannot read ${show(path)} (${reason})` });
      return z.NEVER;
    }
    if (!contents.includes('-----BEGIN ')) {
      ctx.addIssue({ code: 'custom', message: `${show(path)} is not a PEM file` });
      return z.NEVER;
    }
    return { path, contents };
  });

const ServerEnvSchema = z.object({
  /** TCP port for HTTP(S) + Socket.IO. */
  PORT: intVar(0, 65535, 3000),
  /** Listen address; loopback by default so a dev server is not exposed. */
  HOST: hostVar,
  /** Participants per room. */
  MAX_ROOM_SIZE: intVar(2, 50, 8),
  /** Members per mesh call, ringing invitees included (each member sends N-1 streams). */
  MESH_MAX_PARTICIPANTS: intVar(2, 12, 6),
  /** Ring duration before a call ends as 'missed'. */
  RING_TIMEOUT_MS: intVar(1000, 300_000, 30_000),
  /** Extra browser origins allowed to open a socket (CSWSH protection). */
  ALLOWED_ORIGINS: originsVar,
  /** Who may frame the web app (CSP frame-ancestors). */
  FRAME_ANCESTORS: originsVar,
  /** Token bucket per socket: refill rate ... */
  RATE_LIMIT_PER_SEC: intVar(1, 10_000, 50),
  /** ... and size. */
  RATE_LIMIT_BURST: intVar(1, 100_000, 200),
  /** HTTPS on the same port when both are set (getUserMedia needs a secure context off localhost). */
  TLS_CERT: pemFileVar,
  TLS_KEY: pemFileVar,
  /** Built web app served at / with an SPA fallback. */
  WEB_DIST: z
    .string()
    .optional()
    .transform((raw) => (raw === undefined ? DEFAULT_WEB_DIST : resolve(raw.trim()))),
  /** pino level. */
  LOG_LEVEL: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return 'info' as const;
      const level = raw.trim().toLowerCase();
      if (!(LOG_LEVELS as readonly string[]).includes(level)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be one of ${LOG_LEVELS.join('|')}, got ${show(raw)}`,
        });
        return z.NEVER;
      }
      return level as LogLevel;
    }),
  /** Socket.IO heartbeat: 10 s + 10 s means a dead tab frees its seat within 20 s. */
  PING_INTERVAL_MS: intVar(1000, 120_000, 10_000),
  PING_TIMEOUT_MS: intVar(1000, 120_000, 10_000),
  /** Resume-token key; see SessionConfig. Never printed. */
  SESSION_SECRET: z.string().optional(),
  SESSION_SECRET_FILE: z
    .string()
    .optional()
    .transform((raw) => (raw === undefined ? DEFAULT_SESSION_SECRET_FILE : resolve(raw.trim()))),
  NODE_ENV: z.string().optional(),
  RESUME_GRACE_MS: intVar(1000, 600_000, 15_000),
  CLOSED_TAB_GRACE_MS: intVar(500, 60_000, 4000),
  SHUTDOWN_DRAIN_MS: intVar(0, 60_000, 3000),
  JOIN_TOKEN_SECRET: z.string().optional(),
  TEST_REWRITE_FINGERPRINT: z.enum(['0', '1']).optional(),
  REQUIRE_JOIN_TOKEN: z.enum(['0', '1']).optional(),
  REDIS_URL: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return null;
      const s = raw.trim();
      const url = URL.canParse(s) ? new URL(s) : null;
      if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) {
        // Never echo the value: a Redis URL may carry a password.
        ctx.addIssue({
          code: 'custom',
          message: 'must be a redis:// or rediss:// URL with a host',
        });
        return z.NEVER;
      }
      return s;
    }),
  REDIS_PREFIX: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return 'parley:';
      if (!/^[A-Za-z0-9:._-]{1,32}$/.test(raw)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be 1..32 of A-Z a-z 0-9 : . _ -, got ${show(raw)}`,
        });
        return z.NEVER;
      }
      return raw;
    }),
  NODE_ID: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return null;
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(raw)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be 1..64 of A-Z a-z 0-9 . _ -, got ${show(raw)}`,
        });
        return z.NEVER;
      }
      return raw;
    }),
  METRICS_TOKEN: z.string().optional(),
  INSTANT_ANSWER: z.enum(['0', '1']).optional(),
  TEST_DROP_ANSWER: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return null;
      const n = Number(raw.trim());
      if (!Number.isInteger(n) || n < 1 || n > 1000) {
        ctx.addIssue({ code: 'custom', message: `must be an integer 1..1000, got ${show(raw)}` });
        return z.NEVER;
      }
      return n;
    }),
});

/** Variables whose value must never appear in an error message. */
const SECRET_VARS = new Set([
  'TURN_SECRET',
  'SESSION_SECRET',
  'JOIN_TOKEN_SECRET',
  'METRICS_TOKEN',
  'REDIS_URL',
]);

/** Friendlier wording than zod's defaults for the TURN schema's plain checks. */
const TURN_MESSAGES: Record<string, string> = {
  TURN_TTL_SECONDS: 'must be a positive integer number of seconds',
  TURN_REALM: 'must be 1..128 characters',
};

/** "https://App.example:443/" -> "https://app.example"; null if not a bare http(s) origin. */
export function parseOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const bare =
    url.pathname === '/' &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === '' &&
    !value.includes('?') &&
    !value.includes('#');
  return bare ? url.origin : null;
}

function formatIssues(issues: readonly z.core.$ZodIssue[], env: Record<string, string>): string[] {
  return issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    if (issue.code === 'custom') return `${name}: ${issue.message}`;
    // zod's own wording: make it ours and show the offending value (never a secret).
    let message = TURN_MESSAGES[name] ?? issue.message;
    const raw = env[name];
    if (raw !== undefined && !SECRET_VARS.has(name)) message += `, got ${show(raw)}`;
    return `${name}: ${message}`;
  });
}

/**
 * Parse and validate the environment. Pure apart from reading the TLS files
 * (their readability is part of validity). Throws ConfigError listing every
 * problem at once.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const known = [...Object.keys(ServerEnvSchema.shape), ...Object.keys(TurnEnvSchema.shape)];
  const clean: Record<string, string> = {};
  for (const name of known) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') clean[name] = value;
  }

  const server = ServerEnvSchema.safeParse(clean);
  const turn = TurnEnvSchema.safeParse(clean);
  const problems = [
    ...(server.success ? [] : formatIssues(server.error.issues, clean)),
    ...(turn.success ? [] : formatIssues(turn.error.issues, clean)),
  ];
  if ((clean.TLS_CERT === undefined) !== (clean.TLS_KEY === undefined)) {
    const [set, unset] =
      clean.TLS_CERT === undefined ? ['TLS_KEY', 'TLS_CERT'] : ['TLS_CERT', 'TLS_KEY'];
    problems.push(`${unset}: must be set together with ${set} (set both for HTTPS, or neither)`);
  }
  const sessionSecret = clean.SESSION_SECRET;
  if (sessionSecret !== undefined && Buffer.byteLength(sessionSecret) < SESSION_SECRET_MIN_BYTES) {
    problems.push(
      `SESSION_SECRET: must be at least ${SESSION_SECRET_MIN_BYTES} bytes (e.g. openssl rand -hex 32)`,
    );
  } else if (sessionSecret === undefined && clean.NODE_ENV?.trim() === 'production') {
    problems.push(
      'SESSION_SECRET: required when NODE_ENV=production (at least 32 bytes, e.g. openssl rand -hex 32)',
    );
  }
  if (server.success && server.data.CLOSED_TAB_GRACE_MS > server.data.RESUME_GRACE_MS) {
    problems.push('CLOSED_TAB_GRACE_MS: must not be longer than RESUME_GRACE_MS');
  }
  const joinSecret = clean.JOIN_TOKEN_SECRET;
  if (joinSecret !== undefined && Buffer.byteLength(joinSecret) < SESSION_SECRET_MIN_BYTES) {
    problems.push(
      `JOIN_TOKEN_SECRET: must be at least ${SESSION_SECRET_MIN_BYTES} bytes (e.g. openssl rand -hex 32)`,
    );
  }
  if (clean.REQUIRE_JOIN_TOKEN?.trim() === '1' && joinSecret === undefined) {
    problems.push('REQUIRE_JOIN_TOKEN: needs JOIN_TOKEN_SECRET to verify the tokens');
  }
  if (clean.TEST_REWRITE_FINGERPRINT === '1' && clean.NODE_ENV?.trim() === 'production') {
    problems.push('TEST_REWRITE_FINGERPRINT: a test hook, refused when NODE_ENV=production');
  }
  if (clean.TEST_DROP_ANSWER !== undefined && clean.NODE_ENV?.trim() === 'production') {
    problems.push('TEST_DROP_ANSWER: a test hook, refused when NODE_ENV=production');
  }
  if (problems.length > 0 || !server.success || !turn.success) throw new ConfigError(problems);

  const s = server.data;
  const tls =
    s.TLS_CERT !== null && s.TLS_KEY !== null
      ? Object.freeze({
          certPath: s.TLS_CERT.path,
          keyPath: s.TLS_KEY.path,
          cert: s.TLS_CERT.contents,
          key: s.TLS_KEY.contents,
        })
      : null;

  return Object.freeze({
    port: s.PORT,
    host: s.HOST,
    maxRoomSize: s.MAX_ROOM_SIZE,
    meshMaxParticipants: s.MESH_MAX_PARTICIPANTS,
    ringTimeoutMs: s.RING_TIMEOUT_MS,
    allowedOrigins: s.ALLOWED_ORIGINS === null ? null : Object.freeze([...s.ALLOWED_ORIGINS]),
    frameAncestors: s.FRAME_ANCESTORS === null ? null : Object.freeze([...s.FRAME_ANCESTORS]),
    rateLimit: Object.freeze({ perSecond: s.RATE_LIMIT_PER_SEC, burst: s.RATE_LIMIT_BURST }),
    tls,
    webDist: s.WEB_DIST,
    logLevel: s.LOG_LEVEL,
    pingIntervalMs: s.PING_INTERVAL_MS,
    pingTimeoutMs: s.PING_TIMEOUT_MS,
    turn: turnConfigFromEnv(turn.data),
    session: Object.freeze({
      secret: sessionSecret === undefined ? null : Buffer.from(sessionSecret, 'utf8'),
      secretFile: s.SESSION_SECRET_FILE,
      resumeGraceMs: s.RESUME_GRACE_MS,
      closedTabGraceMs: s.CLOSED_TAB_GRACE_MS,
      drainMs: s.SHUTDOWN_DRAIN_MS,
    }),
    joinTokens: Object.freeze({
      secret: joinSecret === undefined ? null : Buffer.from(joinSecret, 'utf8'),
      required: s.REQUIRE_JOIN_TOKEN === '1',
    }),
    redis:
      s.REDIS_URL === null ? null : Object.freeze({ url: s.REDIS_URL, prefix: s.REDIS_PREFIX }),
    nodeId: s.NODE_ID ?? `node-${randomBytes(4).toString('hex')}`,
    metrics: Object.freeze({ token: s.METRICS_TOKEN ?? null }),
    instantAnswer: s.INSTANT_ANSWER !== '0',
    testHooks: Object.freeze({
      dropAnswer: s.TEST_DROP_ANSWER,
      rewriteFingerprint: s.TEST_REWRITE_FINGERPRINT === '1',
    }),
  });
}

/** Names of every variable loadConfig reads (for tests and docs checks). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze([
  ...Object.keys(ServerEnvSchema.shape),
  ...Object.keys(TurnEnvSchema.shape),
]);
