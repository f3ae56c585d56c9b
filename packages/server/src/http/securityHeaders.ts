import type { FastifyInstance } from 'fastify';

/**
 * Content-Security-Policy for the Vite-built Vue app: every script and
 * style from our own origin (Vue injects inline styles, hence
 * 'unsafe-inline' for styles only), media from blob: (MediaStream URLs),
 * signaling over ws:/wss:. Plugins and <base> are off; framing is allowed
 * to our own origin and the FRAME_ANCESTORS an embedding app lists.
 */
const POLICY_WITHOUT_FRAMING = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
];

export function contentSecurityPolicy(frameAncestors: readonly string[] | null): string {
  const ancestors = ["'self'", ...(frameAncestors ?? [])].join(' ');
  return [...POLICY_WITHOUT_FRAMING, `frame-ancestors ${ancestors}`].join('; ');
}

/** The default policy (framing by our own origin only). */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy(null);

/**
 * The headers of every response. With FRAME_ANCESTORS set, X-Frame-Options
 * is left out: it cannot name other origins, and CSP frame-ancestors
 * (which every current browser honours first) says who may frame the app.
 * The embedding page still grants camera and microphone to the frame
 * (`<iframe allow="camera; microphone; display-capture">`).
 */
export function securityHeaders(
  frameAncestors: readonly string[] | null,
): Readonly<Record<string, string>> {
  return Object.freeze({
    'content-security-policy': contentSecurityPolicy(frameAncestors),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(frameAncestors === null ? { 'x-frame-options': 'SAMEORIGIN' } : {}),
    'permissions-policy': 'camera=(self), microphone=(self), display-capture=(self)',
  });
}

export const SECURITY_HEADERS = securityHeaders(null);

/** Adds the headers to every Fastify response, including errors and 404s. */
export function registerSecurityHeaders(
  fastify: FastifyInstance,
  frameAncestors: readonly string[] | null = null,
): void {
  const headers = securityHeaders(frameAncestors);
  fastify.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}
