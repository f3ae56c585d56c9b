import { isIP, isIPv6 } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import {
  COTURN_DEFAULT_TOTAL_QUOTA,
  COTURN_DEFAULT_USER_QUOTA,
  COTURN_SAFE_SECRET,
  type CoturnConfigOptions,
  type ExternalIp,
} from './coturnConfig.js';
import { TURN_SECRET_MIN_BYTES } from './turnConfig.js';

/**
 * Environment of `npm run turn` (the coturn side). The Parley server reads
 * TURN_SECRET and TURN_REALM through `TurnEnvSchema`; both must agree.
 */

/** One row of the README/docs table. */
export interface EnvDoc {
  readonly name: string;
  readonly default: string;
  readonly description: string;
}

export const TURN_ENV_DOCS: readonly EnvDoc[] = Object.freeze([
  {
    name: 'TURN_SECRET',
    default: '(required)',
    description: `Shared secret with the Parley server, at least ${TURN_SECRET_MIN_BYTES} bytes (openssl rand -hex 32). Set the same value on the Parley server.`,
  },
  {
    name: 'TURN_REALM',
    default: 'parley',
    description: 'TURN realm; must equal TURN_REALM on the Parley server.',
  },
  {
    name: 'TURN_LISTEN_IPS',
    default: '0.0.0.0',
    description:
      'Comma-separated addresses coturn listens on (0.0.0.0 = every IPv4 address; add :: for IPv6).',
  },
  {
    name: 'TURN_RELAY_IP',
    default: '(required)',
    description:
      'Comma-separated own addresses of this host used to relay media (ip -brief address). Behind 1:1 NAT: the private address.',
  },
  {
    name: 'TURN_EXTERNAL_IP',
    default: '(unset)',
    description:
      'Public address(es) for 1:1 NAT (clouds): "public" or "public/private" per relay address.',
  },
  {
    name: 'TURN_HOST',
    default: '(first external or relay IP)',
    description:
      'Host name clients use in the printed TURN_URLS; required with TLS (must match the certificate).',
  },
  { name: 'TURN_PORT', default: '3478', description: 'TURN/STUN port, UDP and TCP.' },
  {
    name: 'TURNS_PORT',
    default: '5349',
    description: 'TURN over TLS port (443 for networks that allow only HTTPS).',
  },
  {
    name: 'TURN_TLS_CERT',
    default: '(unset)',
    description:
      'PEM certificate (chain) for TURN over TLS; TLS is off unless both this and TURN_TLS_KEY are set.',
  },
  { name: 'TURN_TLS_KEY', default: '(unset)', description: 'PEM private key for TURN over TLS.' },
  {
    name: 'TURN_MIN_PORT',
    default: '49160',
    description: 'First UDP port of the relay range (open it in the firewall).',
  },
  {
    name: 'TURN_MAX_PORT',
    default: '49200',
    description:
      'Last UDP port of the relay range. One port per allocation (one per TURN URL per peer connection): widen it for more users.',
  },
  {
    name: 'TURN_USER_QUOTA',
    default: String(COTURN_DEFAULT_USER_QUOTA),
    description:
      'Concurrent allocations per TURN username, i.e. per participant: a browser allocates once per TURN URL for each peer connection, so with 3 URLs, 12 covers 4 relayed peers.',
  },
  {
    name: 'TURN_TOTAL_QUOTA',
    default: String(COTURN_DEFAULT_TOTAL_QUOTA),
    description: 'Concurrent allocations in total.',
  },
  {
    name: 'TURN_CONFIG_DIR',
    default: '.turn',
    description:
      "Where turnserver.conf (mode 0600, holds the secret), the pid file and coturn's DB are written.",
  },
]);

const blankToUndefined = (v: unknown): unknown =>
  typeof v === 'string' && v.trim() === '' ? undefined : v;

const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());

const port = (fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number()
      .int()
      .min(1, 'must be a port number 1-65535')
      .max(65535, 'must be a port number 1-65535')
      .default(fallback),
  );

const positiveInt = (fallback: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().positive().default(fallback));

const split = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

