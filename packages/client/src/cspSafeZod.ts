import * as z from 'zod/mini';

/*
 * zod 4 compiles object parsers with `new Function` when it may, and probes
 * for that on the first parse. Pages that embed the SDK should be able to
 * run under a strict Content-Security-Policy (Parley's own app has
 * `script-src 'self'`, no 'unsafe-eval'): the probe alone is reported as a
 * `securitypolicyviolation` even though zod catches the refusal. jitless
 * skips the probe and the compiled path; the SDK parses a few small messages
 * per second, where the interpreted path costs nothing noticeable.
 *
 * Imported for its side effect before anything in the SDK parses.
 */
z.config({ jitless: true });
