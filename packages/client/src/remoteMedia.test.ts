import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classifyTrack, RemotePeerMedia, type TrackLike } from './remoteMedia.js';

class FakeStream {
  static n = 0;
  readonly id = `local-${++FakeStream.n}`;
  readonly tracks: TrackLike[] = [];
  addTrack(t: TrackLike): void {
    this.tracks.push(t);
  }
  removeTrack(t: TrackLike): void {
    const i = this.tracks.indexOf(t);
    if (i >= 0) this.tracks.splice(i, 1);
  }
  getTracks(): TrackLike[] {
    return [...this.tracks];
  }
}

const track = (id: string, kind = 'video'): TrackLike => ({ id, kind });

function setup() {
  const log: string[] = [];
  let screen: FakeStream | null = null;
  let camera: FakeStream | null = null;
  const media = new RemotePeerMedia<TrackLike, FakeStream>({
    createStream: () => new FakeStream(),
    onCamera: (s) => {
      camera = s;
      log.push(
        `camera:${s
          .getTracks()
          .map((t) => t.id)
          .join(',')}`,
      );
    },
    onScreen: (s) => {
      screen = s;
      log.push(
        `screen:${s
          .getTracks()
          .map((t) => t.id)
          .join(',')}`,
      );
    },
    onScreenRemoved: () => log.push('screen-removed'),
  });
  return { media, log, camera: () => camera, screen: () => screen };
}

describe('classifyTrack', () => {
  const ctx = {
    screenId: 'S',
    cameraIds: new Set(['C']),
    formerScreens: new Set(['OLD']),
    released: false,
  };
  it.each([
    ['S', 'screen'],
    ['C', 'camera'],
    [null, 'camera'],
    ['OLD', 'ignore'],
    ['X', 'hold'],
  ] as const)('%s -> %s', (id, cls) => {
    expect(classifyTrack(id, ctx)).toBe(cls);
  });
  it('the first stream seen is the camera; a released unknown stream too', () => {
    expect(classifyTrack('X', { ...ctx, cameraIds: new Set() })).toBe('camera');
    expect(classifyTrack('X', { ...ctx, released: true })).toBe('camera');
  });
});

describe('RemotePeerMedia', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('announces the camera stream once, holding the whole first burst of tracks', () => {
    const { media, log } = setup();
    media.addTrack(track('a', 'audio'), 'C');
    media.addTrack(track('v'), 'C');
    vi.advanceTimersByTime(0);
    media.addTrack(track('v2'), 'C');
    vi.advanceTimersByTime(0);
    expect(log).toEqual(['camera:a,v']);
    expect(media.camera?.getTracks().map((t) => t.id)).toEqual(['a', 'v', 'v2']);
  });

  it('a screen track whose id is already published goes to the screen stream', () => {
    const { media, log } = setup();
    media.setScreenId('S');
    media.addTrack(track('a', 'audio'), 'C');
    media.addTrack(track('v'), 'C');
    media.addTrack(track('s'), 'S');
    vi.advanceTimersByTime(0);
    expect(log).toEqual(['camera:a,v', 'screen:s']);
    expect(media.screenTrackIds()).toEqual(new Set(['s']));
  });

  it('a screen track that arrives before the peer info is held, then classified', () => {
    const { media, log } = setup();
    media.addTrack(track('v'), 'C');
    media.addTrack(track('s'), 'S');
    media.addTrack(track('sa', 'audio'), 'S');
    vi.advanceTimersByTime(0);
    expect(log).toEqual(['camera:v']);
    expect(media.camera?.getTracks().map((t) => t.id)).toEqual(['v']);
    media.setScreenId('S');
    vi.advanceTimersByTime(0);
    expect(log).toEqual(['camera:v', 'screen:s,sa']);
  });

  it('a track of an unexplained second stream becomes camera media after HOLD_MS', () => {
    const { media } = setup();
    media.addTrack(track('a', 'audio'), 'C');
    media.addTrack(track('v'), 'C2');
    vi.advanceTimersByTime(0);
    expect(media.camera?.getTracks().map((t) => t.id)).toEqual(['a']);
    vi.advanceTimersByTime(3000);
    expect(media.camera?.getTracks().map((t) => t.id)).toEqual(['a', 'v']);
  });

  it('stopping the share: screen removed when the info says so; its late tracks are ignored', () => {
    const { media, log } = setup();
    media.setScreenId('S');
    media.addTrack(track('v'), 'C');
    const s = track('s');
    media.addTrack(s, 'S');
    vi.advanceTimersByTime(0);
    media.setScreenId(null);
    expect(log).toEqual(['camera:v', 'screen:s', 'screen-removed']);
    expect(media.screen).toBeNull();
    vi.advanceTimersByTime(5000);
    expect(media.camera?.getTracks().map((t) => t.id)).toEqual(['v']);
    media.removeTrack(s);
    expect(log).toHaveLength(3);
  });

  it('stopping the share: screen removed when its tracks go first', () => {
    const { media, log } = setup();
    media.setScreenId('S');
    media.addTrack(track('v'), 'C');
    const s = track('s');
    media.addTrack(s, 'S');
    vi.advanceTimersByTime(0);
    media.removeTrack(s);
    expect(log).toEqual(['camera:v', 'screen:s', 'screen-removed']);
    media.setScreenId(null);
    expect(log).toHaveLength(3);
  });

  it('a new share after the first one gets a new stream', () => {
    const { media, log } = setup();
    media.addTrack(track('v'), 'C');
    media.setScreenId('S1');
    media.addTrack(track('s1'), 'S1');
    vi.advanceTimersByTime(0);
    media.setScreenId('S2');
    media.addTrack(track('s2'), 'S2');
    vi.advanceTimersByTime(0);
    expect(log).toEqual(['camera:v', 'screen:s1', 'screen-removed', 'screen:s2']);
  });

  it('a share that ends before it was announced emits nothing', () => {
    const { media, log } = setup();
    media.addTrack(track('v'), 'C');
    media.setScreenId('S');
    const s = track('s');
    media.addTrack(s, 'S');
    media.removeTrack(s);
    vi.advanceTimersByTime(0);
    expect(log).toEqual(['camera:v']);
  });

  it('close() stops pending announcements and hold timers', () => {
    const { media, log } = setup();
    media.addTrack(track('v'), 'C');
    media.addTrack(track('x'), 'X');
    media.close();
    vi.advanceTimersByTime(5000);
    expect(log).toEqual([]);
  });
});
