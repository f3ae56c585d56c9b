import {
  ErrorCode,
  type IceCandidate,
  type PeerId,
  type SessionDescription,
} from '@parley/protocol';
import { encodingMatches, type VideoCap } from './bitrate.js';
import type { SetupStep } from './setupTimeline.js';
import { ParleyError, toParleyError } from './errors.js';
import {
  connectionTypeFromStats,
  iceUfragsOf,
  type ConnectionType,
  type StatLike,
} from './iceStats.js';
import {
  DEFAULT_RECOVERY_TIMING,
  decideOnDescription,
  isAnswerExpected,
  isCurrentGeneration,
  isIceRestart,
  isPolite,
  nextPeerSessionState,
  nextRestartDelayMs,
  type PeerSessionInput,
  type RestartTrigger,
  type PeerSessionState,
  type RecoveryTiming,
} from './negotiation.js';
import { observedFingerprints, safetyCodeOf } from './safetyCode.js';
import { TypedEmitter } from './TypedEmitter.js';

export type PeerSessionEvents = {
  stateChanged: (state: PeerSessionState, prev: PeerSessionState) => void;
  /**
   * A remote track started arriving; `streamId` is the sender's MediaStream
   * id from the SDP msid (tells camera from screen share). Fires again for
   * the same track when its transceiver receives again after a pause.
   */
  remoteTrack: (track: MediaStreamTrack, streamId: string | null) => void;
  /** A remote track stopped: the sender removed it (renegotiation) or it ended. */
  remoteTrackRemoved: (track: MediaStreamTrack) => void;
  connectionTypeChanged: (type: ConnectionType) => void;
  /** An ICE restart did not bring the connection back in time. */
  iceFailed: () => void;
  /** A non-fatal failure worth reporting (negotiation step, candidate). */
  error: (err: ParleyError) => void;
};

/** How a PeerSession talks to the other side (through the signaling server). */
export interface PeerSignaler {
  description(description: SessionDescription): Promise<void>;
  candidate(candidate: IceCandidate | null): Promise<void>;
}

export interface PeerSessionOptions {
  selfId: PeerId;
  remoteId: PeerId;
  rtcConfig: RTCConfiguration;
  /**
   * 'offerer' (already in the call when this peer joined): add local tracks
   * at once, which makes the first offer. 'answerer' (just joined): add them
   * while answering the first remote offer, so they reuse the offered
   * transceivers and no second negotiation is needed.
   */
  role: 'offerer' | 'answerer';
  /** The local camera/mic stream at the time tracks are added. */
  localStream: () => MediaStream | null;
  /** The local screen share at the time tracks are added (a late joiner gets an ongoing share). */
  screenStream?: () => MediaStream | null;
  signaler: PeerSignaler;
  /** Fresh ICE servers (TURN credentials expire; coturn only checks them on allocation). */
  refreshIceServers: () => Promise<RTCIceServer[] | null>;
  timing?: Partial<RecoveryTiming>;
  /**
   * false: connect without sending anything (instant answer while a call
   * rings): audio and video transceivers are negotiated sendrecv with no
   * track, so ICE and DTLS complete but no RTP with media leaves. Media
   * starts with startSending() (replaceTrack: no renegotiation). Default true.
   */
  sendMedia?: boolean;
  /** A step of this connection's setup happened (the call's setup timeline). */
  onSetupStep?: (step: SetupStep) => void;
}

/** Audio level counters of one stream as getStats reports them (null = not reported). */
export interface AudioSample {
  /** Linear 0..1. */
  level: number | null;
  /** Cumulative energy and duration: their deltas give the level over an interval. */
  energy: number | null;
  duration: number | null;
}

function audioSampleOf(report: RTCStatsReport, type: 'inbound-rtp' | 'media-source'): AudioSample {
  for (const s of report.values() as Iterable<StatLike>) {
    if (s.type !== type || (s['kind'] ?? s['mediaType']) !== 'audio') continue;
    const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    return {
      level: n(s['audioLevel']),
      energy: n(s['totalAudioEnergy']),
      duration: n(s['totalSamplesDuration']),
    };
  }
  return { level: null, energy: null, duration: null };
}

/**
 * Warm start: the camera's first frames go out at a quarter of the capture
 * size (a 720p keyframe is ~10x the bytes of a 320x180 one, and the pacer
 * sends it at the cold bandwidth estimate, so it arrives hundreds of ms
 * later). After this long with media flowing the resolution climbs to the
 * call's cap; the browser's bandwidth estimate has ramped up by then.
 */
export const WARM_START_MS = 1500;
const WARM_START_SCALE = 4;
/** The camera's cap before the call sets one (a 1:1 call's). */
const DEFAULT_CAMERA_CAP: VideoCap = { maxBitrate: 1_500_000, scaleResolutionDownBy: 1 };

/**
 * How often the first remote frame is looked for, and for how long (setup
 * only): the receivers' synchronization sources, a synchronous read filled
 * in when a frame is delivered; where a browser lacks them, their stats
 * (framesDecoded: a round trip to the media threads, so less often).
 */
const FIRST_FRAME_POLL_MS = 5;
const FIRST_FRAME_STATS_POLL_MS = 50;
const FIRST_FRAME_WATCH_MS = 15_000;
/** A camera that must go on but whose setParameters failed is tried again this often. */
const CAPS_RETRY_MS = 100;
const MAX_CAPS_RETRIES = 10;

/** Remote candidates kept while no remote description exists yet. */
const MAX_PENDING_CANDIDATES = 256;

