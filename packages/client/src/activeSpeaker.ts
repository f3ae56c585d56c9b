/**
 * Active-speaker selection with hysteresis (pure, unit-tested; Call feeds it
 * audio levels every SPEAKER_SAMPLE_MS).
 *
 * Levels are linear 0..1 as WebRTC reports them (RFC 6464 audio level
 * converted: 1.0 = 0 dBov). Rules:
 * - A participant qualifies after its level was >= threshold for
 *   `minConsecutive` samples in a row and it is not muted (a muted
 *   participant never qualifies, whatever its level says).
 * - The active speaker is kept while it keeps speaking, even when someone
 *   else is momentarily louder (no ping-pong between two talkers).
 * - When it falls silent, the loudest qualifying participant takes over;
 *   with nobody qualifying it is kept until it was silent for `holdMs`,
 *   then there is no active speaker (null).
 * - Muting or leaving drops the active speaker at once.
 */

export interface SpeakerSample {
  /** Linear audio level 0..1; null = no data for this participant. */
  level: number | null;
  muted: boolean;
}

export interface ActiveSpeakerOptions {
  /** 0.02 ~ -34 dBov: above room noise after noise suppression, below quiet speech. */
  threshold: number;
  /** Samples in a row above the threshold before someone qualifies. */
  minConsecutive: number;
  /** How long a silent active speaker is kept when nobody else qualifies. */
  holdMs: number;
}

export const DEFAULT_ACTIVE_SPEAKER_OPTIONS: ActiveSpeakerOptions = {
  threshold: 0.02,
  minConsecutive: 2,
  holdMs: 1500,
};

/** How often Call samples audio levels. */
export const SPEAKER_SAMPLE_MS = 250;

/** getStats audio counters of one stream (see PeerSession AudioSample). */
export interface AudioCounters {
  level: number | null;
  energy: number | null;
  duration: number | null;
}

/**
 * The level over the interval between two samples: sqrt(dEnergy / dDuration)
 * (the RMS of the level over the whole interval, as the stats spec
 * suggests), which does not alias with a sampling that happens to fall into
 * pauses between syllables. Without usable counters: the instantaneous level.
 */
export function intervalLevel(prev: AudioCounters | undefined, cur: AudioCounters): number | null {
  if (
    prev?.energy != null &&
    prev.duration != null &&
    cur.energy !== null &&
    cur.duration !== null &&
    cur.duration > prev.duration &&
    cur.energy >= prev.energy
  ) {
    return Math.sqrt((cur.energy - prev.energy) / (cur.duration - prev.duration));
  }
  return cur.level;
}

export class ActiveSpeakerDetector<Id extends string = string> {
  readonly #options: ActiveSpeakerOptions;
  readonly #streaks = new Map<Id, number>();
  #active: Id | null = null;
  /** When the active speaker was last heard above the threshold. */
  #activeLastHeard = 0;

  constructor(options: Partial<ActiveSpeakerOptions> = {}) {
    this.#options = { ...DEFAULT_ACTIVE_SPEAKER_OPTIONS, ...options };
  }

  get active(): Id | null {
    return this.#active;
  }

  /** Feed one sample of everyone's level (absent ids have left); returns the active speaker. */
  sample(nowMs: number, samples: ReadonlyMap<Id, SpeakerSample>): Id | null {
    const { threshold, minConsecutive, holdMs } = this.#options;
    const loud = (s: SpeakerSample) => !s.muted && s.level !== null && s.level >= threshold;

    for (const id of [...this.#streaks.keys()]) {
      if (!samples.has(id)) this.#streaks.delete(id);
    }
    const qualified: { id: Id; level: number }[] = [];
    for (const [id, s] of samples) {
      const streak = loud(s) ? (this.#streaks.get(id) ?? 0) + 1 : 0;
      this.#streaks.set(id, streak);
      if (streak >= minConsecutive) qualified.push({ id, level: s.level ?? 0 });
    }

    const current = this.#active === null ? undefined : samples.get(this.#active);
    if (this.#active !== null && (current === undefined || current.muted)) {
      this.#active = null; // left or muted: gone at once
    }
    if (this.#active !== null && current !== undefined && loud(current)) {
      this.#activeLastHeard = nowMs;
      return this.#active; // still talking: keep, even if someone is louder right now
    }
    const best = qualified
      .filter((q) => q.id !== this.#active)
      .sort((a, b) => b.level - a.level)[0];
    if (best) {
      this.#active = best.id;
      this.#activeLastHeard = nowMs;
    } else if (this.#active !== null && nowMs - this.#activeLastHeard >= holdMs) {
      this.#active = null;
    }
    return this.#active;
  }

  reset(): void {
    this.#streaks.clear();
    this.#active = null;
  }
}
