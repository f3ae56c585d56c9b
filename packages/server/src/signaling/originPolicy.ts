import type { IncomingMessage } from 'node:http';
import { parseOrigin } from '../config.js';

/**
 * Which browser pages may open a signaling connection (cross-site WebSocket
 * hijacking protection). A browser always sends Origin on WebSocket and
 * cross-origin requests, so:
 * - no Origin header: not a browser (CLI, bot, test); allowed, since it
 *   could forge any header anyway;
 * - the server's own origin (Origin host equals the Host header): allowed;
 * - an origin listed in ALLOWED_ORIGINS: allowed;
 * - anything else, including "null" (sandboxed iframes, file://): refused.
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[] | null,
): boolean {
  if (origin === undefined) return true;
  const normalized = parseOrigin(origin);
  if (normalized === null) return false;
  if (allowed?.includes(normalized)) return true;
  if (host === undefined) return false;
  const url = new URL(normalized);
  try {
    // Normalise the Host header the same way (case, default port of the origin's scheme).
    return new URL(`${url.protocol}//${host}`).host === url.host;
  } catch {
    return false;
  }
}

/** engine.io `allowRequest` for the policy above. */
export function originAllowRequest(allowed: readonly string[] | null) {
  return (
    req: IncomingMessage,
    callback: (err: string | null | undefined, success: boolean) => void,
  ): void => {
    const ok = isOriginAllowed(req.headers.origin, req.headers.host, allowed);
    callback(ok ? null : 'origin not allowed', ok);
  };
}