/**
 * An answerer that got no offer this long adds its tracks itself (which
 * makes an offer): both ends of a pair believing they are the newcomer
 * must not wait for each other forever. Perfect negotiation sorts out a
 * collision with a late offer.
 */
export const ANSWERER_FALLBACK_MS = 4000;

/** Remote directions in which a transceiver no longer receives anything. */
const NOT_RECEIVING: readonly (RTCRtpTransceiverDirection | null)[] = [
  'sendonly',
  'inactive',
  'stopped',
];

function toCandidateInit(c: IceCandidate): RTCIceCandidateInit {
  const init: RTCIceCandidateInit = { candidate: c.candidate };
  if (c.sdpMid !== undefined) init.sdpMid = c.sdpMid;
  if (c.sdpMLineIndex !== undefined) init.sdpMLineIndex = c.sdpMLineIndex;
  if (c.usernameFragment !== undefined) init.usernameFragment = c.usernameFragment;
  return init;
}

function fromCandidate(c: RTCIceCandidate): IceCandidate | null {
  // Some browsers signal end-of-candidates with an empty candidate line.
  if (c.candidate === '') return null;
  return {
    candidate: c.candidate,
    sdpMid: c.sdpMid,
    sdpMLineIndex: c.sdpMLineIndex,
    usernameFragment: c.usernameFragment,
  };
}

/**
 * Owns exactly one RTCPeerConnection to one remote participant: perfect
 * negotiation, trickle ICE, the remote stream, ICE-restart recovery and the
 * connection type. Knows nothing about Socket.IO (it gets a PeerSignaler).
 */
export class PeerSession extends TypedEmitter<PeerSessionEvents> {
  readonly remoteId: PeerId;
  readonly polite: boolean;
  readonly #pc: RTCPeerConnection;
  readonly #options: PeerSessionOptions;
  readonly #timing: RecoveryTiming;
  /** Camera/mic senders by kind. */
  readonly #senders = new Map<string, RTCRtpSender>();
  /** Screen-share senders (video, and tab audio when offered). */
  #screenSenders: RTCRtpSender[] = [];
  /** Remote tracks being received, with their transceiver (to notice removal). */
  readonly #remoteTracks = new Map<MediaStreamTrack, RTCRtpTransceiver>();
  #caps: { camera: VideoCap; screen: VideoCap } | null = null;
  /** The camera still sends its first, small frames (see WARM_START_MS). */
  #warmStart = true;
  #warmTimer: ReturnType<typeof setTimeout> | undefined;
  #capsChain: Promise<void> = Promise.resolve();
  #capsRetries = 0;
  #answerTimer: ReturnType<typeof setTimeout> | undefined;
  #lastStatsAt = 0;

  #state: PeerSessionState = 'new';
  #closed = false;
  #tracksAdded = false;
  /** Our tracks are on the senders (false while pre-connected for a ringing call). */
  #sending: boolean;
  #connectionType: ConnectionType = 'unknown';

  // Perfect negotiation flags (W3C example names).
  #makingOffer = false;
  #ignoreOffer = false;
  #isSettingRemoteAnswerPending = false;

  /** Inbound signaling is applied strictly in arrival order. */
  #inbound: Promise<void> = Promise.resolve();
  #pendingCandidates: (IceCandidate | null)[] = [];
  #remoteUfragSet = new Set<string>();

  // Recovery.
  #restartsThisEpisode = 0;
  #restartInFlight = false;
  #scheduledRestart: ReturnType<typeof setTimeout> | undefined;
  #restartWatch: ReturnType<typeof setTimeout> | undefined;
  #setupTimer: ReturnType<typeof setTimeout> | undefined;
  #disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  /** Our offer is waiting for its answer (answerTimeoutMs). */
  #offerWatch: ReturnType<typeof setTimeout> | undefined;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #everConnected = false;
  /** Looking for the first decoded remote video frame (setup timeline). */
  #firstFrameWatch: { timer: ReturnType<typeof setTimeout> | undefined; until: number } | null =
    null;
  #firstFrameSeen = false;

