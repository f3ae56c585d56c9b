/**
 * Size limits shared by both ends. The server enforces them; the SDK uses the
 * same numbers to refuse a bad request before sending it.
 *
 * SDP sizes measured from Chromium: an audio+video offer is 4-6 KB, with a
 * screen-share m-line and many candidates ~10 KB. 64 KiB leaves room for a
 * 6-way mesh with every codec listed, and stops anyone pushing megabytes.
 */
export const Limits = {
  ROOM_ID_MAX: 64,
  DISPLAY_NAME_MAX: 40,
  SDP_MAX: 64 * 1024,
  CANDIDATE_MAX: 1024,
  CHAT_TEXT_MAX: 2000,
  /** Chat messages a room keeps for late joiners (oldest dropped first). */
  CHAT_HISTORY_MAX: 100,
  /** Socket.IO maxHttpBufferSize: a larger frame closes the connection. */
  FRAME_MAX: 128 * 1024,
  /** A resume token (opaque to clients; a signed record of room, peer and call). */
  RESUME_TOKEN_MAX: 4096,
  /** Messages kept for a member whose connection is down, delivered when it resumes. */
  OUTBOX_MAX: 512,
} as const;
