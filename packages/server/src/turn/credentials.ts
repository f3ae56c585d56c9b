import { createHmac } from 'node:crypto';
import type { IceConfig, IceServer } from '@parley/protocol';
import { TURN_TTL_MAX_SECONDS, type TurnConfig } from './turnConfig.js';

export interface TurnCredential {
  username: string;
  credential: string;
  /** Unix time in seconds when coturn stops accepting the credential. */
  expiresAt: number;
}

/**
 * TURN REST API credential (draft-uberti-behave-turn-rest, coturn
 * `use-auth-secret`): username `<expiry>:<user>`, password
 * base64(HMAC-SHA1(secret, username)). The TTL is clamped here as well as at
 * config time, because coturn accepts any expiry, even years ahead.
 */
export function mintTurnCredential(
  secret: string,
  userId: string,
  ttlSeconds: number,
  nowMs: number,
): TurnCredential {
  if (userId.includes(':')) throw new Error('TURN user id must not contain ":"');
  const ttl = Math.min(Math.max(1, Math.floor(ttlSeconds)), TURN_TTL_MAX_SECONDS);
  const expiresAt = Math.floor(nowMs / 1000) + ttl;
  const username = `${expiresAt}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt };
}

/**
 * ICE servers for one participant. Only joined participants get this (the
 * caller checks); static long-lived credentials never leave the server.
 */
export function buildIceConfig(turn: TurnConfig, participantId: string, nowMs: number): IceConfig {
  const iceServers: IceServer[] = [];
  if (turn.stunUrls.length > 0) iceServers.push({ urls: [...turn.stunUrls] });
  let expiresAt: number | null = null;
  if (turn.secret !== null && turn.turnUrls.length > 0) {
    const c = mintTurnCredential(turn.secret, participantId, turn.ttlSeconds, nowMs);
    iceServers.push({ urls: [...turn.turnUrls], username: c.username, credential: c.credential });
    expiresAt = c.expiresAt * 1000;
  }
  return { iceServers, expiresAt };
}