  constructor(options: PeerSessionOptions) {
    super();
    this.#options = options;
    this.#sending = options.sendMedia ?? true;
    this.#timing = { ...DEFAULT_RECOVERY_TIMING, ...options.timing };
    this.remoteId = options.remoteId;
    this.polite = isPolite(options.selfId, options.remoteId);
    const pc = new RTCPeerConnection(options.rtcConfig);
    this.#pc = pc;

    pc.onnegotiationneeded = () => void this.#negotiate();
    pc.onicecandidate = (ev) => {
      const candidate = ev.candidate === null ? null : fromCandidate(ev.candidate);
      this.#options.signaler.candidate(candidate).catch((err: unknown) => this.#report(err));
    };
    pc.ontrack = (ev) => this.#onTrack(ev);
    pc.onconnectionstatechange = () => this.#onConnectionState(pc.connectionState);
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed')
        this.#step('ice-connected');
    };
    pc.onsignalingstatechange = () => {
      this.#apply({ type: 'signaling', state: pc.signalingState });
      if (pc.signalingState === 'stable') {
        this.#clearOfferWatch();
        if (this.#restartInFlight && pc.connectionState === 'connected') {
          // A restart while connected completed its negotiation: the episode is over.
          this.#restartInFlight = false;
          this.#restartsThisEpisode = 0;
          if (this.#restartWatch !== undefined) clearTimeout(this.#restartWatch);
          this.#restartWatch = undefined;
        }
        this.#scanRemovedTracks();
        void this.#applyCaps();
        this.#armCamera();
      }
    };

    this.#setupTimer = setTimeout(() => {
      this.#setupTimer = undefined;
      if (!this.#everConnected && !this.#restartInFlight) this.#planRestart('setup-timeout');
    }, this.#timing.setupTimeoutMs);

    if (options.role === 'offerer') {
      this.#addLocalTracks();
      // Offer now rather than on 'negotiationneeded': that event is a task of
      // its own, queued behind whatever the page does next (a UI rendering
      // the new call, ~100 ms on a busy machine), while the offer, once
      // started, is built on the media threads meanwhile. The event that
      // follows finds the offer under way and adds nothing. (Nothing to send
      // at all, camera and microphone off: the answerer offers instead.)
      if (pc.getTransceivers().length > 0) void this.#negotiate();
    } else {
      this.#answerTimer = setTimeout(() => {
        this.#answerTimer = undefined;
        if (!this.#closed && !this.#tracksAdded) this.#addLocalTracks();
      }, ANSWERER_FALLBACK_MS);
    }
  }

  get state(): PeerSessionState {
    return this.#state;
  }

  /** Whether our media goes out on this connection (false: pre-connected while ringing). */
  get sending(): boolean {
    return this.#sending;
  }

  /**
   * The call was accepted: our camera, microphone (and screen share) go out
   * on the pre-negotiated senders at once. replaceTrack needs no round trip;
   * only a kind that was not pre-negotiated renegotiates.
   */
  async startSending(): Promise<void> {
    if (this.#closed || this.#sending) return;
    this.#sending = true;
    this.#scheduleWarmEnd();
    if (!this.#tracksAdded) return; // #addLocalTracks will put them on
    this.#watchFirstFrame();
    // An armed camera only needs its encoding switched on (no new frame
    // pipeline to build); every other track goes on at the same time, not
    // one after the other: each replaceTrack is a hop to the media thread.
    const attaching: Promise<void>[] = [this.#applyCaps()];
    const stream = this.#options.localStream();
    for (const track of stream?.getTracks() ?? []) {
      const sender = this.#senders.get(track.kind);
      if (sender) {
        if (sender.track !== track) attaching.push(sender.replaceTrack(track));
      } else if (stream) this.#senders.set(track.kind, this.#pc.addTrack(track, stream));
    }
    await Promise.all(attaching);
    if (this.#closed) return;
    this.#step('sending'); // the browser has the encodings on and the tracks attached
    const screen = this.#options.screenStream?.() ?? null;
    if (screen) this.addScreen(screen);
  }

  get connectionType(): ConnectionType {
    return this.#connectionType;
  }

  /** getStats() of the connection; also refreshes the connection type (one poll serves both). */
  async getStats(): Promise<RTCStatsReport> {
    const report = await this.#pc.getStats();
    this.#lastStatsAt = Date.now();
    if (!this.#closed) this.#noteConnectionType(report);
    return report;
  }

  /**
   * Audio level counters of each received audio track (inbound-rtp of the
   * receiver's own getStats, so only that stream is reported). Falls back to
   * the RTP audio-level header (getSynchronizationSources) where the stats
   * lack audioLevel.
   */
  async audioLevels(): Promise<{ track: MediaStreamTrack; sample: AudioSample }[]> {
    if (this.#closed) return [];
    const receivers = this.#pc
      .getReceivers()
      .filter((r) => r.track.kind === 'audio' && this.#remoteTracks.has(r.track));
    return Promise.all(
      receivers.map(async (r) => {
        const report = await r.getStats();
        let sample = audioSampleOf(report, 'inbound-rtp');
        if (sample.level === null && typeof r.getSynchronizationSources === 'function') {
          const level = r.getSynchronizationSources()[0]?.audioLevel;
          if (typeof level === 'number') sample = { ...sample, level };
        }
        return { track: r.track, sample };
      }),
    );
  }

  /**
   * Our own microphone level from the audio sender's media-source stats
   * (Chromium; Firefox lacks media-source audioLevel: level null then).
   */
  async localAudioLevel(): Promise<AudioSample | null> {
    const sender = this.#senders.get('audio');
    if (this.#closed || !sender?.track) return null;
    return audioSampleOf(await sender.getStats(), 'media-source');
  }

  /** Start sending a screen share (renegotiates through onnegotiationneeded). */
  addScreen(stream: MediaStream): void {
    // #addLocalTracks (or startSending) picks it up later.
    if (this.#closed || !this.#tracksAdded || !this.#sending) return;
    this.#removeScreenSenders();
    for (const track of stream.getTracks()) {
      this.#screenSenders.push(this.#pc.addTrack(track, stream));
    }
  }

  /** Stop sending the screen share (removeTrack, renegotiates). */
  removeScreen(): void {
    if (this.#closed) return;
    this.#removeScreenSenders();
  }

  /** Bitrate caps for the camera and screen video senders (applied now and after each negotiation). */
  setVideoCaps(caps: { camera: VideoCap; screen: VideoCap }): void {
    this.#caps = caps;
    void this.#applyCaps();
  }

  /** A description relayed from the remote peer. */
  handleDescription(description: SessionDescription): void {
    this.#enqueue(() => this.#onDescription(description));
  }

  /** A candidate (or null = end-of-candidates) relayed from the remote peer. */
  handleCandidate(candidate: IceCandidate | null): void {
    this.#enqueue(() => this.#onCandidate(candidate));
  }

  /**
   * Put `track` on the sender of its kind (device switch: no renegotiation).
   * If this kind was never sent, it is added, which renegotiates.
   */
  async replaceTrack(track: MediaStreamTrack, stream: MediaStream): Promise<void> {
    if (this.#closed) return;
    if (!this.#sending) {
      // startSending takes the current tracks; a new camera is armed meanwhile.
      if (track.kind === 'video') this.#armCamera();
      return;
    }
    const sender = this.#senders.get(track.kind);
    if (sender) {
      await sender.replaceTrack(track);
    } else if (this.#tracksAdded) {
      this.#senders.set(track.kind, this.#pc.addTrack(track, stream));
    }
  }

  /** Restart ICE now (a "reconnect media" action; recovery does it by itself on failure). */
  restartIce(): void {
    if (this.#closed) return;
    this.#cancelScheduledRestart();
    void this.#restartIce(true);
  }

  /**
   * The local network may have changed (signaling came back on a new path,
   * the browser went online): a failed path may now work, so restart
   * without waiting out the policy's first delay.
   */
  networkChanged(): void {
    if (this.#closed || !this.#everConnected) return;
    const state = this.#pc.connectionState;
    if (state !== 'failed' && state !== 'disconnected') return;
    this.#cancelScheduledRestart();
    this.#planRestart('network-changed');
  }

  /** The safety code of this connection (see safetyCode.ts); null until both fingerprints are known. */
  async safetyCode(): Promise<string | null> {
    if (this.#closed) return null;
    const seen = observedFingerprints(
      await this.#pc.getStats(),
      this.#pc.currentLocalDescription?.sdp ?? this.#pc.localDescription?.sdp,
      this.#pc.currentRemoteDescription?.sdp ?? this.#pc.remoteDescription?.sdp,
    );
    return seen ? safetyCodeOf(seen.local, seen.remote) : null;
  }

  /** Send nothing on the sender of `kind` (the track was released); the sender stays for later. */
  async clearTrack(kind: 'audio' | 'video'): Promise<void> {
    if (this.#closed) return;
    const sender = this.#senders.get(kind);
    if (!this.#sending) {
      // An armed camera that was switched off: it no longer rides the sender.
      if (sender?.track) this.#capsChain = this.#capsChain.then(() => this.#disarm(sender));
      return;
    }
    await sender?.replaceTrack(null);
  }

  /** Tear down: every handler nulled, timers cleared, the PC closed. Local tracks are not ours to stop. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearTimers();
    this.#stopFirstFrameWatch();
    if (this.#warmTimer !== undefined) clearTimeout(this.#warmTimer);
    this.#warmTimer = undefined;
    if (this.#answerTimer !== undefined) clearTimeout(this.#answerTimer);
    this.#answerTimer = undefined;
    this.#remoteTracks.clear();
    const pc = this.#pc;
    pc.onnegotiationneeded = null;
    pc.onicecandidate = null;
    pc.ontrack = null;
    pc.onconnectionstatechange = null;
    pc.oniceconnectionstatechange = null;
    pc.onsignalingstatechange = null;
    pc.close();
    this.#pendingCandidates = [];
    this.#apply({ type: 'close' });
  }

  // ---- negotiation ----------------------------------------------------------

  async #negotiate(): Promise<void> {
    if (this.#closed || this.#makingOffer) return;
    try {
      this.#makingOffer = true;
      await this.#pc.setLocalDescription();
      this.#step('offer-created');
      await this.#sendLocalDescription();
    } catch (err) {
      this.#report(err, 'Could not create an offer');
    } finally {
      this.#makingOffer = false;
    }
  }

  async #onDescription(description: SessionDescription): Promise<void> {
    if (this.#closed) return;
    const pc = this.#pc;
    const { ignoreOffer } = decideOnDescription({
      descriptionType: description.type,
      polite: this.polite,
      makingOffer: this.#makingOffer,
      signalingState: pc.signalingState,
      isSettingRemoteAnswerPending: this.#isSettingRemoteAnswerPending,
    });
    this.#ignoreOffer = ignoreOffer;
    if (ignoreOffer) return; // impolite side keeps its own offer; the other side rolls back
    if (description.type === 'answer' && !isAnswerExpected(pc.signalingState)) return; // stale
    this.#step(description.type === 'offer' ? 'offer-received' : 'answer-received');

    const previousUfrags = this.#remoteUfrags();
    this.#isSettingRemoteAnswerPending = description.type === 'answer';
    try {
      // On the polite side this implicitly rolls back our own pending offer.
      await pc.setRemoteDescription(description);
      this.#remoteUfragSet = iceUfragsOf(description.sdp);
    } finally {
      this.#isSettingRemoteAnswerPending = false;
    }
    if (this.#closed) return;
    await this.#flushCandidates();

    if (description.type === 'offer') {
      if (isIceRestart(previousUfrags, this.#remoteUfrags())) {
        this.#onRemoteRestart();
        // Our answer gathers new candidates too: with stale TURN credentials
        // coturn would refuse the new allocations (it checks expiry only when
        // allocating), so the answering side refreshes them as well.
        await this.#useFreshIceServers();
        if (this.#closed) return;
      }
      if (!this.#tracksAdded) this.#addLocalTracks(); // reuses the offered transceivers
      await pc.setLocalDescription();
      this.#step('answer-created');
      // Not awaited: the remote candidates queued behind this offer need not
      // wait for the server to acknowledge our answer's relay (a round trip,
      // 100 ms and more on a busy machine while a mesh sets up). The answer
      // is already on the wire, ahead of anything sent after it.
      this.#sendLocalDescription().catch((err: unknown) =>
        this.#report(err, 'Could not send the answer'),
      );
    }
  }

  async #onCandidate(candidate: IceCandidate | null): Promise<void> {
    if (this.#closed) return;
    if (this.#remoteUfragSet.size === 0 && !this.#pc.remoteDescription) {
      if (this.#pendingCandidates.length < MAX_PENDING_CANDIDATES) {
        this.#pendingCandidates.push(candidate);
      }
      return;
    }
    await this.#addCandidate(candidate);
  }

  async #flushCandidates(): Promise<void> {
    const pending = this.#pendingCandidates;
    this.#pendingCandidates = [];
    for (const c of pending) await this.#addCandidate(c);
  }

  async #addCandidate(candidate: IceCandidate | null): Promise<void> {
    if (this.#closed) return;
    if (candidate === null) {
      // End-of-candidates is an optimisation; older browsers reject the call.
      await this.#pc.addIceCandidate().catch(() => undefined);
      return;
    }
    // A candidate of an ICE generation an ICE restart replaced: drop it.
    if (!isCurrentGeneration(candidate.usernameFragment, this.#remoteUfrags())) return;
    try {
      await this.#pc.addIceCandidate(toCandidateInit(candidate));
    } catch (err) {
      // Candidates of an offer we deliberately ignored are expected to fail.
      if (!this.#ignoreOffer) this.#report(err, 'Could not add a remote ICE candidate');
    }
  }

  async #sendLocalDescription(): Promise<void> {
    const local = this.#pc.localDescription;
    if (this.#closed || !local || (local.type !== 'offer' && local.type !== 'answer')) return;
    // Only once connected (renegotiations, ICE restarts): a first offer that
    // is slow to be answered (a loaded machine, a 6-way mesh starting) must
    // not be rolled back under an answer in flight; the setup timer covers a
    // first answer that is really lost.
    if (local.type === 'offer' && this.#everConnected) this.#watchOffer();
    await this.#options.signaler.description({ type: local.type, sdp: local.sdp });
    this.#step(local.type === 'offer' ? 'offer-sent' : 'answer-sent');
  }

  /**
   * If the answer to our offer never comes (lost on the way: a server
   * restart, a dropped message), roll the offer back and make it again, so
   * the connection never stays in 'have-local-offer' and an ICE restart is
   * not lost with its answer.
   */
  #watchOffer(): void {
    this.#clearOfferWatch();
    this.#offerWatch = setTimeout(() => {
      this.#offerWatch = undefined;
      void this.#reoffer();
    }, this.#timing.answerTimeoutMs);
  }

  async #reoffer(): Promise<void> {
    const pc = this.#pc;
    if (this.#closed || pc.signalingState !== 'have-local-offer' || this.#makingOffer) return;
    const pending = pc.pendingLocalDescription?.sdp;
    const current = pc.currentLocalDescription?.sdp;
    const wasRestart =
      pending !== undefined &&
      current !== undefined &&
      isIceRestart(iceUfragsOf(current), iceUfragsOf(pending));
    try {
      await pc.setLocalDescription({ type: 'rollback' });
    } catch (err) {
      this.#report(err, 'Could not roll back an unanswered offer');
      return;
    }
    if (this.#closed) return;
    // A restart must restart again (new credentials); otherwise offer what is still needed.
    if (wasRestart) pc.restartIce();
    else void this.#negotiate();
  }

  #clearOfferWatch(): void {
    if (this.#offerWatch !== undefined) clearTimeout(this.#offerWatch);
    this.#offerWatch = undefined;
  }

  #addLocalTracks(): void {
    const stream = this.#options.localStream();
    this.#tracksAdded = true;
    if (this.#answerTimer !== undefined) clearTimeout(this.#answerTimer);
    this.#answerTimer = undefined;
    if (!this.#sending) {
      this.#addSilentTransceivers();
      this.#armCamera();
      return;
    }
    this.#step('sending');
    for (const track of stream?.getTracks() ?? []) {
      if (this.#senders.has(track.kind) || !stream) continue;
      this.#senders.set(track.kind, this.#pc.addTrack(track, stream));
    }
    const screen = this.#options.screenStream?.() ?? null;
    if (screen && this.#screenSenders.length === 0) {
      for (const track of screen.getTracks()) {
        this.#screenSenders.push(this.#pc.addTrack(track, screen));
      }
    }
  }

  /**
   * Pre-connect: an audio and a video sender with no track, negotiated
   * sendrecv, so accepting needs only replaceTrack. The answerer turns the
   * offered transceivers around; the offerer creates them.
   */
  #addSilentTransceivers(): void {
    for (const kind of ['audio', 'video'] as const) {
      if (this.#senders.has(kind)) continue;
      const offered = this.#pc
        .getTransceivers()
        .find(
          (t) =>
            t.receiver.track.kind === kind &&
            t.sender.track === null &&
            t.currentDirection !== 'stopped' &&
            ![...this.#senders.values()].includes(t.sender),
        );
      if (offered) {
        offered.direction = 'sendrecv';
        this.#senders.set(kind, offered.sender);
      } else {
        // The camera's encoding starts paused, so that it can be armed (#armCamera).
        const init: RTCRtpTransceiverInit =
          kind === 'video'
            ? { direction: 'sendrecv', sendEncodings: [{ active: false }] }
            : { direction: 'sendrecv' };
        this.#senders.set(kind, this.#pc.addTransceiver(kind, init).sender);
      }
    }
  }

  #removeScreenSenders(): void {
    const senders = this.#screenSenders;
    this.#screenSenders = [];
    for (const sender of senders) {
      try {
        this.#pc.removeTrack(sender);
      } catch (err) {
        this.#report(err, 'Could not stop sending the screen share');
      }
    }
  }

  /**
   * Put the caps on encodings[0] of the camera and screen video senders.
   * Serialised (a second setParameters while one is pending throws), and
   * skipped while a sender has no negotiated encodings yet: the next
   * 'stable' signaling state applies them.
   */
  #applyCaps(): Promise<void> {
    const caps = this.#caps;
    if (this.#closed) return this.#capsChain;
    const targets: [RTCRtpSender, VideoCap, boolean][] = [];
    const camera = this.#senders.get('video');
    const cameraCap = caps?.camera ?? DEFAULT_CAMERA_CAP;
    if (camera) {
      targets.push([
        camera,
        this.#warmStart
          ? {
              ...cameraCap,
              scaleResolutionDownBy: Math.max(cameraCap.scaleResolutionDownBy, WARM_START_SCALE),
            }
          : cameraCap,
        // Paused until the call is accepted (an armed camera sends nothing).
        this.#sending,
      ]);
    }
    for (const s of this.#screenSenders)
      if (caps && s.track?.kind === 'video') targets.push([s, caps.screen, true]);
    this.#capsChain = this.#capsChain.then(async () => {
      for (const [sender, cap, active] of targets) {
        if (this.#closed) return;
        const params = sender.getParameters();
        const enc = params.encodings[0] as RTCRtpEncodingParameters | undefined;
        if (!enc || (encodingMatches(enc, cap) && (enc.active ?? true) === active)) continue;
        enc.maxBitrate = cap.maxBitrate;
        enc.scaleResolutionDownBy = cap.scaleResolutionDownBy;
        enc.active = active;
        try {
          await sender.setParameters(params);
          this.#capsRetries = 0;
        } catch (err) {
          // Not fatal: the call works uncapped. Typically a sender being
          // renegotiated; the next 'stable' applies them. A camera that must
          // go on (accept) does not wait for a renegotiation that may never come.
          console.info('[parley] could not set a video sender up', err);
          if (active && sender === camera && this.#capsRetries < MAX_CAPS_RETRIES) {
            this.#capsRetries += 1;
            setTimeout(() => void this.#applyCaps(), CAPS_RETRY_MS);
          }
        }
      }
    });
    // A step that threw (a connection closing under it) must not stop the later ones.
    this.#capsChain = this.#capsChain.catch(() => undefined);
    return this.#capsChain;
  }

  /**
   * Arm the camera while the call rings: the running camera track (the
   * preview's) goes on the video sender whose encoding is paused
   * (active: false), so the encoder encodes nothing and no RTP leaves, yet
   * accepting only switches the encoding on: no new frame pipeline to build,
   * which saves ~50 ms of the first frame. The microphone is never attached
   * before accept. Where the browser does not keep the encoding paused (the
   * readback says otherwise), the track waits for the accept instead.
   */
  #armCamera(): void {
    if (this.#closed || this.#sending || !this.#tracksAdded) return;
    const sender = this.#senders.get('video');
    if (!sender) return;
    this.#capsChain = this.#capsChain.then(async () => {
      const track = this.#options.localStream()?.getVideoTracks()[0];
      if (this.#closed || this.#sending || !track || track.readyState === 'ended') return;
      if (sender.track === track) return;
      const params = sender.getParameters();
      const enc = params.encodings[0] as RTCRtpEncodingParameters | undefined;
      if (!enc) return; // not negotiated yet: the next 'stable' arms it
      if (enc.active !== false) {
        enc.active = false;
        try {
          await sender.setParameters(params);
        } catch {
          return; // mid-negotiation: the next 'stable' tries again
        }
      }
      const paused = (sender.getParameters().encodings[0] as RTCRtpEncodingParameters | undefined)
        ?.active;
      if (paused !== false || this.#closed || this.#sending) return;
      await sender.replaceTrack(track);
    });
    this.#capsChain = this.#capsChain.catch(() => undefined);
  }

  /** Take an armed camera track off its (paused) sender. */
  async #disarm(sender: RTCRtpSender): Promise<void> {
    if (this.#closed || this.#sending) return;
    await sender.replaceTrack(null).catch(() => undefined);
  }

  #step(step: SetupStep): void {
    if (this.#closed) return;
    try {
      this.#options.onSetupStep?.(step);
    } catch {
      // A timeline observer never breaks the connection.
    }
  }

  /**
   * Look for the first decoded remote video frame (the timeline's
   * first-frame), only while this connection sets up: receiver stats every
   * FIRST_FRAME_POLL_MS from the moment we send, for at most
   * FIRST_FRAME_WATCH_MS.
   */
  #watchFirstFrame(): void {
    if (this.#closed || this.#firstFrameSeen || this.#firstFrameWatch || !this.#sending) return;
    if (!this.#options.onSetupStep) return;
    const watch = { timer: undefined as ReturnType<typeof setTimeout> | undefined, until: 0 };
    watch.until = Date.now() + FIRST_FRAME_WATCH_MS;
    this.#firstFrameWatch = watch;
    const sources =
      typeof RTCRtpReceiver !== 'undefined' &&
      typeof RTCRtpReceiver.prototype.getSynchronizationSources === 'function';
    const tick = async (): Promise<void> => {
      watch.timer = undefined;
      if (this.#closed || this.#firstFrameWatch !== watch) return;
      const receivers = this.#pc.getReceivers().filter((r) => r.track.kind === 'video');
      let decoded = 0;
      if (sources) {
        for (const r of receivers) decoded += r.getSynchronizationSources().length;
      } else {
        for (const r of receivers) {
          try {
            (await r.getStats()).forEach((s: StatLike) => {
              if (s.type === 'inbound-rtp') decoded += Number(s['framesDecoded'] ?? 0);
            });
          } catch {
            // a receiver of a closed connection
          }
        }
      }
      if (this.#closed || this.#firstFrameWatch !== watch) return;
      if (decoded > 0) {
        this.#firstFrameSeen = true;
        this.#firstFrameWatch = null;
        this.#step('first-frame');
        return;
      }
      if (Date.now() > watch.until) {
        this.#firstFrameWatch = null;
        return;
      }
      watch.timer = setTimeout(
        () => void tick(),
        sources ? FIRST_FRAME_POLL_MS : FIRST_FRAME_STATS_POLL_MS,
      );
    };
    void tick();
  }

  #stopFirstFrameWatch(): void {
    if (this.#firstFrameWatch?.timer !== undefined) clearTimeout(this.#firstFrameWatch.timer);
    this.#firstFrameWatch = null;
  }

  /** Once media flows (sending and connected), the camera climbs to full size after WARM_START_MS. */
  #scheduleWarmEnd(): void {
    if (!this.#warmStart || this.#warmTimer !== undefined || !this.#sending) return;
    if (this.#pc.connectionState !== 'connected') return;
    this.#warmTimer = setTimeout(() => {
      this.#warmTimer = undefined;
      this.#warmStart = false;
      void this.#applyCaps();
    }, WARM_START_MS);
  }

  /**
   * The ICE ufrags of the remote description, as of its last
   * setRemoteDescription: reading pc.remoteDescription is a blocking hop to
   * the browser's signaling thread and the SDP would be parsed again for every
   * candidate (~100 ms of main thread for a 4-way mesh setup on a busy machine).
   */
  #remoteUfrags(): Set<string> {
    return this.#remoteUfragSet;
  }

  #enqueue(task: () => Promise<void>): void {
    this.#inbound = this.#inbound.then(task).catch((err: unknown) => {
      this.#report(err, 'Could not apply a remote description');
    });
  }

  // ---- remote media -----------------------------------------------------------

  #onTrack(ev: RTCTrackEvent): void {
    const { track, transceiver } = ev;
    if (!this.#remoteTracks.has(track)) {
      track.addEventListener(
        'ended',
        () => {
          if (this.#remoteTracks.delete(track)) this.safeEmit('remoteTrackRemoved', track);
        },
        { once: true },
      );
    }
    this.#remoteTracks.set(track, transceiver);
    this.safeEmit('remoteTrack', track, ev.streams[0]?.id ?? null);
  }

  /**
   * After a negotiation: a transceiver that no longer receives means the
   * remote side removed that track (removeTrack keeps the track alive, only
   * muted, so 'ended' does not fire).
   */
  #scanRemovedTracks(): void {
    for (const [track, transceiver] of [...this.#remoteTracks]) {
      const dir = transceiver.currentDirection;
      if (dir !== null && NOT_RECEIVING.includes(dir)) {
        this.#remoteTracks.delete(track);
        this.safeEmit('remoteTrackRemoved', track);
      }
    }
  }

  // ---- connection state and ICE recovery ---------------------------------------

  #onConnectionState(state: RTCPeerConnectionState): void {
    if (this.#closed) return;
    const before = this.#state;
    this.#apply({ type: 'connection', state });
    switch (state) {
      case 'connected':
        this.#step('connected');
        this.#watchFirstFrame();
        this.#scheduleWarmEnd();
        // Back after a loss: the receiver waits for a keyframe; send one now.
        if (this.#everConnected && before === 'recovering') void this.#kickKeyframe();
        // The failure episode (if any) is over.
        this.#everConnected = true;
        this.#restartsThisEpisode = 0;
        this.#restartInFlight = false;
        this.#clearRecoveryTimers();
        void this.#refreshConnectionType(true);
        this.#statsTimer ??= setInterval(
          () => void this.#refreshConnectionType(),
          this.#timing.statsIntervalMs,
        );
        break;
      case 'disconnected':
        // Often transient (a Wi-Fi hiccup, a few seconds of loss): ICE heals
        // by itself if the path comes back. Restarting now would not help
        // (the path is down either way), so wait for 'failed', or treat a
        // very long 'disconnected' as failed.
        this.#stopStats();
        if (!this.#restartInFlight && this.#disconnectedTimer === undefined) {
          this.#disconnectedTimer = setTimeout(() => {
            this.#disconnectedTimer = undefined;
            if (this.#pc.connectionState === 'disconnected') this.#onFailure();
          }, this.#timing.disconnectedTimeoutMs);
        }
        break;
      case 'failed':
        this.#stopStats();
        this.#onFailure();
        break;
      default:
        break;
    }
  }

  /** The path failed, or a restart did not bring it back: plan the next restart (or give up). */
  #onFailure(): void {
    if (this.#disconnectedTimer !== undefined) clearTimeout(this.#disconnectedTimer);
    this.#disconnectedTimer = undefined;
    let trigger: RestartTrigger = 'failed';
    if (this.#restartInFlight) {
      trigger = 'restart-failed';
      this.#restartInFlight = false;
      if (this.#restartWatch !== undefined) clearTimeout(this.#restartWatch);
      this.#restartWatch = undefined;
      this.safeEmit('iceFailed');
    }
    this.#planRestart(trigger);
  }

  /**
   * Make the video encoders start over with a keyframe (an encoding paused
   * and resumed at once), so that after a loss the other side decodes again
   * without waiting for its keyframe requests to get through.
   */
  async #kickKeyframe(): Promise<void> {
    const senders = [this.#senders.get('video'), ...this.#screenSenders].filter(
      (s): s is RTCRtpSender => s?.track?.kind === 'video',
    );
    for (const sender of senders) {
      try {
        const params = sender.getParameters();
        const enc = params.encodings[0] as RTCRtpEncodingParameters | undefined;
        if (!enc || enc.active === false) continue;
        enc.active = false;
        await sender.setParameters(params);
        const again = sender.getParameters();
        const e2 = again.encodings[0] as RTCRtpEncodingParameters | undefined;
        if (e2) e2.active = true;
        await sender.setParameters(again);
      } catch {
        // Not fatal: the receiver's own keyframe requests get there too.
      }
    }
  }

  /** Schedule our own ICE restart as the recovery policy says, unless one is already scheduled. */
  #planRestart(trigger: RestartTrigger): void {
    if (this.#closed || this.#scheduledRestart !== undefined) return;
    const delay = nextRestartDelayMs(
      { trigger, restarts: this.#restartsThisEpisode, polite: this.polite },
      this.#timing,
    );
    if (delay === null) {
      this.#giveUp();
      return;
    }
    this.#scheduledRestart = setTimeout(() => {
      this.#scheduledRestart = undefined;
      void this.#restartIce();
    }, delay);
  }

  #cancelScheduledRestart(): void {
    if (this.#scheduledRestart !== undefined) clearTimeout(this.#scheduledRestart);
    this.#scheduledRestart = undefined;
  }

  /**
   * ICE restart with fresh ICE servers: stale TURN credentials would make the
   * new allocation fail silently. A local offer whose answer never came is
   * rolled back first, or restartIce() could never start a new negotiation.
   */
  async #restartIce(force = false): Promise<void> {
    if (this.#closed || (!force && this.#pc.connectionState === 'connected')) return;
    this.#restartsThisEpisode += 1;
    this.#restartInFlight = true;
    this.#apply({ type: 'restarting' });
    this.#watchRestart();
    await this.#useFreshIceServers();
    if (this.#closed) return;
    if (this.#pc.signalingState === 'have-local-offer' && !this.#makingOffer) {
      await this.#pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
    }
    if (this.#closed) return;
    this.#pc.restartIce();
  }

  /**
   * Ask the server for fresh ICE servers (new short-lived TURN credentials)
   * and use them for the next gathering. On failure the old ones stay: a
   * restart with them may still work when they have not expired.
   */
  async #useFreshIceServers(): Promise<void> {
    try {
      const servers = await this.#options.refreshIceServers();
      if (this.#closed || !servers) return;
      this.#pc.setConfiguration({ ...this.#pc.getConfiguration(), iceServers: servers });
    } catch (err) {
      this.#report(err, 'Could not refresh ICE servers; restarting with the old ones');
    }
  }

  /** The remote side restarted ICE: its restart counts for this episode; do not restart ourselves meanwhile. */
  #onRemoteRestart(): void {
    this.#cancelScheduledRestart();
    if (this.#pc.connectionState === 'connected') return;
    this.#restartsThisEpisode += 1;
    this.#restartInFlight = true;
    this.#watchRestart();
  }

  /** A restart that neither connects nor reports 'failed' within restartTimeoutMs counts as failed. */
  #watchRestart(): void {
    if (this.#restartWatch !== undefined) clearTimeout(this.#restartWatch);
    this.#restartWatch = setTimeout(() => {
      this.#restartWatch = undefined;
      if (this.#closed) return;
      if (this.#pc.connectionState === 'connected') {
        // A restart made while connected (restartIce()) never leaves 'connected'.
        this.#restartInFlight = false;
        this.#restartsThisEpisode = 0;
        return;
      }
      this.#onFailure();
    }, this.#timing.restartTimeoutMs);
  }

  #giveUp(): void {
    this.#clearTimers();
    this.#apply({ type: 'gaveUp' });
  }

  async #refreshConnectionType(force = false): Promise<void> {
    if (this.#closed) return;
    // The call's quality poll reads stats more often: no second poll then.
    if (!force && Date.now() - this.#lastStatsAt < this.#timing.statsIntervalMs / 2) return;
    try {
      await this.getStats();
    } catch {
      // getStats fails only on a closed PC; nothing to update then.
    }
  }

  #noteConnectionType(report: RTCStatsReport): void {
    const type = connectionTypeFromStats(report.values() as Iterable<StatLike>);
    if (type !== this.#connectionType) {
      this.#connectionType = type;
      this.safeEmit('connectionTypeChanged', type);
    }
  }

  #apply(input: PeerSessionInput): void {
    const prev = this.#state;
    const next = nextPeerSessionState(prev, input);
    if (next === prev) return;
    this.#state = next;
    this.safeEmit('stateChanged', next, prev);
  }

  #stopStats(): void {
    if (this.#statsTimer !== undefined) clearInterval(this.#statsTimer);
    this.#statsTimer = undefined;
  }

  #clearRecoveryTimers(): void {
    if (this.#scheduledRestart !== undefined) clearTimeout(this.#scheduledRestart);
    if (this.#restartWatch !== undefined) clearTimeout(this.#restartWatch);
    if (this.#setupTimer !== undefined) clearTimeout(this.#setupTimer);
    if (this.#disconnectedTimer !== undefined) clearTimeout(this.#disconnectedTimer);
    this.#scheduledRestart = undefined;
    this.#restartWatch = undefined;
    this.#setupTimer = undefined;
    this.#disconnectedTimer = undefined;
  }

  #clearTimers(): void {
    this.#clearRecoveryTimers();
    this.#clearOfferWatch();
    this.#stopStats();
  }

  #report(err: unknown, context?: string): void {
    if (this.#closed) return;
    const e = toParleyError(err, ErrorCode.INTERNAL);
    const wrapped =
      context === undefined
        ? e
        : new ParleyError(e.code, `${context}: ${e.message}`, { cause: err });
    this.safeEmit('error', wrapped);
  }
}
