import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalMedia, type LocalMediaHooks } from './LocalMedia.js';

/*
 * LocalMedia with a fake getUserMedia (Node has no media devices): what it
 * hands the calls when capture starts or restarts.
 */

class FakeTrack extends EventTarget {
  enabled = true;
  readyState = 'live';
  stopped = false;
  constructor(readonly kind: 'audio' | 'video') {
    super();
  }
  getSettings(): { deviceId: string } {
    return { deviceId: `${this.kind}-device` };
  }
  stop(): void {
    this.stopped = true;
    this.readyState = 'ended';
  }
}

class FakeStream {
  constructor(readonly tracks: FakeTrack[]) {}
  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'video');
  }
}

function hooks(): LocalMediaHooks & { replaced: [string, unknown][] } {
  const replaced: [string, unknown][] = [];
  return {
    replaced,
    replaceTrack: (track, stream) => {
      replaced.push([track.kind, stream]);
      return Promise.resolve();
    },
    clearTrack: () => Promise.resolve(),
    publishState: () => Promise.resolve(),
    addScreen: () => {},
    removeScreen: () => {},
  };
}

beforeEach(() => {
  vi.stubGlobal('window', {
    isSecureContext: true,
    location: { protocol: 'https:', hostname: 'parley.test' },
  });
  vi.stubGlobal('navigator', {
    mediaDevices: {
      getUserMedia: () =>
        Promise.resolve(new FakeStream([new FakeTrack('audio'), new FakeTrack('video')])),
      enumerateDevices: () => Promise.resolve([]),
      addEventListener: () => {},
    },
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('LocalMedia capture', () => {
  it('hands the first capture to calls that already exist (a reload answered before the camera started)', async () => {
    const h = hooks();
    const media = new LocalMedia(h);
    const stream = await media.start();
    expect(h.replaced.map(([kind]) => kind).sort()).toEqual(['audio', 'video']);
    expect(h.replaced.every(([, s]) => s === stream)).toBe(true);
    expect(media.state).toMatchObject({ audio: true, video: true });
  });

  it('a restart replaces the tracks on the senders and stops the old capture', async () => {
    const h = hooks();
    const media = new LocalMedia(h);
    const first = (await media.start()) as unknown as FakeStream;
    h.replaced.length = 0;
    const second = await media.start();
    expect(h.replaced).toHaveLength(2);
    expect(h.replaced.every(([, s]) => s === second)).toBe(true);
    expect(first.tracks.every((t) => t.stopped)).toBe(true);
  });
});
