/**
 * Sender bitrate caps for mesh calls (pure, unit-tested).
 *
 * In a full mesh every participant encodes and uploads one copy of its
 * camera per other participant, so the uplink need grows with (n - 1). The
 * caps keep a 6-way call inside an ordinary home uplink (5-10 Mbps):
 *
 *   n  camera cap  scale  uplink for camera copies (n - 1 x cap)
 *   2  1500 kbps   1      1.5 Mbps  (720p30 looks good at 1.2-1.5 Mbps)
 *   3  1000 kbps   4/3    2.0 Mbps  (~540p: 1 Mbps is too little for 720p)
 *   4   600 kbps   1.5    1.8 Mbps  (~480p: 600 kbps is too little for 720p)
 *   5   450 kbps   2      1.8 Mbps  (~360p)
 *   6   450 kbps   2      2.25 Mbps
 *
 * plus ~40 kbps of Opus per copy (5 x 40 = 200 kbps at n = 6). Downlink is
 * the mirror image. A screen share is sent in addition, at 1.5 Mbps up to 3
 * participants and 1.0 Mbps beyond (text needs resolution more than frame
 * rate; contentHint 'detail' tells the encoder so).
 *
 * Below 1.2 Mbps a smaller picture looks better than a starved 720p one, and
 * it is also what keeps a mesh affordable in CPU: every copy is encoded
 * separately (a 4-way mesh at 720p saturates a 2-core laptop).
 */

export interface VideoCap {
  /** RTCRtpEncodingParameters.maxBitrate, bits per second. */
  maxBitrate: number;
  /** RTCRtpEncodingParameters.scaleResolutionDownBy (1 = full capture size). */
  scaleResolutionDownBy: number;
}

/** Camera caps by call size (self included); the first row whose maxParticipants >= n applies. */
export const CAMERA_BITRATE_CAPS: readonly (VideoCap & { maxParticipants: number })[] = [
  { maxParticipants: 2, maxBitrate: 1_500_000, scaleResolutionDownBy: 1 },
  { maxParticipants: 3, maxBitrate: 1_000_000, scaleResolutionDownBy: 4 / 3 },
  { maxParticipants: 4, maxBitrate: 600_000, scaleResolutionDownBy: 1.5 },
  { maxParticipants: Number.POSITIVE_INFINITY, maxBitrate: 450_000, scaleResolutionDownBy: 2 },
];

/** Screen-share caps by call size (self included). */
export const SCREEN_BITRATE_CAPS: readonly (VideoCap & { maxParticipants: number })[] = [
  { maxParticipants: 3, maxBitrate: 1_500_000, scaleResolutionDownBy: 1 },
  { maxParticipants: Number.POSITIVE_INFINITY, maxBitrate: 1_000_000, scaleResolutionDownBy: 1 },
];

function pick(table: readonly (VideoCap & { maxParticipants: number })[], n: number): VideoCap {
  const row = table.find((r) => Math.max(n, 1) <= r.maxParticipants) ?? table[table.length - 1];
  if (!row) throw new Error('empty bitrate table');
  return { maxBitrate: row.maxBitrate, scaleResolutionDownBy: row.scaleResolutionDownBy };
}

/** The camera cap for a call of `participants` people (self included). */
export function cameraCap(participants: number): VideoCap {
  return pick(CAMERA_BITRATE_CAPS, participants);
}

/** The screen-share cap for a call of `participants` people (self included). */
export function screenCap(participants: number): VideoCap {
  return pick(SCREEN_BITRATE_CAPS, participants);
}

/** What a sender's encoding should carry; undefined fields are left as the browser has them. */
export interface EncodingLike {
  maxBitrate?: number | undefined;
  scaleResolutionDownBy?: number | undefined;
}

/** Whether an encoding already carries `cap` (setParameters is skipped then). */
export function encodingMatches(encoding: EncodingLike | undefined, cap: VideoCap): boolean {
  if (!encoding) return false;
  const scale = encoding.scaleResolutionDownBy ?? 1;
  return encoding.maxBitrate === cap.maxBitrate && scale === cap.scaleResolutionDownBy;
}