const ipList = (what: string) =>
  z
    .string()
    .transform(split)
    .pipe(
      z
        .array(
          z.string().refine((ip) => isIP(ip) !== 0, {
            message: `each ${what} entry must be an IP address`,
          }),
        )
        .min(1, `${what} needs at least one address`)
        .max(8),
    );

const RELAY_IP_HELP =
  'is required: the address(es) of THIS host that relay media, e.g. TURN_RELAY_IP=203.0.113.7 ' +
  '(list them with `ip -brief address` or `hostname -I`; on a cloud VM behind 1:1 NAT use the ' +
  'private address here and set the public one in TURN_EXTERNAL_IP)';

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function parseExternal(entry: string): ExternalIp | null {
  const [publicIp = '', privateIp, extra] = entry.split('/');
  if (extra !== undefined || isIP(publicIp) === 0) return null;
  if (privateIp === undefined) return { publicIp };
  return isIP(privateIp) === 0 ? null : { publicIp, privateIp };
}

export const CoturnEnvSchema = z
  .object({
    TURN_SECRET: z
      .string({ error: 'is required (generate one with: openssl rand -hex 32)' })
      .refine((s) => Buffer.byteLength(s, 'utf8') >= TURN_SECRET_MIN_BYTES, {
        message: `must be at least ${TURN_SECRET_MIN_BYTES} bytes (generate one with: openssl rand -hex 32)`,
      })
      .refine((s) => COTURN_SAFE_SECRET.test(s), {
        message: 'must be printable ASCII without leading or trailing spaces (coturn trims them)',
      }),
    TURN_REALM: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 printable characters without spaces')
        .default('parley'),
    ),
    TURN_LISTEN_IPS: z
      .preprocess(blankToUndefined, z.string().default('0.0.0.0'))
      .pipe(ipList('TURN_LISTEN_IPS')),
    TURN_RELAY_IP: z
      .preprocess(blankToUndefined, z.string({ error: RELAY_IP_HELP }))
      .pipe(ipList('TURN_RELAY_IP'))
      .refine((ips) => ips.every((ip) => ip !== '0.0.0.0' && ip !== '::'), {
        message: `must name a real address, not 0.0.0.0 or ::; it ${RELAY_IP_HELP}`,
      }),
    TURN_EXTERNAL_IP: optionalText.transform((s, ctx) => {
      const out: ExternalIp[] = [];
      for (const entry of s === undefined ? [] : split(s)) {
        const parsed = parseExternal(entry);
        if (parsed === null) {
          ctx.addIssue({
            code: 'custom',
            message: `"${entry}" is not "public-ip" or "public-ip/private-ip"`,
          });
        } else out.push(parsed);
      }
      return out;
    }),
    TURN_HOST: optionalText.refine((h) => h === undefined || HOST_NAME.test(h) || isIP(h) !== 0, {
      message: 'must be a host name or IP address, without scheme or port',
    }),
    TURN_PORT: port(3478),
    TURNS_PORT: port(5349),
    TURN_TLS_CERT: optionalText,
    TURN_TLS_KEY: optionalText,
    TURN_MIN_PORT: port(49160),
    TURN_MAX_PORT: port(49200),
    TURN_USER_QUOTA: positiveInt(COTURN_DEFAULT_USER_QUOTA),
    TURN_TOTAL_QUOTA: positiveInt(COTURN_DEFAULT_TOTAL_QUOTA),
    TURN_CONFIG_DIR: z.preprocess(blankToUndefined, z.string().default('.turn')),
  })
  .superRefine((v, ctx) => {
    if (v.TURN_MIN_PORT > v.TURN_MAX_PORT) {
      ctx.addIssue({
        code: 'custom',
        path: ['TURN_MIN_PORT'],
        message: 'must not be above TURN_MAX_PORT',
      });
    }
    if ((v.TURN_TLS_CERT === undefined) !== (v.TURN_TLS_KEY === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.TURN_TLS_CERT === undefined ? 'TURN_TLS_CERT' : 'TURN_TLS_KEY'],
        message: 'TURN_TLS_CERT and TURN_TLS_KEY must be set together',
      });
    }
    if (v.TURN_TLS_CERT !== undefined && v.TURN_HOST === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['TURN_HOST'],
        message:
          'is required with TLS: the host name in the certificate (clients connect to turns:<TURN_HOST>)',
      });
    }
    if (v.TURN_TLS_CERT !== undefined && v.TURNS_PORT === v.TURN_PORT) {
      ctx.addIssue({ code: 'custom', path: ['TURNS_PORT'], message: 'must differ from TURN_PORT' });
    }
    const relayPortsClash = [v.TURN_PORT, v.TURNS_PORT].some(
      (p) => p >= v.TURN_MIN_PORT && p <= v.TURN_MAX_PORT,
    );
    if (relayPortsClash) {
      ctx.addIssue({
        code: 'custom',
        path: ['TURN_MIN_PORT'],
        message: 'the relay port range must not contain TURN_PORT or TURNS_PORT',
      });
    }
  });

