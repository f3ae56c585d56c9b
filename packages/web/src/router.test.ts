import { describe, expect, it } from 'vitest';
import { parseRoute, parseVideoParam, readLaunchParams } from './router';

describe('parseVideoParam', () => {
  it('reads width, height and frame rate', () => {
    expect(parseVideoParam('320x180@15')).toEqual({ width: 320, height: 180, frameRate: 15 });
  });

  it('makes the frame rate optional', () => {
    expect(parseVideoParam('640x360')).toEqual({ width: 640, height: 360 });
  });

  it('ignores missing, malformed and out-of-range values', () => {
    for (const value of [
      null,
      '',
      'hd',
      '320x',
      'x180',
      '320*180',
      '8x8',
      '320x180@0',
      '320x180@120',
      '5000x180',
    ]) {
      expect(parseVideoParam(value), String(value)).toBeNull();
    }
  });
});

describe('readLaunchParams', () => {
  it('collects every launch parameter', () => {
    expect(readLaunchParams('?name=Zoe&relay=1&lang=zh-CN&video=320x180@15')).toEqual({
      name: 'Zoe',
      relay: true,
      lang: 'zh-CN',
      video: { width: 320, height: 180, frameRate: 15 },
    });
  });

  it('defaults to no video override', () => {
    expect(readLaunchParams('').video).toBeNull();
  });
});

describe('parseRoute', () => {
  it('reads the room of /r/<room>', () => {
    expect(parseRoute('/r/team-1')).toEqual({ room: 'team-1' });
    expect(parseRoute('/')).toEqual({ room: null });
  });
});
