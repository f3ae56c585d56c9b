import type { IceConfig, IceServer } from '@parley/protocol';
import { candidateTypeOf, type CandidateType } from './iceStats.js';

export type Check = 'ok' | 'failed' | 'not-configured';

/**
 * - direct: a server-reflexive address was found, direct connections should work;
 * - relay-only: no reflexive address, but a TURN relay works (UDP blocked: calls are relayed);
 * - no-relay: something is configured but no path off this network works
 *   (calls across networks will fail);
 * - local-only: no STUN/TURN configured at all (LAN only).
 */
export type NetworkVerdict = 'direct' | 'relay-only' | 'no-relay' | 'local-only';

export interface NetworkTestResult {
  stun: Check;
  turnUdp: Check;
  turnTcp: Check;
  turnTls: Check;
  verdict: NetworkVerdict;
}

export type IceServerKind = 'stun' | 'turnUdp' | 'turnTcp' | 'turnTls';
export const ICE_SERVER_KINDS: readonly IceServerKind[] = ['stun', 'turnUdp', 'turnTcp', 'turnTls'];

/**
 * Kind of one ICE URL (RFC 7064/7065): `stun:`/`stuns:` -> stun; `turns:` ->
 * TLS; `turn:` with `?transport=tcp` -> TCP, otherwise UDP. Unknown schemes -> null.
 */
export function iceUrlKind(url: string): IceServerKind | null {
  const u = url.trim().toLowerCase();
  if (u.startsWith('stun:') || u.startsWith('stuns:')) return 'stun';
  if (u.startsWith('turns:')) return 'turnTls';
  if (u.startsWith('turn:')) {
    const transport = /[?&]transport=([a-z]+)/.exec(u)?.[1];
    return transport === 'tcp' ? 'turnTcp' : 'turnUdp';
  }
  return null;
}

/** Plain RTCIceServer without undefined-valued optional fields. */
export function toRtcIceServer(s: IceServer): RTCIceServer {
  const out: RTCIceServer = { urls: s.urls };
  if (s.username !== undefined) out.username = s.username;
  if (s.credential !== undefined) out.credential = s.credential;
  return out;
}

export function toRtcIceServers(config: IceConfig | null): RTCIceServer[] {
  return config ? config.iceServers.map(toRtcIceServer) : [];
}

/**
 * Split the ICE servers into one list per kind, each entry keeping its
 * credentials but only the URLs of that kind, so each kind is probed alone.
 */
export function splitIceServers(
  servers: readonly IceServer[],
): Record<IceServerKind, RTCIceServer[]> {
  const out: Record<IceServerKind, RTCIceServer[]> = {
    stun: [],
    turnUdp: [],
    turnTcp: [],
    turnTls: [],
  };
  for (const server of servers) {
    const urls = typeof server.urls === 'string' ? [server.urls] : server.urls;
    for (const kind of ICE_SERVER_KINDS) {
      const matching = urls.filter((url) => iceUrlKind(url) === kind);
      if (matching.length === 0) continue;
      out[kind].push(toRtcIceServer({ ...server, urls: matching }));
    }
  }
  return out;
}

/** The verdict from the four checks (pure; see NetworkVerdict). */
export function networkVerdict(checks: Omit<NetworkTestResult, 'verdict'>): NetworkVerdict {
  const all = [checks.stun, checks.turnUdp, checks.turnTcp, checks.turnTls];
  if (all.every((c) => c === 'not-configured')) return 'local-only';
  if (checks.stun === 'ok') return 'direct';
  if (checks.turnUdp === 'ok' || checks.turnTcp === 'ok' || checks.turnTls === 'ok') {
    return 'relay-only';
  }
  return 'no-relay';
}

/** The candidate type that proves a kind works: srflx for STUN, relay for TURN. */
export function wantedCandidateType(kind: IceServerKind): CandidateType {
  return kind === 'stun' ? 'srflx' : 'relay';
}

export const NETWORK_TEST_TIMEOUT_MS = 5000;

/**
 * Gather candidates with only `servers` configured and report whether one of
 * type `wanted` appears before gathering completes or `timeoutMs` passes.
 * The peer connection is always closed.
 */
export async function probeIceServers(
  servers: RTCIceServer[],
  relayOnly: boolean,
  wanted: CandidateType,
  timeoutMs: number = NETWORK_TEST_TIMEOUT_MS,
): Promise<boolean> {
  const pc = new RTCPeerConnection({
    iceServers: servers,
    iceTransportPolicy: relayOnly ? 'relay' : 'all',
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const found = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      pc.onicecandidate = (ev) => {
        if (ev.candidate === null) {
          resolve(false); // gathering complete without the wanted type
          return;
        }
        const type = ev.candidate.type ?? candidateTypeOf(ev.candidate.candidate);
        if (type === wanted) resolve(true);
      };
      pc.onicegatheringstatechange = () => {
        if (pc.iceGatheringState === 'complete') resolve(false);
      };
    });
    // A data channel gives the offer one m-line, so ICE has something to gather for.
    pc.createDataChannel('parley-network-test');
    await pc.setLocalDescription(await pc.createOffer());
    return await found;
  } catch {
    return false;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    pc.onicecandidate = null;
    pc.onicegatheringstatechange = null;
    pc.close();
  }
}

/**
 * Probe each kind of configured ICE server in parallel (about 5 s at most).
 * `probe` is injectable for tests; the default gathers real candidates.
 */
export async function runNetworkTest(
  config: IceConfig,
  probe: typeof probeIceServers = probeIceServers,
): Promise<NetworkTestResult> {
  const split = splitIceServers(config.iceServers);
  const checks = await Promise.all(
    ICE_SERVER_KINDS.map(async (kind): Promise<Check> => {
      const servers = split[kind];
      if (servers.length === 0) return 'not-configured';
      const ok = await probe(servers, kind !== 'stun', wantedCandidateType(kind));
      return ok ? 'ok' : 'failed';
    }),
  );
  const [stun, turnUdp, turnTcp, turnTls] = checks as [Check, Check, Check, Check];
  const result = { stun, turnUdp, turnTcp, turnTls };
  return { ...result, verdict: networkVerdict(result) };
}