export type CoturnEnv = z.infer<typeof CoturnEnvSchema>;

export type CoturnEnvResult = { ok: true; env: CoturnEnv } | { ok: false; errors: string[] };

/** Validates the environment; errors are "NAME: message" lines ready to print. */
export function parseCoturnEnv(source: Record<string, string | undefined>): CoturnEnvResult {
  const parsed = CoturnEnvSchema.safeParse(source);
  if (parsed.success) return { ok: true, env: parsed.data };
  const errors = parsed.error.issues.map((i) => {
    const name = i.path.length > 0 ? i.path.map(String).join('.') : 'environment';
    return `${name}: ${i.message}`;
  });
  return { ok: false, errors };
}

/** Paths inside TURN_CONFIG_DIR. */
export function coturnPaths(env: CoturnEnv): {
  dir: string;
  configFile: string;
  pidFile: string;
  userDbFile: string;
} {
  const dir = env.TURN_CONFIG_DIR;
  return {
    dir,
    configFile: join(dir, 'turnserver.conf'),
    pidFile: join(dir, 'turnserver.pid'),
    userDbFile: join(dir, 'turndb'),
  };
}

/** Config options for `renderCoturnConfig`; paths must be absolute (coturn resolves relative ones itself). */
export function coturnOptionsFromEnv(
  env: CoturnEnv,
  paths: { pidFile: string; userDbFile: string },
): CoturnConfigOptions {
  return {
    secret: env.TURN_SECRET,
    realm: env.TURN_REALM,
    listeningIps: env.TURN_LISTEN_IPS,
    relayIps: env.TURN_RELAY_IP,
    externalIps: env.TURN_EXTERNAL_IP,
    listeningPort: env.TURN_PORT,
    tls:
      env.TURN_TLS_CERT !== undefined && env.TURN_TLS_KEY !== undefined
        ? { port: env.TURNS_PORT, certFile: env.TURN_TLS_CERT, keyFile: env.TURN_TLS_KEY }
        : null,
    minPort: env.TURN_MIN_PORT,
    maxPort: env.TURN_MAX_PORT,
    userQuota: env.TURN_USER_QUOTA,
    totalQuota: env.TURN_TOTAL_QUOTA,
    pidFile: paths.pidFile,
    userDbFile: paths.userDbFile,
  };
}

function hostForUrl(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}

/**
 * The TURN_URLS value for the Parley server: UDP and TCP on TURN_PORT, plus
 * `turns:` over TCP when TLS is configured (TLS needs the certificate's name).
 */
export function turnUrlsFromEnv(env: CoturnEnv): string[] {
  const host = env.TURN_HOST ?? env.TURN_EXTERNAL_IP[0]?.publicIp ?? env.TURN_RELAY_IP[0];
  if (host === undefined) throw new Error('no host for TURN URLs');
  const h = hostForUrl(host);
  const urls = [
    `turn:${h}:${env.TURN_PORT}?transport=udp`,
    `turn:${h}:${env.TURN_PORT}?transport=tcp`,
  ];
  if (env.TURN_TLS_CERT !== undefined && env.TURN_HOST !== undefined) {
    urls.push(`turns:${hostForUrl(env.TURN_HOST)}:${env.TURNS_PORT}?transport=tcp`);
  }
  return urls;
}
