import { z } from 'zod';

/**
 * TURN/STUN settings, shared by the signaling server (which mints
 * credentials) and `npm run turn` (which writes coturn's config), so that
 * both read the same environment the same way.
 */

/** Upper bound for credential lifetime: coturn itself enforces none. */
export const TURN_TTL_MAX_SECONDS = 24 * 60 * 60;
export const TURN_TTL_MIN_SECONDS = 60;
export const TURN_TTL_DEFAULT_SECONDS = 60 * 60;
/** HMAC-SHA1 secret shorter than this is guessable offline from one credential. */
export const TURN_SECRET_MIN_BYTES = 32;

const urlList = (scheme: RegExp, what: string) =>
  z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u.length > 0),
    )
    .pipe(z.array(z.string().regex(scheme, `each entry must be a ${what} URL`)).max(8));

export const TurnEnvSchema = z
  .object({
    TURN_SECRET: z
      .string()
      .optional()
      .refine((s) => s === undefined || Buffer.byteLength(s, 'utf8') >= TURN_SECRET_MIN_BYTES, {
        message: `must be at least ${TURN_SECRET_MIN_BYTES} bytes (generate one with: openssl rand -hex 32)`,
      })
      // coturn trims the secret it reads, so credentials minted with these spaces would all fail.
      .refine((s) => s === undefined || s === s.trim(), {
        message: 'must not start or end with whitespace',
      }),
    TURN_URLS: urlList(/^turns?:[^\s]+$/, 'turn: or turns:'),
    STUN_URLS: urlList(/^stun:[^\s]+$/, 'stun:'),
    TURN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(TURN_TTL_DEFAULT_SECONDS)
      // Clamp rather than refuse: an over-long TTL is a policy choice we override.
      .transform((n) => Math.min(Math.max(n, TURN_TTL_MIN_SECONDS), TURN_TTL_MAX_SECONDS)),
    TURN_REALM: z.string().min(1).max(128).default('parley'),
  })
  .superRefine((v, ctx) => {
    if (v.TURN_URLS.length > 0 && v.TURN_SECRET === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['TURN_SECRET'],
        message:
          'TURN_URLS is set, so TURN_SECRET is required (the shared secret of coturn use-auth-secret)',
      });
    }
  });

export type TurnEnv = z.infer<typeof TurnEnvSchema>;

export interface TurnConfig {
  /** Shared secret with coturn (`static-auth-secret`); null = no TURN. */
  readonly secret: string | null;
  readonly turnUrls: readonly string[];
  readonly stunUrls: readonly string[];
  readonly ttlSeconds: number;
  readonly realm: string;
}

export function turnConfigFromEnv(env: TurnEnv): TurnConfig {
  return Object.freeze({
    secret: env.TURN_SECRET ?? null,
    turnUrls: Object.freeze([...env.TURN_URLS]),
    stunUrls: Object.freeze([...env.STUN_URLS]),
    ttlSeconds: env.TURN_TTL_SECONDS,
    realm: env.TURN_REALM,
  });
}
