import type { UiDriver } from './driver.js';

/**
 * Media proof for group (mesh) calls: one page has one peer connection per
 * other participant, and the SDK reads each through
 * `window.__parley.call.getStats(peerId)`. Every inbound RTP stream is kept
 * apart (keyed by its receiver track), so that a screen share shows as a
 * second video stream from the same peer.
 */

type Evaluator = Pick<UiDriver, 'label' | 'evaluate'>;

export interface InboundStream {
  readonly kind: 'audio' | 'video';
  /** The receiving track's id: stable per stream for the life of the peer connection. */
  readonly track: string;
  readonly framesDecoded: number;
  readonly packetsReceived: number;
  /** inbound-rtp audioLevel (0..1), audio only; null when absent. */
  readonly audioLevel: number | null;
}

export interface PeerInbound {
  /** Why the peer's stats could not be read (no call, getStats threw), else null. */
  readonly problem: string | null;
  readonly streams: readonly InboundStream[];
}

export interface MeshSample {
  /** Date.now() in the page. */
  readonly at: number;
  readonly peers: Readonly<Record<string, PeerInbound>>;
}

/** One getStats per peer, all in one round trip to the page. */
export function readMesh(page: Evaluator, peerIds: readonly string[]): Promise<MeshSample> {
  return page.evaluate(async (peers) => {
    const at = Date.now();
    const call = window.__parley?.call;
    const entries = await Promise.all(
      peers.map(async (peer) => {
        if (!call) return [peer, { problem: 'no current call', streams: [] }] as const;
        let report: RTCStatsReport;
        try {
          report = await call.getStats(peer);
        } catch (error) {
          return [peer, { problem: `getStats: ${String(error)}`, streams: [] }] as const;
        }
        const streams: InboundStream[] = [];
        report.forEach((s: Record<string, unknown>) => {
          if (s['type'] !== 'inbound-rtp') return;
          const kind = s['kind'] === 'audio' ? 'audio' : 'video';
          streams.push({
            kind,
            track: String(s['trackIdentifier'] ?? s['id']),
            framesDecoded: Number(s['framesDecoded'] ?? 0),
            packetsReceived: Number(s['packetsReceived'] ?? 0),
            audioLevel: typeof s['audioLevel'] === 'number' ? s['audioLevel'] : null,
          });
        });
        return [peer, { problem: null, streams }] as const;
      }),
    );
    return { at, peers: Object.fromEntries(entries) };
  }, peerIds);
}

/** Streams of `kind` from one peer whose counter grew between two samples. */
export function growingStreams(
  before: PeerInbound | undefined,
  after: PeerInbound | undefined,
  kind: 'audio' | 'video',
): InboundStream[] {
  if (!before || !after) return [];
  const counter = (s: InboundStream) => (kind === 'video' ? s.framesDecoded : s.packetsReceived);
  return after.streams.filter((s) => {
    if (s.kind !== kind) return false;
    const old = before.streams.find((o) => o.kind === kind && o.track === s.track);
    return counter(s) > (old ? counter(old) : 0);
  });
}

export interface FlowCheck {
  /** Minimum number of inbound video streams from the peer that must be decoding. */
  readonly videoStreams: number;
  /** Minimum number of inbound audio streams from the peer that must be receiving. */
  readonly audioStreams: number;
}

export const CAMERA_AND_MIC: FlowCheck = { videoStreams: 1, audioStreams: 1 };

const POLL_MS = 300;
const MIN_INTERVAL_MS = 1_000;

/**
 * Wait until, from every peer in `expected`, enough inbound video streams
 * decode new frames and enough audio streams receive new packets between a
 * baseline sample and one at least a second later. Each peer is proven on
 * its own (a slow one does not hold the others' proof back). Returns the
 * last sample.
 */
