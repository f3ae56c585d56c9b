import { describe, expect, it } from 'vitest';
import { ActiveSpeakerDetector, intervalLevel, type SpeakerSample } from './activeSpeaker.js';

const live = (level: number): SpeakerSample => ({ level, muted: false });
const muted = (level: number): SpeakerSample => ({ level, muted: true });

/** Feed a sequence of samples 250 ms apart; returns the active speaker after each. */
function run(
  d: ActiveSpeakerDetector,
  seq: Record<string, SpeakerSample>[],
  start = 0,
): (string | null)[] {
  return seq.map((s, i) => d.sample(start + i * 250, new Map(Object.entries(s))));
}

describe('ActiveSpeakerDetector', () => {
  it('needs two loud samples in a row before someone becomes active', () => {
    const d = new ActiveSpeakerDetector();
    expect(run(d, [{ a: live(0.3) }, { a: live(0.3) }, { a: live(0.3) }])).toEqual([
      null,
      'a',
      'a',
    ]);
  });

  it('does not flicker on alternating loud/quiet samples', () => {
    const d = new ActiveSpeakerDetector();
    const seq = Array.from({ length: 12 }, (_, i) => ({ a: live(i % 2 ? 0.4 : 0.001) }));
    expect(run(d, seq).every((x) => x === null)).toBe(true);
  });

  it('keeps the current speaker while two people alternate being the loudest', () => {
    const d = new ActiveSpeakerDetector();
    run(d, [
      { a: live(0.3), b: live(0) },
      { a: live(0.3), b: live(0) },
    ]);
    expect(d.active).toBe('a');
    const seq = Array.from({ length: 10 }, (_, i) => ({
      a: live(i % 2 ? 0.5 : 0.1),
      b: live(i % 2 ? 0.1 : 0.5),
    }));
    expect(new Set(run(d, seq, 500))).toEqual(new Set(['a']));
  });

  it('a muted participant never wins, however loud its reported level', () => {
    const d = new ActiveSpeakerDetector();
    const seq = Array.from({ length: 8 }, () => ({ a: muted(0.9), b: live(0.05) }));
    expect(run(d, seq).slice(1)).toEqual(Array(7).fill('b'));
    const d2 = new ActiveSpeakerDetector();
    expect(
      run(
        d2,
        Array.from({ length: 8 }, () => ({ a: muted(0.9) })),
      ).every((x) => x === null),
    ).toBe(true);
  });

  it('muting drops the active speaker at once', () => {
    const d = new ActiveSpeakerDetector();
    run(d, [{ a: live(0.3) }, { a: live(0.3) }]);
    expect(d.sample(500, new Map([['a', muted(0.3)]]))).toBeNull();
  });

  it('holds a silent speaker for 1.5 s, then clears it', () => {
    const d = new ActiveSpeakerDetector();
    run(d, [{ a: live(0.3) }, { a: live(0.3) }]); // heard at t=250
    expect(d.sample(1000, new Map([['a', live(0)]]))).toBe('a');
    expect(d.sample(1500, new Map([['a', live(0)]]))).toBe('a');
    expect(d.sample(1749, new Map([['a', live(0)]]))).toBe('a');
    expect(d.sample(1750, new Map([['a', live(0)]]))).toBeNull();
  });

  it('hands over when the speaker is silent and someone else qualifies', () => {
    const d = new ActiveSpeakerDetector();
    run(d, [
      { a: live(0.3), b: live(0) },
      { a: live(0.3), b: live(0) },
    ]);
    const next = run(
      d,
      [
        { a: live(0), b: live(0.2) },
        { a: live(0), b: live(0.2) },
      ],
      500,
    );
    expect(next).toEqual(['a', 'b']);
  });

  it('picks the loudest of several qualifying participants', () => {
    const d = new ActiveSpeakerDetector();
    const seq = [
      { a: live(0.1), b: live(0.4), c: live(0.2) },
      { a: live(0.1), b: live(0.4), c: live(0.2) },
    ];
    expect(run(d, seq)).toEqual([null, 'b']);
  });

  it('someone who left stops being the active speaker', () => {
    const d = new ActiveSpeakerDetector();
    run(d, [{ a: live(0.3) }, { a: live(0.3) }]);
    expect(d.sample(500, new Map([['b', live(0)]]))).toBeNull();
  });

  it('no data (level null) never qualifies', () => {
    const d = new ActiveSpeakerDetector();
    const seq = Array.from({ length: 4 }, () => ({ a: { level: null, muted: false } }));
    expect(run(d, seq).every((x) => x === null)).toBe(true);
  });
});

describe('intervalLevel', () => {
  it('is the RMS level over the interval from the energy counters', () => {
    const prev = { level: 0, energy: 1, duration: 10 };
    const cur = { level: 0, energy: 1 + 0.25 * 0.04, duration: 10.25 };
    expect(intervalLevel(prev, cur)).toBeCloseTo(0.2);
  });
  it('falls back to the instantaneous level without usable counters', () => {
    expect(intervalLevel(undefined, { level: 0.3, energy: 5, duration: 1 })).toBe(0.3);
    expect(
      intervalLevel(
        { level: 0, energy: null, duration: null },
        { level: 0.1, energy: null, duration: null },
      ),
    ).toBe(0.1);
    // Counters reset (new stream) or no time passed: no delta.
    expect(
      intervalLevel({ level: 0, energy: 9, duration: 9 }, { level: 0.2, energy: 1, duration: 1 }),
    ).toBe(0.2);
    expect(
      intervalLevel({ level: 0, energy: 1, duration: 1 }, { level: null, energy: 1, duration: 1 }),
    ).toBeNull();
  });
});
