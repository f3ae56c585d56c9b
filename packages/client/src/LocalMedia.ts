import type { MediaState } from '@parley/protocol';
import { groupDevices, type DeviceList, type SelectedDevices } from './devices.js';
import {
  ClientErrorCode,
  currentMediaEnvironment,
  mediaErrorFromDomException,
  mediaSupportError,
  ParleyError,
  screenShareErrorFromDomException,
} from './errors.js';
import { MediaEvent, type MediaEvents } from './events.js';
import {
  startConstraints,
  trackConstraints,
  type MediaStartOptions,
  type VideoConstraintOptions,
} from './mediaConstraints.js';
import { TypedEmitter } from './TypedEmitter.js';

/** How LocalMedia reaches the calls and the server without knowing them. */
export interface LocalMediaHooks {
  /** Put a new local track on every peer connection's sender of its kind. */
  replaceTrack(track: MediaStreamTrack, stream: MediaStream): Promise<void>;
  /** Send nothing on the senders of `kind` (the camera was turned off and released). */
  clearTrack(kind: 'audio' | 'video'): Promise<void>;
  /** What we send changed (mute/camera/device lost/screen share): tell the room. */
  publishState(state: MediaState): Promise<void>;
  /** A screen share started: send it on every peer connection. */
  addScreen(stream: MediaStream): void;
  /** The screen share stopped: stop sending it everywhere. */
  removeScreen(): void;
}

export interface LocalMediaOptions {
  /**
   * Camera constraints used by start() when it is not given
   * `videoConstraints` itself (ParleyClient option `videoConstraints`).
   */
  videoConstraints?: MediaTrackConstraints | undefined;
}

/**
 * getDisplayMedia video: a screen is mostly static text, so 15 fps is
 * plenty and halves the encoder work of 30 (2-core machines, 6-way mesh).
 */
const SCREEN_VIDEO_CONSTRAINTS: MediaTrackConstraints = { frameRate: { ideal: 15, max: 30 } };

interface SinkableElement {
  sinkId?: string;
  setSinkId?: (deviceId: string) => Promise<void>;
}

type Kind = 'audio' | 'video';

function assertMediaSupported(): void {
  const err = mediaSupportError(currentMediaEnvironment());
  if (err) throw err;
}

async function getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
  assertMediaSupported();
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (err) {
    throw mediaErrorFromDomException(err);
  }
}

/**
 * The local camera and microphone: capture, mute (track.enabled: the
 * microphone keeps running and sends silence), camera off (the camera track
 * is stopped, so the device is released and its light goes off; turning it
 * on captures afresh and replaceTrack puts it on the same senders, with no
 * renegotiation), device switching with replaceTrack and the device list.
 */
export class LocalMedia extends TypedEmitter<MediaEvents> {
  readonly #hooks: LocalMediaHooks;
  readonly #defaultVideo: MediaTrackConstraints | undefined;
  #stream: MediaStream | null = null;
  #screen: MediaStream | null = null;
  #screenStarting: Promise<MediaStream> | null = null;
  /** The user's choice; what is sent also needs a live track of that kind. */
  #audioEnabled = true;
  #videoEnabled = true;
  #selected: SelectedDevices = {};
  #lastOptions: MediaStartOptions = {};
  #published: MediaState = { audio: false, video: false, screen: null };
  /** Serialises capture changes (start/switch/stop) so they never interleave. */
  #queue: Promise<unknown> = Promise.resolve();
  #watchingDevices = false;

  constructor(hooks: LocalMediaHooks, options: LocalMediaOptions = {}) {
    super();
    this.#hooks = hooks;
    this.#defaultVideo = options.videoConstraints;
  }

  /** The local camera+mic stream (a new object after each device switch). */
  get stream(): MediaStream | null {
    return this.#stream;
  }

  /** What we send: true when the track exists, is live and is not muted/off. */
  get state(): MediaState {
    return {
      audio: this.#audioEnabled && this.#liveTrack('audio') !== undefined,
      video: this.#videoEnabled && this.#liveTrack('video') !== undefined,
      screen: this.#screen?.id ?? null,
    };
  }

  /** The screen share being sent (null = not sharing). */
  get screenStream(): MediaStream | null {
    return this.#screen;
  }

  /** Whether the browser can choose the audio output of media elements (setSinkId). */
  get audioOutputSupported(): boolean {
    return (
      typeof HTMLMediaElement !== 'undefined' &&
      typeof (HTMLMediaElement.prototype as SinkableElement).setSinkId === 'function'
    );
  }

