import type { UiDriver } from './driver.js';
import type { ConnectionType } from './parleyWindow.js';

/**
 * Media proof through the SDK: `window.__parley.call.getStats(peerId)`. A
 * call is "flowing" for a peer when, over samples at least one second apart,
 * inbound video `framesDecoded` and inbound audio `packetsReceived` both grow.
 */

type Evaluator = Pick<UiDriver, 'label' | 'evaluate'>;

export interface InboundSample {
  /** Date.now() in the page when the report was read. */
  readonly at: number;
  /** Sum over inbound video streams; null while there is no inbound video stream. */
  readonly framesDecoded: number | null;
  /** Sum over inbound audio streams; null while there is no inbound audio stream. */
  readonly packetsReceived: number | null;
  /** Why no sample could be read (no call, getStats threw), else null. */
  readonly problem: string | null;
}

export async function readInbound(page: Evaluator, peerId: string): Promise<InboundSample> {
  return page.evaluate(async (peer) => {
    const at = Date.now();
    const call = window.__parley?.call;
    if (!call) {
      return { at, framesDecoded: null, packetsReceived: null, problem: 'no current call' };
    }
    let report: RTCStatsReport;
    try {
      report = await call.getStats(peer);
    } catch (error) {
      return { at, framesDecoded: null, packetsReceived: null, problem: `getStats: ${error}` };
    }
    let framesDecoded: number | null = null;
    let packetsReceived: number | null = null;
    report.forEach((s: Record<string, unknown>) => {
      if (s['type'] !== 'inbound-rtp') return;
      if (s['kind'] === 'video') {
        framesDecoded = (framesDecoded ?? 0) + Number(s['framesDecoded'] ?? 0);
      } else if (s['kind'] === 'audio') {
        packetsReceived = (packetsReceived ?? 0) + Number(s['packetsReceived'] ?? 0);
      }
    });
    return { at, framesDecoded, packetsReceived, problem: null };
  }, peerId);
}

export interface FlowProof {
  readonly framesDecodedDelta: number;
  readonly packetsReceivedDelta: number;
  readonly intervalMs: number;
  readonly last: InboundSample;
}

const POLL_MS = 250;
const MIN_INTERVAL_MS = 1_000;

/**
 * Wait (up to `timeoutMs`) until video frames are decoded and audio packets
 * received from `peerId` keep increasing: a baseline sample, then a sample at
 * least one second later with both counters higher.
 */