export async function expectFlowsFrom(
  page: Evaluator,
  expected: Readonly<Record<string, FlowCheck>>,
  timeoutMs = 30_000,
): Promise<MeshSample> {
  const peers = Object.keys(expected);
  const deadline = Date.now() + timeoutMs;
  const baselines = new Map<string, { at: number; inbound: PeerInbound }>();
  const proven = new Set<string>();
  let last: MeshSample | null = null;
  while (Date.now() < deadline) {
    const pending = peers.filter((p) => !proven.has(p));
    if (pending.length === 0 && last) return last;
    last = await readMesh(page, pending);
    for (const peer of pending) {
      const inbound = last.peers[peer];
      if (!inbound || inbound.problem !== null) continue;
      const base = baselines.get(peer);
      if (!base) {
        baselines.set(peer, { at: last.at, inbound });
        continue;
      }
      if (last.at - base.at < MIN_INTERVAL_MS) continue;
      const need = expected[peer] ?? CAMERA_AND_MIC;
      const video = growingStreams(base.inbound, inbound, 'video').length;
      const audio = growingStreams(base.inbound, inbound, 'audio').length;
      if (video >= need.videoStreams && audio >= need.audioStreams) {
        proven.add(peer);
      } else {
        baselines.set(peer, { at: last.at, inbound }); // slide the window
      }
    }
    if (proven.size === peers.length) return last;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const missing = peers.filter((p) => !proven.has(p));
  throw new Error(
    `${page.label}: media not flowing within ${timeoutMs} ms from ${missing.join(', ')} ` +
      `(expected ${JSON.stringify(expected)}; last ${JSON.stringify(last)})`,
  );
}

/** Camera video + microphone from each of `peerIds`. */
export function expectCameraFlowsFrom(
  page: Evaluator,
  peerIds: readonly string[],
  timeoutMs?: number,
): Promise<MeshSample> {
  return expectFlowsFrom(
    page,
    Object.fromEntries(peerIds.map((p) => [p, CAMERA_AND_MIC])),
    timeoutMs,
  );
}

/**
 * The number of inbound video streams from `peerId` that decode frames over
 * `windowMs`, read twice that far apart. After a screen share stops, its
 * stream may stay in the stats with a frozen counter: it does not count.
 */
export async function decodingVideoStreams(
  page: Evaluator,
  peerId: string,
  windowMs = 1_500,
): Promise<number> {
  const before = await readMesh(page, [peerId]);
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = await readMesh(page, [peerId]);
  return growingStreams(before.peers[peerId], after.peers[peerId], 'video').length;
}

/** Wait until exactly `count` video streams from `peerId` are decoding. */
export async function waitForDecodingVideoStreams(
  page: Evaluator,
  peerId: string,
  count: number,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  while (Date.now() < deadline) {
    seen = await decodingVideoStreams(page, peerId);
    if (seen === count) return;
  }
  throw new Error(
    `${page.label}: ${seen} video streams from ${peerId} decoding, expected ${count} within ${timeoutMs} ms`,
  );
}

/**
 * For a join-time metric: resolves with Date.now() (test side) once every
 * page has decoded at least one frame and received audio from each of its
 * expected peers. Counters already above zero (peers that were connected
 * before) count at once.
 */
export async function waitForAllFlowsStarted(
  pages: ReadonlyArray<{ readonly ui: Evaluator; readonly from: readonly string[] }>,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let status = '';
  while (Date.now() < deadline) {
    const samples = await Promise.all(pages.map((p) => readMesh(p.ui, p.from)));
    const missing: string[] = [];
    samples.forEach((sample, i) => {
      const page = pages[i];
      if (!page) return;
      for (const peer of page.from) {
        const streams = sample.peers[peer]?.streams ?? [];
        const frames = streams.some((s) => s.kind === 'video' && s.framesDecoded > 0);
        const packets = streams.some((s) => s.kind === 'audio' && s.packetsReceived > 0);
        if (!frames || !packets) missing.push(`${page.ui.label}<-${peer}`);
      }
    });
    if (missing.length === 0) return Date.now();
    status = missing.join(', ');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`flows not started within ${timeoutMs} ms: ${status}`);
}
