import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Room passwords, stored only as scrypt hashes (Node's crypto.scrypt) and
 * compared in constant time. Format: `scrypt$<N>$<r>$<p>$<salt>$<key>`
 * (base64url), so the cost can be raised later without breaking old hashes.
 * scrypt runs on libuv's thread pool: a guess never blocks the event loop.
 */

const N = 2 ** 14;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Refuse hashes asking for absurd work (a tampered record must not pin the CPU). */
const MAX_N = 2 ** 17;

function derive(password: string, salt: Buffer, options: ScryptOptions, bytes: number) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      bytes,
      { ...options, maxmem: 256 * 2 ** 20 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, { N, r: R, p: P }, KEY_BYTES);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` matches `stored`; false for a malformed record. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (
    scheme !== 'scrypt' ||
    !Number.isInteger(cost.N) ||
    cost.N < 2 ||
    cost.N > MAX_N ||
    !Number.isInteger(cost.r) ||
    cost.r < 1 ||
    cost.r > 32 ||
    !Number.isInteger(cost.p) ||
    cost.p < 1 ||
    cost.p > 4 ||
    !salt ||
    !key
  ) {
    return false;
  }
  const expected = Buffer.from(key, 'base64url');
  if (expected.length < 16) return false;
  const actual = await derive(password, Buffer.from(salt, 'base64url'), cost, expected.length);
  return timingSafeEqual(actual, expected);
}