  get selectedDevices(): SelectedDevices {
    return { ...this.#selected };
  }

  /**
   * Start (or restart with other devices) camera and microphone. Throws a
   * ParleyError MEDIA_* (insecure page, permission denied, no device, ...).
   */
  start(options: MediaStartOptions = {}): Promise<MediaStream> {
    return this.#serialize(async () => {
      const opts: MediaStartOptions = {
        ...options,
        audioDeviceId: options.audioDeviceId ?? this.#selected.audioinput,
        videoDeviceId: options.videoDeviceId ?? this.#selected.videoinput,
      };
      const constraints = startConstraints(opts);
      if (options.videoConstraints === undefined && this.#defaultVideo && constraints.video) {
        const deviceId = (constraints.video as MediaTrackConstraints).deviceId;
        constraints.video = { ...this.#defaultVideo, ...(deviceId ? { deviceId } : {}) };
      }
      const stream = await getUserMedia(constraints);
      this.#lastOptions = { ...options };
      await this.#adopt(stream);
      return stream;
    });
  }

  /** The stream, starting capture with the last options if needed (calls need it). */
  ensureStarted(): Promise<MediaStream> {
    if (this.#stream) return Promise.resolve(this.#stream);
    return this.start(this.#lastOptions);
  }

  /** Stop capturing; the devices are released (camera light off). */
  stop(): void {
    const stream = this.#stream;
    if (!stream) return;
    this.#stream = null;
    for (const track of stream.getTracks()) track.stop();
    this.safeEmit(MediaEvent.StreamChanged, null);
    void this.#publish();
  }

  /** Mute/unmute the microphone; the other participants are told (peer:updated). */
  async setAudioEnabled(enabled: boolean): Promise<void> {
    this.#audioEnabled = enabled;
    for (const t of this.#stream?.getAudioTracks() ?? []) t.enabled = enabled;
    await this.#publish();
  }

  /**
   * Camera off releases the camera (its light goes off), as Meet and LiveKit
   * do; on captures it again (the selected device) and puts the new track
   * on the same senders (replaceTrack: no renegotiation).
   */
  setVideoEnabled(enabled: boolean): Promise<void> {
    return this.#serialize(async () => {
      this.#videoEnabled = enabled;
      const stream = this.#stream;
      const video = stream?.getVideoTracks() ?? [];
      if (!enabled) {
        if (stream && video.length > 0) {
          this.#setStream(new MediaStream(stream.getAudioTracks()));
          for (const t of video) t.stop();
          await this.#hooks.clearTrack('video');
        }
      } else if (stream && !video.some((t) => t.readyState === 'live')) {
        const track = await this.#captureTrack('video', this.#selected.videoinput);
        await this.#install(track, undefined);
        return;
      }
      await this.#publish();
    });
  }

  /** Devices by kind. Labels are empty until permission was granted once (start()). */
  async listDevices(): Promise<DeviceList> {
    assertMediaSupported();
    this.#watchDevices();
    try {
      return groupDevices(await navigator.mediaDevices.enumerateDevices());
    } catch (err) {
      throw mediaErrorFromDomException(err);
    }
  }

  /** Use another camera: replaceTrack on every call, no renegotiation (camera off: chosen for later). */
  switchVideoInput(deviceId: string): Promise<void> {
    return this.#serialize(async () => {
      if (!this.#videoEnabled) {
        this.#selected = { ...this.#selected, videoinput: deviceId };
        return;
      }
      await this.#switch('video', deviceId);
    });
  }

  /** Use another microphone: replaceTrack on every call, no renegotiation. */
  switchAudioInput(deviceId: string): Promise<void> {
    return this.#serialize(() => this.#switch('audio', deviceId));
  }

  /**
   * Remember the speaker choice (selectedDevices.audiooutput) and emit
   * AudioOutputChanged. Playback is the app's (it owns the media elements):
   * it calls applyAudioOutput(el) for each of them.
   */
  setAudioOutput(deviceId: string): void {
    if (this.#selected.audiooutput === deviceId) return;
    this.#selected = { ...this.#selected, audiooutput: deviceId };
    this.safeEmit(MediaEvent.AudioOutputChanged, deviceId);
  }

  /** Same as setAudioOutput (async for symmetry with the other device switches). */
  selectAudioOutput(deviceId: string): Promise<void> {
    this.setAudioOutput(deviceId);
    return Promise.resolve();
  }

  /**
   * Route `el` to the selected speaker with setSinkId. Returns false (and
   * changes nothing) where setSinkId is unsupported, when no speaker was
   * chosen, or when the device is gone (the element keeps its output).
   */
  async applyAudioOutput(el: HTMLMediaElement): Promise<boolean> {
    const deviceId = this.#selected.audiooutput;
    const sink = el as HTMLMediaElement & SinkableElement;
    if (deviceId === undefined || typeof sink.setSinkId !== 'function') return false;
    if (sink.sinkId === deviceId) return true;
    try {
      await sink.setSinkId(deviceId);
      return true;
    } catch (err) {
      console.warn('[parley] could not switch the audio output', err);
      return false;
    }
  }

  /**
   * Share a screen, window or tab (with its audio where the browser offers
   * it) in addition to the camera. Publishes media.screen = stream.id, then
   * adds the tracks to every peer connection. The browser's own "stop
   * sharing" ends it like stopScreenShare(). Throws MEDIA_PERMISSION_DENIED
   * (the user cancelled the picker), SCREEN_SHARE_UNSUPPORTED,
   * MEDIA_INSECURE_CONTEXT.
   */
  startScreenShare(): Promise<MediaStream> {
    if (this.#screen) return Promise.resolve(this.#screen);
    this.#screenStarting ??= this.#startScreenShare().finally(() => {
      this.#screenStarting = null;
    });
    return this.#screenStarting;
  }

  /** Stop the screen share everywhere (no-op when not sharing). */
  async stopScreenShare(): Promise<void> {
    const stream = this.#screen;
    if (!stream) return;
    this.#screen = null;
    this.#hooks.removeScreen();
    for (const t of stream.getTracks()) t.stop();
    this.safeEmit(MediaEvent.ScreenChanged, null);
    await this.#publish();
  }

  async #startScreenShare(): Promise<MediaStream> {
    const env = currentMediaEnvironment();
    const insecure = mediaSupportError(env);
    if (insecure?.code === ClientErrorCode.MEDIA_INSECURE_CONTEXT) throw insecure;
    const md = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (typeof md?.getDisplayMedia !== 'function') {
      throw new ParleyError(
        ClientErrorCode.SCREEN_SHARE_UNSUPPORTED,
        'This browser cannot share the screen',
      );
    }
    let stream: MediaStream;
    try {
      stream = await md.getDisplayMedia({ video: SCREEN_VIDEO_CONSTRAINTS, audio: true });
    } catch (err) {
      throw screenShareErrorFromDomException(err);
    }
    const video = stream.getVideoTracks()[0];
    if (!video) {
      for (const t of stream.getTracks()) t.stop();
      throw new ParleyError(ClientErrorCode.SCREEN_SHARE_UNSUPPORTED, 'No screen was captured');
    }
    // Text and slides: keep resolution, drop frame rate under pressure.
    if ('contentHint' in video) video.contentHint = 'detail';
    video.addEventListener(
      'ended',
      () => {
        if (this.#screen === stream) void this.stopScreenShare();
      },
      { once: true },
    );
    this.#screen = stream;
    this.safeEmit(MediaEvent.ScreenChanged, stream);
    // Publish first: receivers then know the stream id when its tracks arrive.
    await this.#publish();
    if (this.#screen === stream) this.#hooks.addScreen(stream);
    return stream;
  }

  // ---------------------------------------------------------------------------

  async #switch(kind: Kind, deviceId: string): Promise<void> {
    const stream = this.#stream;
    if (!stream) {
      // Not capturing: the choice applies to the next start().
      this.#select(kind, deviceId);
      return;
    }
    const old =
      this.#liveTrack(kind) ??
      (kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0];
    let track: MediaStreamTrack;
    try {
      track = await this.#captureTrack(kind, deviceId);
    } catch (err) {
      if (
        !(err instanceof ParleyError) ||
        err.code !== ClientErrorCode.MEDIA_DEVICE_IN_USE ||
        !old
      ) {
        throw err;
      }
      // Some platforms open only one device of a kind at a time: release the old one and retry.
      old.stop();
      try {
        track = await this.#captureTrack(kind, deviceId);
      } catch (retryErr) {
        this.#setStream(new MediaStream(stream.getTracks().filter((t) => t !== old)));
        await this.#publish();
        throw retryErr;
      }
    }
    await this.#install(track, old);
  }

  async #captureTrack(kind: Kind, deviceId: string | undefined): Promise<MediaStreamTrack> {
    const video: VideoConstraintOptions | undefined = this.#lastOptions.videoConstraints;
    const constraints: MediaStreamConstraints =
      kind === 'audio'
        ? { audio: trackConstraints('audio', deviceId), video: false }
        : { audio: false, video: trackConstraints('video', deviceId, video) };
    const stream = await getUserMedia(constraints);
    const track = (kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0];
    if (!track) {
      for (const t of stream.getTracks()) t.stop();
      throw new ParleyError(
        ClientErrorCode.MEDIA_DEVICE_NOT_FOUND,
        `No ${kind} track was captured`,
      );
    }
    return track;
  }

  /** Swap `old` for `track` in a new stream object, on every sender, then stop `old`. */
  async #install(track: MediaStreamTrack, old: MediaStreamTrack | undefined): Promise<void> {
    const kind = track.kind as Kind;
    track.enabled = kind === 'audio' ? this.#audioEnabled : this.#videoEnabled;
    const current = this.#stream?.getTracks() ?? [];
    const next = new MediaStream([...current.filter((t) => t !== old), track]);
    this.#watchTrack(track);
    this.#setStream(next);
    this.#recordDevice(track);
    try {
      await this.#hooks.replaceTrack(track, next);
    } finally {
      old?.stop();
    }
    await this.#publish();
  }

  /** Take a freshly captured stream (first start or restart). */
  async #adopt(stream: MediaStream): Promise<void> {
    const old = this.#stream;
    for (const t of stream.getAudioTracks()) t.enabled = this.#audioEnabled;
    for (const t of stream.getVideoTracks()) t.enabled = this.#videoEnabled;
    for (const t of stream.getTracks()) {
      this.#watchTrack(t);
      this.#recordDevice(t);
    }
    this.#setStream(stream);
    this.#watchDevices();
    try {
      // Also on a first capture: a call may already be connected without
      // our tracks (a reload answers the others' offers while the camera
      // starts), so its senders get them now.
      for (const t of stream.getTracks()) await this.#hooks.replaceTrack(t, stream);
    } finally {
      for (const t of old?.getTracks() ?? []) t.stop();
    }
    await this.#publish();
  }

  /**
   * A capture track ended without us stopping it (device unplugged,
   * permission revoked): fall back to the default device of that kind, or
   * drop the track so the room sees it as off.
   */
  #watchTrack(track: MediaStreamTrack): void {
    track.addEventListener(
      'ended',
      () => {
        if (!this.#stream?.getTracks().includes(track)) return; // replaced or stopped by us
        void this.#serialize(async () => {
          if (!this.#stream?.getTracks().includes(track)) return;
          const kind = track.kind as Kind;
          try {
            await this.#install(await this.#captureTrack(kind, undefined), track);
          } catch (err) {
            console.warn(`[parley] lost the ${kind} device and found no replacement`, err);
            const rest = this.#stream.getTracks().filter((t) => t !== track);
            this.#setStream(new MediaStream(rest));
            await this.#publish();
          }
        });
      },
      { once: true },
    );
  }

  #watchDevices(): void {
    if (this.#watchingDevices || typeof navigator === 'undefined' || !navigator.mediaDevices) {
      return;
    }
    this.#watchingDevices = true;
    navigator.mediaDevices.addEventListener('devicechange', () => {
      this.listDevices().then(
        (devices) => this.safeEmit(MediaEvent.DevicesChanged, devices),
        (err: unknown) => console.warn('[parley] could not list devices', err),
      );
    });
  }

  #recordDevice(track: MediaStreamTrack): void {
    const deviceId = track.getSettings().deviceId;
    if (deviceId) this.#select(track.kind as Kind, deviceId);
  }

  #select(kind: Kind, deviceId: string): void {
    this.#selected =
      kind === 'audio'
        ? { ...this.#selected, audioinput: deviceId }
        : { ...this.#selected, videoinput: deviceId };
  }

  #liveTrack(kind: Kind): MediaStreamTrack | undefined {
    const tracks =
      kind === 'audio' ? this.#stream?.getAudioTracks() : this.#stream?.getVideoTracks();
    return tracks?.find((t) => t.readyState === 'live');
  }

  #setStream(stream: MediaStream | null): void {
    this.#stream = stream;
    this.safeEmit(MediaEvent.StreamChanged, stream);
  }

  /** Emit StateChanged and tell the room when what we send changed. */
  async #publish(): Promise<void> {
    const state = this.state;
    const p = this.#published;
    if (state.audio === p.audio && state.video === p.video && state.screen === p.screen) return;
    this.#published = state;
    this.safeEmit(MediaEvent.StateChanged, state);
    await this.#hooks.publishState(state);
  }

  #serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
