import { describe, expect, it } from 'vitest';
import {
  CAMERA_BITRATE_CAPS,
  cameraCap,
  encodingMatches,
  SCREEN_BITRATE_CAPS,
  screenCap,
} from './bitrate.js';

describe('bitrate caps', () => {
  it('camera caps shrink as the mesh grows (the documented table)', () => {
    expect(cameraCap(1)).toEqual({ maxBitrate: 1_500_000, scaleResolutionDownBy: 1 });
    expect(cameraCap(2)).toEqual({ maxBitrate: 1_500_000, scaleResolutionDownBy: 1 });
    expect(cameraCap(3)).toEqual({ maxBitrate: 1_000_000, scaleResolutionDownBy: 4 / 3 });
    expect(cameraCap(4)).toEqual({ maxBitrate: 600_000, scaleResolutionDownBy: 1.5 });
    expect(cameraCap(5)).toEqual({ maxBitrate: 450_000, scaleResolutionDownBy: 2 });
    expect(cameraCap(6)).toEqual({ maxBitrate: 450_000, scaleResolutionDownBy: 2 });
    expect(cameraCap(9)).toEqual({ maxBitrate: 450_000, scaleResolutionDownBy: 2 });
  });

  it('a 6-way mesh fits a 5 Mbps uplink with headroom (camera copies + audio)', () => {
    const n = 6;
    const uplink = (n - 1) * cameraCap(n).maxBitrate + (n - 1) * 40_000;
    expect(uplink).toBeLessThan(2_500_000);
    // Never more upload for a bigger call than the cap table allows.
    for (let k = 2; k < 6; k++) {
      expect(cameraCap(k + 1).maxBitrate).toBeLessThanOrEqual(cameraCap(k).maxBitrate);
    }
  });

  it('screen caps: 1.5 Mbps up to 3 people, 1 Mbps beyond, never downscaled', () => {
    expect(screenCap(2)).toEqual({ maxBitrate: 1_500_000, scaleResolutionDownBy: 1 });
    expect(screenCap(3)).toEqual({ maxBitrate: 1_500_000, scaleResolutionDownBy: 1 });
    expect(screenCap(4)).toEqual({ maxBitrate: 1_000_000, scaleResolutionDownBy: 1 });
    expect(screenCap(6)).toEqual({ maxBitrate: 1_000_000, scaleResolutionDownBy: 1 });
  });

  it('tables are sorted and end with a catch-all row', () => {
    for (const table of [CAMERA_BITRATE_CAPS, SCREEN_BITRATE_CAPS]) {
      const sizes = table.map((r) => r.maxParticipants);
      expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
      expect(sizes.at(-1)).toBe(Number.POSITIVE_INFINITY);
    }
  });

  it('encodingMatches skips a setParameters that would change nothing', () => {
    const cap = cameraCap(4);
    expect(encodingMatches(undefined, cap)).toBe(false);
    expect(encodingMatches({}, cap)).toBe(false);
    expect(encodingMatches({ maxBitrate: 600_000, scaleResolutionDownBy: 1.5 }, cap)).toBe(true);
    expect(encodingMatches({ maxBitrate: 1_500_000 }, cameraCap(2))).toBe(true);
    expect(encodingMatches({ maxBitrate: 600_000 }, cap)).toBe(false);
  });
});
