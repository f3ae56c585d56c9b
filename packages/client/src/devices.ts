/** Media devices grouped by kind, as the device pickers need them. */

export interface DeviceInfo {
  deviceId: string;
  kind: MediaDeviceKind;
  /** Empty until the page has been granted media permission once. */
  label: string;
  groupId: string;
}

export interface DeviceList {
  audioinput: DeviceInfo[];
  videoinput: DeviceInfo[];
  audiooutput: DeviceInfo[];
}

export interface SelectedDevices {
  audioinput?: string;
  videoinput?: string;
  audiooutput?: string;
}

/** The fields of MediaDeviceInfo we read (structural, so tests can pass plain objects). */
export interface MediaDeviceInfoLike {
  deviceId: string;
  kind: string;
  label: string;
  groupId: string;
}

/**
 * Group enumerateDevices() output by kind, dropping duplicates (same kind and
 * deviceId) and unknown kinds, keeping the browser's order (default first).
 */
export function groupDevices(devices: Iterable<MediaDeviceInfoLike>): DeviceList {
  const out: DeviceList = { audioinput: [], videoinput: [], audiooutput: [] };
  const seen = new Set<string>();
  for (const d of devices) {
    if (d.kind !== 'audioinput' && d.kind !== 'videoinput' && d.kind !== 'audiooutput') continue;
    const key = `${d.kind}\u0000${d.deviceId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out[d.kind].push({ deviceId: d.deviceId, kind: d.kind, label: d.label, groupId: d.groupId });
  }
  return out;
}

/** Whether any label is visible (false before permission was granted). */
export function hasDeviceLabels(list: DeviceList): boolean {
  return [...list.audioinput, ...list.videoinput, ...list.audiooutput].some((d) => d.label !== '');
}