export async function expectMediaFlowing(
  page: Evaluator,
  peerId: string,
  timeoutMs = 20_000,
): Promise<FlowProof> {
  const deadline = Date.now() + timeoutMs;
  let baseline: InboundSample | null = null;
  let last: InboundSample | null = null;
  while (Date.now() < deadline) {
    last = await readInbound(page, peerId);
    if (last.framesDecoded !== null && last.packetsReceived !== null) {
      if (baseline === null) {
        baseline = last;
      } else if (
        last.at - baseline.at >= MIN_INTERVAL_MS &&
        last.framesDecoded > (baseline.framesDecoded ?? 0) &&
        last.packetsReceived > (baseline.packetsReceived ?? 0)
      ) {
        return {
          framesDecodedDelta: last.framesDecoded - (baseline.framesDecoded ?? 0),
          packetsReceivedDelta: last.packetsReceived - (baseline.packetsReceived ?? 0),
          intervalMs: last.at - baseline.at,
          last,
        };
      }
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(
    `${page.label}: media from ${peerId} not flowing within ${timeoutMs} ms ` +
      `(baseline ${JSON.stringify(baseline)}, last ${JSON.stringify(last)})`,
  );
}

export interface SelectedPair {
  readonly localCandidateType: string | null;
  readonly remoteCandidateType: string | null;
  readonly state: string | null;
}

/**
 * The candidate pair ICE selected, from getStats: Chromium names it through
 * `transport.selectedCandidatePairId`, Firefox marks the pair `selected`.
 */
export async function selectedCandidatePair(
  page: Evaluator,
  peerId: string,
): Promise<SelectedPair | null> {
  return page.evaluate(async (peer) => {
    const call = window.__parley?.call;
    if (!call) return null;
    const report = await call.getStats(peer);
    const byId = new Map<string, Record<string, unknown>>();
    report.forEach((s: Record<string, unknown>) => byId.set(String(s['id']), s));
    let pair: Record<string, unknown> | undefined;
    for (const s of byId.values()) {
      if (s['type'] === 'transport' && typeof s['selectedCandidatePairId'] === 'string') {
        pair = byId.get(s['selectedCandidatePairId']);
        if (pair) break;
      }
    }
    if (!pair) {
      pair = [...byId.values()].find(
        (s) => s['type'] === 'candidate-pair' && s['selected'] === true,
      );
    }
    if (!pair) return null;
    const local = byId.get(String(pair['localCandidateId']));
    const remote = byId.get(String(pair['remoteCandidateId']));
    return {
      localCandidateType: local ? String(local['candidateType']) : null,
      remoteCandidateType: remote ? String(remote['candidateType']) : null,
      state: typeof pair['state'] === 'string' ? pair['state'] : null,
    };
  }, peerId);
}

/** candidateType of every local ICE candidate the peer connection gathered. */
export async function localCandidateTypes(page: Evaluator, peerId: string): Promise<string[]> {
  return page.evaluate(async (peer) => {
    const call = window.__parley?.call;
    if (!call) return [];
    const report = await call.getStats(peer);
    const types = new Set<string>();
    report.forEach((s: Record<string, unknown>) => {
      if (s['type'] === 'local-candidate') types.add(String(s['candidateType']));
    });
    return [...types].sort();
  }, peerId);
}

export function connectionType(page: Evaluator, peerId: string): Promise<ConnectionType | null> {
  return page.evaluate((peer) => window.__parley?.call?.connectionType(peer) ?? null, peerId);
}

/**
 * Start measuring, inside the page, when the first remote video frame is
 * decoded in the current (or next) call, and when the accept button was
 * clicked. Times are the page's Date.now(), comparable across pages on this
 * machine. The probe polls getStats every 10 ms and stops after 60 s.
 */
export async function armFirstFrameProbe(page: Evaluator): Promise<void> {
  await page.evaluate(() => {
    const probe = { acceptClickAt: null as number | null, firstFrameAt: null as number | null };
    window.__e2eFirstFrame = probe;
    document.addEventListener(
      'click',
      (event) => {
        const target = event.target instanceof Element ? event.target : null;
        if (target?.closest('[data-testid="accept-button"]')) probe.acceptClickAt ??= Date.now();
      },
      true,
    );
    const started = Date.now();
    const tick = async () => {
      if (Date.now() - started > 60_000) return;
      const call = window.__parley?.call;
      if (call) {
        try {
          const report = await call.getStats(call.remotePeer.id);
          let frames = 0;
          report.forEach((s: Record<string, unknown>) => {
            if (s['type'] === 'inbound-rtp' && s['kind'] === 'video') {
              frames += Number(s['framesDecoded'] ?? 0);
            }
          });
          if (frames > 0) {
            probe.firstFrameAt = Date.now();
            return;
          }
        } catch {
          // No peer connection yet (still ringing): keep polling.
        }
      }
      setTimeout(tick, 10);
    };
    void tick();
  }, undefined);
}

export interface FirstFrameTimes {
  readonly acceptClickAt: number | null;
  readonly firstFrameAt: number;
}

export async function waitForFirstFrame(
  page: Evaluator,
  timeoutMs = 20_000,
): Promise<FirstFrameTimes> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const probe = await page.evaluate(() => window.__e2eFirstFrame ?? null, undefined);
    if (probe === null) throw new Error(`${page.label}: first-frame probe not armed`);
    if (probe.firstFrameAt !== null) {
      return { acceptClickAt: probe.acceptClickAt, firstFrameAt: probe.firstFrameAt };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${page.label}: no remote video frame decoded within ${timeoutMs} ms`);
}
