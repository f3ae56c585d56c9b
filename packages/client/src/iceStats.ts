/**
 * Pure helpers over ICE candidates and getStats() output (no DOM needed, so
 * they are unit-tested in Node).
 */

/** How media travels to a peer: straight (host/srflx/prflx) or through TURN. */
export type ConnectionType = 'direct' | 'relay' | 'unknown';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

const CANDIDATE_TYPES: readonly string[] = ['host', 'srflx', 'prflx', 'relay'];

/**
 * The `typ` of an ICE candidate line (RFC 8839:
 * `candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...`).
 * Accepts the line with or without the `a=` prefix; null if it has none.
 */
export function candidateTypeOf(candidate: string): CandidateType | null {
  const m = /(?:^|\s)typ\s+(\S+)/.exec(candidate);
  const t = m?.[1]?.toLowerCase();
  return t !== undefined && CANDIDATE_TYPES.includes(t) ? (t as CandidateType) : null;
}

/** The subset of RTCStats fields the connection-type logic reads. */
export interface StatLike {
  id: string;
  type: string;
  [field: string]: unknown;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * The candidate pair ICE is using: the transport's `selectedCandidatePairId`
 * (spec, Chromium), else a pair flagged `selected` (Firefox), else a
 * nominated pair that succeeded.
 */
export function selectedCandidatePair(stats: Iterable<StatLike>): StatLike | null {
  const all = [...stats];
  const byId = new Map(all.map((s) => [s.id, s]));
  for (const s of all) {
    if (s.type !== 'transport') continue;
    const pairId = str(s['selectedCandidatePairId']);
    const pair = pairId === undefined ? undefined : byId.get(pairId);
    if (pair) return pair;
  }
  const pairs = all.filter((s) => s.type === 'candidate-pair');
  return (
    pairs.find((p) => p['selected'] === true) ??
    pairs.find((p) => p['nominated'] === true && p['state'] === 'succeeded') ??
    null
  );
}

/**
 * 'relay' when either end of the selected pair is a TURN relay candidate
 * (the media then crosses a TURN server, whichever side allocated it),
 * 'direct' for any other selected pair, 'unknown' when no pair is selected yet.
 */
export function connectionTypeFromStats(stats: Iterable<StatLike>): ConnectionType {
  const all = [...stats];
  const pair = selectedCandidatePair(all);
  if (!pair) return 'unknown';
  const byId = new Map(all.map((s) => [s.id, s]));
  const local = byId.get(str(pair['localCandidateId']) ?? '');
  const remote = byId.get(str(pair['remoteCandidateId']) ?? '');
  if (!local && !remote) return 'unknown';
  const isRelay = (c: StatLike | undefined) => c !== undefined && c['candidateType'] === 'relay';
  return isRelay(local) || isRelay(remote) ? 'relay' : 'direct';
}

/**
 * ICE usernames (a=ice-ufrag) of a session description. A remote candidate
 * whose usernameFragment is not among them belongs to an ICE generation that
 * an ICE restart superseded, and is dropped instead of applied.
 */
export function iceUfragsOf(sdp: string): Set<string> {
  const out = new Set<string>();
  for (const m of sdp.matchAll(/^a=ice-ufrag:(\S+)\s*$/gm)) {
    if (m[1] !== undefined) out.add(m[1]);
  }
  return out;
}
