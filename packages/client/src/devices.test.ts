import { describe, expect, it } from 'vitest';
import { groupDevices, hasDeviceLabels } from './devices.js';
import {
  DEFAULT_VIDEO_CONSTRAINTS,
  startConstraints,
  trackConstraints,
} from './mediaConstraints.js';

describe('groupDevices', () => {
  it('groups by kind in browser order, drops duplicates and unknown kinds', () => {
    const list = groupDevices([
      { deviceId: 'default', kind: 'audioinput', label: 'Default - Mic', groupId: 'g1' },
      { deviceId: 'mic1', kind: 'audioinput', label: 'Mic', groupId: 'g1' },
      { deviceId: 'cam1', kind: 'videoinput', label: 'Cam', groupId: 'g2' },
      { deviceId: 'cam1', kind: 'videoinput', label: 'Cam', groupId: 'g2' },
      { deviceId: 'spk', kind: 'audiooutput', label: 'Speaker', groupId: 'g3' },
      { deviceId: 'x', kind: 'somethingelse', label: '?', groupId: '' },
    ]);
    expect(list.audioinput.map((d) => d.deviceId)).toEqual(['default', 'mic1']);
    expect(list.videoinput.map((d) => d.deviceId)).toEqual(['cam1']);
    expect(list.audiooutput).toEqual([
      { deviceId: 'spk', kind: 'audiooutput', label: 'Speaker', groupId: 'g3' },
    ]);
    expect(hasDeviceLabels(list)).toBe(true);
  });

  it('before permission labels are empty', () => {
    const list = groupDevices([
      { deviceId: '', kind: 'audioinput', label: '', groupId: '' },
      { deviceId: '', kind: 'videoinput', label: '', groupId: '' },
    ]);
    expect(hasDeviceLabels(list)).toBe(false);
  });
});

describe('media constraints', () => {
  it('defaults are what a real call needs: 720p30 ideal, voice processing on', () => {
    expect(startConstraints({})).toEqual({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      video: {
        width: { ideal: DEFAULT_VIDEO_CONSTRAINTS.width },
        height: { ideal: DEFAULT_VIDEO_CONSTRAINTS.height },
        frameRate: { ideal: DEFAULT_VIDEO_CONSTRAINTS.frameRate },
      },
    });
    expect(DEFAULT_VIDEO_CONSTRAINTS).toEqual({ width: 1280, height: 720, frameRate: 30 });
  });

  it('chosen devices are exact; sizes may be lowered for tests', () => {
    const c = startConstraints({
      audioDeviceId: 'mic1',
      videoDeviceId: 'cam1',
      videoConstraints: { width: 320, height: 240, frameRate: 15 },
    });
    expect(c.audio).toMatchObject({ deviceId: { exact: 'mic1' } });
    expect(c.video).toEqual({
      width: { ideal: 320 },
      height: { ideal: 240 },
      frameRate: { ideal: 15 },
      deviceId: { exact: 'cam1' },
    });
  });

  it('a kind can be left out; an empty or undefined device id means default', () => {
    expect(startConstraints({ video: false }).video).toBe(false);
    expect(startConstraints({ audio: false }).audio).toBe(false);
    expect(trackConstraints('audio', '')).not.toHaveProperty('deviceId');
    expect(trackConstraints('video', undefined)).not.toHaveProperty('deviceId');
  });
});
