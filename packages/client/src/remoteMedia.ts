/**
 * Sorting one remote participant's tracks into their camera+mic stream and
 * their screen-share stream (DOM-free: tested with fakes).
 *
 * Browsers carry the sender's MediaStream id in the SDP `a=msid` line, so a
 * received track comes with `streams[0].id`; the peer publishes the id of
 * its screen stream in its media state (PeerInfo.media.screen). The two
 * arrive on different paths (peer:updated vs. the renegotiation), in either
 * order, so a track from an unknown second stream is held back until the
 * peer info says what it is (or HOLD_MS passed: then it is camera media,
 * e.g. a camera added after the call started).
 */

export interface TrackLike {
  readonly id: string;
  readonly kind: string;
}

export interface StreamLike<T extends TrackLike> {
  readonly id: string;
  addTrack(track: T): void;
  removeTrack(track: T): void;
  getTracks(): T[];
}

export type TrackClass = 'camera' | 'screen' | 'hold' | 'ignore';

export interface ClassifyContext {
  /** The peer's published screen stream id (null = not sharing). */
  screenId: string | null;
  /** Stream ids already known to carry the peer's camera/mic. */
  cameraIds: ReadonlySet<string>;
  /** Screen ids the peer published before (a late track of a finished share). */
  formerScreens: ReadonlySet<string>;
  /** The track waited HOLD_MS without being named a screen. */
  released: boolean;
}

/** Where a remote track with msid stream `streamId` belongs. */
export function classifyTrack(streamId: string | null, ctx: ClassifyContext): TrackClass {
  if (streamId !== null && streamId === ctx.screenId) return 'screen';
  if (streamId !== null && ctx.formerScreens.has(streamId)) return 'ignore';
  if (streamId === null || ctx.cameraIds.size === 0 || ctx.cameraIds.has(streamId)) {
    return 'camera';
  }
  return ctx.released ? 'camera' : 'hold';
}

/** How long a track of an unexplained second stream waits for the peer info. */
export const HOLD_MS = 3000;

export interface RemotePeerMediaOptions<S> {
  createStream(): S;
  /** Once, when the camera/mic stream got its first tracks (the object stays the same). */
  onCamera(stream: S): void;
  /** A screen share arrived (a new stream object per share). */
  onScreen(stream: S): void;
  /** The announced screen share is gone. */
  onScreenRemoved(): void;
  holdMs?: number;
}

interface Entry {
  streamId: string | null;
  released: boolean;
  holdTimer: ReturnType<typeof setTimeout> | undefined;
}

