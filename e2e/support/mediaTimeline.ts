import type { UiDriver } from './driver.js';

/**
 * Media continuity, sampled inside the page every 100 ms: decoded video
 * frames per RTCPeerConnection the page made (pcProbe.ts keeps them), and
 * the SDK events that tell what the user sees (a member reconnecting,
 * leaving, our own session state). Fault specs read it to measure the
 * longest gap in decoded frames and to check that the same peer
 * connections carry the media after a fault.
 */

type Evaluator = Pick<UiDriver, 'label' | 'evaluate'>;

export interface FrameSample {
  readonly t: number;
  /** framesDecoded of inbound video per pcProbe index (-1 once closed). */
  readonly perPc: readonly number[];
}

export interface RecordedEvent {
  readonly t: number;
  readonly name: string;
  readonly detail: string;
}

export async function startTimeline(page: Evaluator): Promise<void> {
  await page.evaluate(() => {
    if (window.__e2eTimeline) return;
    const timeline = { frames: [] as FrameSample[], events: [] as RecordedEvent[] };
    window.__e2eTimeline = timeline;
    const record = (name: string, detail: string) => {
      timeline.events.push({ t: Date.now(), name, detail });
      if (timeline.events.length > 2000) timeline.events.shift();
    };
    const client = window.__parley as unknown as {
      on(event: string, fn: (...args: unknown[]) => void): void;
    } | null;
    const idOf = (p: unknown) => (p as { id?: string; connection?: string } | null) ?? {};
    client?.on('peerLeft', (p) => record('peerLeft', String(idOf(p).id)));
    client?.on('peerJoined', (p) => record('peerJoined', String(idOf(p).id)));
    client?.on('peerConnectionChanged', (p) =>
      record('peerConnection', `${String(idOf(p).id)}:${String(idOf(p).connection)}`),
    );
    client?.on('sessionStateChanged', (s) => record('session', String(s)));
    let busy = false;
    setInterval(() => {
      if (busy) return;
      busy = true;
      const pcs = window.__e2ePcProbe?.pcs ?? [];
      void Promise.all(
        pcs.map(async (pc) => {
          if (pc.connectionState === 'closed') return -1;
          let frames = 0;
          try {
            (await pc.getStats()).forEach((s: Record<string, unknown>) => {
              if (s['type'] === 'inbound-rtp' && s['kind'] === 'video') {
                frames += Number(s['framesDecoded'] ?? 0);
              }
            });
          } catch {
            return -1;
          }
          return frames;
        }),
      ).then((perPc) => {
        timeline.frames.push({ t: Date.now(), perPc });
        if (timeline.frames.length > 6000) timeline.frames.shift();
        busy = false;
      });
    }, 100);
  }, undefined);
}

export interface TimelineSnapshot {
  readonly frames: readonly FrameSample[];
  readonly events: readonly RecordedEvent[];
}

export async function readTimeline(page: Evaluator): Promise<TimelineSnapshot> {
  const snapshot = await page.evaluate(() => {
    const t = window.__e2eTimeline;
    return t ? { frames: [...t.frames], events: [...t.events] } : null;
  }, undefined);
  if (!snapshot) throw new Error(`${page.label}: media timeline not started`);
  return snapshot;
}

const total = (s: FrameSample) => s.perPc.reduce((a, f) => a + Math.max(f, 0), 0);

/**
 * The longest time in [from, to] during which no new frame was decoded
 * (over all peer connections), to 100 ms resolution.
 */
export function longestFrameGapMs(
  frames: readonly FrameSample[],
  from: number,
  to: number,
): number {
  const inWindow = frames.filter((s) => s.t >= from && s.t <= to);
  let lastProgress = inWindow[0]?.t ?? from;
  let prev = inWindow[0] ? total(inWindow[0]) : 0;
  let longest = 0;
  for (const s of inWindow.slice(1)) {
    const now = total(s);
    if (now > prev) {
      longest = Math.max(longest, s.t - lastProgress);
      lastProgress = s.t;
    }
    prev = now;
  }
  return Math.max(longest, (inWindow.at(-1)?.t ?? to) - lastProgress);
}

/** The first time at or after `from` at which frames were decoded again. */
export function firstFrameAfter(frames: readonly FrameSample[], from: number): number | null {
  let prev: number | null = null;
  for (const s of frames) {
    const now = total(s);
    if (s.t >= from && prev !== null && now > prev) return s.t;
    prev = now;
  }
  return null;
}

/** Indices (pcProbe) of the peer connections that decoded frames in [from, to]. */
export function pcsWithFrames(frames: readonly FrameSample[], from: number, to: number): number[] {
  const inWindow = frames.filter((s) => s.t >= from && s.t <= to);
  const first = inWindow[0];
  const last = inWindow.at(-1);
  if (!first || !last) return [];
  const out: number[] = [];
  last.perPc.forEach((f, i) => {
    if (f > (first.perPc[i] ?? 0) && (first.perPc[i] ?? 0) >= 0) out.push(i);
  });
  return out;
}

/** ICE restarts this page made: local offers with new ICE credentials (pcProbe). */
export function iceRestartsOf(page: Evaluator): Promise<number> {
  return page.evaluate(() => window.__e2ePcProbe?.iceRestarts ?? 0, undefined);
}
