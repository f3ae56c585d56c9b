/**
 * Incoming-call ring generated with Web Audio: a two-tone ring (400 + 450 Hz,
 * "ring-ring" bursts of 0.4 s with a 0.2 s gap, then 2 s of silence), so the
 * app ships no audio file.
 *
 * Browsers may refuse to start audio before the user has interacted with the
 * page (autoplay policy). That is not an error worth showing: the incoming
 * call view is still visible, so failures are ignored silently.
 */

const TONES_HZ = [400, 450] as const;
const BURSTS_S: ReadonlyArray<readonly [start: number, end: number]> = [
  [0, 0.4],
  [0.6, 1.0],
];
const CYCLE_S = 3;
const VOLUME = 0.12;
/** Fade in/out per burst so the tone starts and stops without clicks. */
const RAMP_S = 0.02;

export interface Ringer {
  stop(): void;
}

export function startRinging(): Ringer {
  const AudioContextClass = window.AudioContext as typeof AudioContext | undefined;
  if (!AudioContextClass) return { stop() {} };

  let context: AudioContext;
  try {
    context = new AudioContextClass();
  } catch {
    return { stop() {} };
  }

  const gain = context.createGain();
  gain.gain.value = 0;
  gain.connect(context.destination);
  const oscillators = TONES_HZ.map((frequency) => {
    const osc = context.createOscillator();
    osc.frequency.value = frequency;
    osc.connect(gain);
    osc.start();
    return osc;
  });

  /** Schedule one ring cycle starting at `at` (AudioContext time). */
  function scheduleCycle(at: number): void {
    for (const [start, end] of BURSTS_S) {
      gain.gain.setValueAtTime(0, at + start);
      gain.gain.linearRampToValueAtTime(VOLUME, at + start + RAMP_S);
      gain.gain.setValueAtTime(VOLUME, at + end - RAMP_S);
      gain.gain.linearRampToValueAtTime(0, at + end);
    }
  }

  let nextCycle = context.currentTime + 0.05;
  function scheduleAhead(): void {
    // Keep one cycle queued ahead of the clock; a timer alone would drift.
    while (nextCycle < context.currentTime + CYCLE_S) {
      scheduleCycle(nextCycle);
      nextCycle += CYCLE_S;
    }
  }

  // A suspended context (autoplay refusal) simply stays silent.
  context.resume().catch(() => {});
  scheduleAhead();
  const timer = window.setInterval(scheduleAhead, 1000);

  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      window.clearInterval(timer);
      for (const osc of oscillators) {
        try {
          osc.stop();
        } catch {
          // Already stopped.
        }
      }
      context.close().catch(() => {});
    },
  };
}
