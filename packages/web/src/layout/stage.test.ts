import { describe, expect, it } from 'vitest';
import type { PeerId } from '@parley/protocol';
import { arrangeStage, gridColumns, stageItems as rawStageItems } from './stage';

/** Plain strings stand in for PeerIds in these tests. */
const stageItems = (self: string, members: string[], screens: string[]) =>
  rawStageItems(self as PeerId, members as PeerId[], screens as PeerId[]);

describe('stageItems', () => {
  it('puts remote cameras first, then self, then remote screens', () => {
    const items = stageItems('me', ['b', 'c'], ['c']);
    expect(items.map((i) => i.key)).toEqual(['camera:b', 'camera:c', 'camera:me', 'screen:c']);
    expect(items.find((i) => i.peerId === 'me')?.self).toBe(true);
  });

  it('skips self among the members, duplicates, and our own screen share', () => {
    const items = stageItems('me', ['b', 'me', 'b'], ['me']);
    expect(items.map((i) => i.key)).toEqual(['camera:b', 'camera:me']);
  });
});

describe('arrangeStage', () => {
  it('is a grid of every tile when nothing is pinned or shared', () => {
    const stage = arrangeStage(stageItems('me', ['b', 'c'], []), null);
    expect(stage.layout).toBe('grid');
    expect(stage.main).toBeNull();
    expect(stage.others).toHaveLength(3);
    expect(stage.tileCount).toBe(3);
  });

  it('spotlights a pinned tile and moves the rest to the strip', () => {
    const stage = arrangeStage(stageItems('me', ['b', 'c'], []), 'camera:c');
    expect(stage.layout).toBe('spotlight');
    expect(stage.main?.key).toBe('camera:c');
    expect(stage.others.map((i) => i.key)).toEqual(['camera:b', 'camera:me']);
  });

  it('spotlights a remote screen share automatically, cameras in the strip', () => {
    const stage = arrangeStage(stageItems('me', ['b', 'c'], ['b']), null);
    expect(stage.layout).toBe('spotlight');
    expect(stage.main?.key).toBe('screen:b');
    expect(stage.others.map((i) => i.kind)).toEqual(['camera', 'camera', 'camera']);
    expect(stage.tileCount).toBe(3);
  });

  it('lets a pin win over a screen share, and ignores a pin that is gone', () => {
    const items = stageItems('me', ['b'], ['b']);
    expect(arrangeStage(items, 'camera:me').main?.key).toBe('camera:me');
    expect(arrangeStage(items, 'camera:left').main?.key).toBe('screen:b');
    expect(arrangeStage(stageItems('me', ['b'], []), 'camera:left').layout).toBe('grid');
  });
});

describe('gridColumns', () => {
  it('adapts from 2 to 6 tiles', () => {
    expect([2, 3, 4, 5, 6].map((n) => gridColumns(n, false))).toEqual([2, 2, 2, 3, 3]);
    expect([2, 3, 4, 5, 6].map((n) => gridColumns(n, true))).toEqual([1, 2, 2, 2, 2]);
  });
});