export class RemotePeerMedia<T extends TrackLike, S extends StreamLike<T>> {
  readonly #opts: RemotePeerMediaOptions<S>;
  readonly #entries = new Map<T, Entry>();
  readonly #cameraIds = new Set<string>();
  readonly #formerScreens = new Set<string>();
  #screenId: string | null = null;
  #camera: S | null = null;
  #cameraAnnounced = false;
  #cameraPending = false;
  #screen: S | null = null;
  #screenAnnounced = false;
  #screenPending: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(opts: RemotePeerMediaOptions<S>) {
    this.#opts = opts;
  }

  /** The camera+mic stream once announced. */
  get camera(): S | null {
    return this.#cameraAnnounced ? this.#camera : null;
  }

  /** The screen stream once announced. */
  get screen(): S | null {
    return this.#screenAnnounced ? this.#screen : null;
  }

  /** Ids of the tracks currently in the screen stream (quality stats leave them out of fps). */
  screenTrackIds(): Set<string> {
    return new Set((this.#screen?.getTracks() ?? []).map((t) => t.id));
  }

  /** Tracks currently in the camera stream. */
  cameraTracks(): T[] {
    return this.#camera?.getTracks() ?? [];
  }

  addTrack(track: T, streamId: string | null): void {
    if (this.#closed) return;
    const old = this.#entries.get(track);
    if (old?.holdTimer !== undefined) clearTimeout(old.holdTimer);
    this.#entries.set(track, { streamId, released: false, holdTimer: undefined });
    this.#reconcile();
  }

  removeTrack(track: T): void {
    const entry = this.#entries.get(track);
    if (!entry) return;
    if (entry.holdTimer !== undefined) clearTimeout(entry.holdTimer);
    this.#entries.delete(track);
    this.#reconcile();
  }

  /** The peer's published screen id (from PeerInfo.media.screen). */
  setScreenId(id: string | null): void {
    if (this.#closed || id === this.#screenId) return;
    if (this.#screenId !== null) this.#formerScreens.add(this.#screenId);
    if (id !== null) this.#formerScreens.delete(id);
    this.#screenId = id;
    this.#dropScreen();
    this.#reconcile();
  }

  close(): void {
    this.#closed = true;
    for (const e of this.#entries.values()) {
      if (e.holdTimer !== undefined) clearTimeout(e.holdTimer);
    }
    if (this.#screenPending !== undefined) clearTimeout(this.#screenPending);
    this.#entries.clear();
  }

  #reconcile(): void {
    if (this.#closed) return;
    for (const [track, entry] of this.#entries) {
      const cls = classifyTrack(entry.streamId, {
        screenId: this.#screenId,
        cameraIds: this.#cameraIds,
        formerScreens: this.#formerScreens,
        released: entry.released,
      });
      if (cls === 'camera') {
        if (entry.streamId !== null) this.#cameraIds.add(entry.streamId);
        this.#camera ??= this.#opts.createStream();
        this.#put(this.#camera, track);
        if (this.#screen) this.#take(this.#screen, track);
      } else if (cls === 'screen') {
        this.#screen ??= this.#opts.createStream();
        this.#put(this.#screen, track);
        if (this.#camera) this.#take(this.#camera, track);
      } else {
        if (this.#camera) this.#take(this.#camera, track);
        if (this.#screen) this.#take(this.#screen, track);
        if (cls === 'hold' && entry.holdTimer === undefined) {
          entry.holdTimer = setTimeout(() => {
            entry.holdTimer = undefined;
            entry.released = true;
            this.#reconcile();
          }, this.#opts.holdMs ?? HOLD_MS);
        }
      }
    }
    // Tracks that are gone leave both streams.
    for (const stream of [this.#camera, this.#screen]) {
      for (const t of stream?.getTracks() ?? []) if (!this.#entries.has(t)) stream?.removeTrack(t);
    }
    this.#announce();
  }

  #announce(): void {
    const camera = this.#camera;
    if (camera && !this.#cameraAnnounced && !this.#cameraPending && camera.getTracks().length > 0) {
      // After the current task: the tracks of one offer arrive in a burst,
      // and the app should get a stream holding them all.
      this.#cameraPending = true;
      setTimeout(() => {
        this.#cameraPending = false;
        if (this.#closed || this.#cameraAnnounced) return;
        this.#cameraAnnounced = true;
        this.#opts.onCamera(camera);
      }, 0);
    }
    const screen = this.#screen;
    if (!screen) return;
    if (screen.getTracks().length === 0) {
      this.#dropScreen();
      return;
    }
    if (!this.#screenAnnounced && this.#screenPending === undefined) {
      this.#screenPending = setTimeout(() => {
        this.#screenPending = undefined;
        if (this.#closed || this.#screen !== screen || screen.getTracks().length === 0) return;
        this.#screenAnnounced = true;
        this.#opts.onScreen(screen);
      }, 0);
    }
  }

  #dropScreen(): void {
    if (this.#screenPending !== undefined) clearTimeout(this.#screenPending);
    this.#screenPending = undefined;
    const wasAnnounced = this.#screenAnnounced;
    this.#screen = null;
    this.#screenAnnounced = false;
    if (wasAnnounced) this.#opts.onScreenRemoved();
  }

  #put(stream: S, track: T): void {
    if (!stream.getTracks().includes(track)) stream.addTrack(track);
  }

  #take(stream: S, track: T): void {
    if (stream.getTracks().includes(track)) stream.removeTrack(track);
  }
}
