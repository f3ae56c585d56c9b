import {
  ErrorCode,
  type ClientMessage,
  type CallEndReason,
  type CallId,
  type CallInfo,
  type IceCandidate,
  type PeerId,
  type PeerInfo,
  type SessionDescription,
} from '@parley/protocol';
import { cameraCap, screenCap } from './bitrate.js';
import { CallMonitor } from './CallMonitor.js';
import { CallStateMachine, callStateFromSessions, type CallStatus } from './CallStateMachine.js';
import { ClientErrorCode, isParleyError, ParleyError, toParleyError } from './errors.js';
import { CallEvent, type CallEvents } from './events.js';
import type { ConnectionType } from './iceStats.js';
import type { LocalMedia } from './LocalMedia.js';
import type { PeerSessionState, RecoveryTiming } from './negotiation.js';
import { PeerSession, type PeerSessionOptions } from './PeerSession.js';
import type { PeerQuality } from './quality.js';
import { RemotePeerMedia } from './remoteMedia.js';
import { SetupTimeline, type SetupMark, type SetupStep } from './setupTimeline.js';
import type { SignalingChannel } from './SignalingChannel.js';
import { TypedEmitter } from './TypedEmitter.js';

/** Requests a call relays to its peers (held while signaling is down). */
export type RelayRequest = 'signal:description' | 'signal:candidate';

/** What a Call needs from the client that owns it. */
export interface CallContext {
  readonly selfId: PeerId;
  readonly signaling: SignalingChannel;
  /**
   * Relay SDP/ICE to a peer through the server. While the signaling
   * connection is down it waits and is sent once the session resumed.
   */
  relay<E extends RelayRequest>(event: E, payload: ClientMessage<E>): Promise<void>;
  readonly media: LocalMedia;
  /** Current info of a room member (media state changes over time). */
  peerInfo(id: PeerId): PeerInfo | undefined;
  /** RTCConfiguration for a new peer connection (fresh ICE servers + transport policy). */
  rtcConfig(): RTCConfiguration;
  /** Ask the server for fresh ICE servers (for ICE restarts). */
  refreshIceServers(): Promise<RTCIceServer[] | null>;
  reportError(err: ParleyError): void;
  /** The call reached 'ended' (the client drops it as its current call). */
  onEnded(call: Call): void;
  /** Ring `peerId` into this call (call:invite through the client). */
  invite(call: Call, peerId: PeerId): Promise<void>;
  timing?: Partial<RecoveryTiming>;
  /**
   * Instant answer (the server's INSTANT_ANSWER): connect to the other
   * side while the call rings, sending nothing until it is accepted.
   */
  readonly instantAnswer?: () => boolean;
  /** Tests: fake peer connections and streams (Node has no WebRTC). */
  createSession?: (options: PeerSessionOptions) => PeerSessionLike;
  createStream?: () => MediaStream;
}

/** The part of PeerSession a Call uses. */
export type PeerSessionLike = Pick<
  PeerSession,
  | 'state'
  | 'connectionType'
  | 'on'
  | 'removeAllListeners'
  | 'close'
  | 'handleDescription'
  | 'handleCandidate'
  | 'replaceTrack'
  | 'getStats'
  | 'audioLevels'
  | 'localAudioLevel'
  | 'addScreen'
  | 'removeScreen'
  | 'setVideoCaps'
  | 'networkChanged'
  | 'restartIce'
  | 'clearTrack'
  | 'safetyCode'
  | 'sending'
  | 'startSending'
>;

/** How the client learned that the call is active for us. */
export type JoinedVia = 'own-accept' | 'update';

/** Signals kept for a peer whose session does not exist yet (bounded). */
const MAX_PENDING_SIGNALS = 256;

/** Server errors that mean "already over" when we end a call ourselves. */
const ALREADY_GONE: readonly string[] = [
  ErrorCode.CALL_NOT_FOUND,
  ErrorCode.NOT_IN_ROOM,
  ErrorCode.INVALID_STATE,
  ClientErrorCode.NOT_CONNECTED,
];

/**
 * One call, as the SDK's user sees it. Mirrors the server's CallInfo and
 * owns one PeerSession per other participant (full mesh): sessions follow
 * info.participants (invitees get one once they accept), so someone leaving
 * closes only the connection to them. Local actions end the call at once
 * (teardown first, then the server is told), so the UI never waits on the
 * network to hang up.
 */
export class Call extends TypedEmitter<CallEvents> {
  readonly id: CallId;
  readonly direction: 'outgoing' | 'incoming';
  readonly #ctx: CallContext;
  readonly #machine: CallStateMachine;
  /** Who remotePeer names: the first remote party, until it leaves the call. */
  #remoteId: PeerId;
  /** Last known info of everyone we had in the call (they may leave the room). */
  readonly #known = new Map<PeerId, PeerInfo>();
  readonly #sessions = new Map<PeerId, PeerSessionLike>();
  readonly #media = new Map<PeerId, RemotePeerMedia<MediaStreamTrack, MediaStream>>();
  readonly #remoteStreams = new Map<PeerId, MediaStream>();
  readonly #remoteScreens = new Map<PeerId, MediaStream>();
  readonly #pendingSignals = new Map<PeerId, ((s: PeerSessionLike) => void)[]>();
  readonly #monitor: CallMonitor;
  #participants: PeerId[] = [];
  #info: CallInfo;
  /** We are a media participant (sessions were set up at least once). */
  #joined = false;
  /** Our own accept is in flight: updates that make us a participant come from it. */
  #accepting = false;
  readonly #timeline = new SetupTimeline();

  /**
   * @internal Created by ParleyClient. `joinedAs`: we are already a
   * participant (joinCall, join-on-entry room): the call starts in
   * 'connecting' and opens its sessions at once, as 'answerer' when we are
   * the newcomer, 'offerer' when the others are.
   */
  constructor(
    ctx: CallContext,
    info: CallInfo,
    direction: 'outgoing' | 'incoming',
    remotePeer: PeerInfo,
    joinedAs?: 'answerer' | 'offerer',
  ) {
    super();
    this.#ctx = ctx;
    this.id = info.id;
    this.direction = direction;
    this.#info = info;
    this.#remoteId = remotePeer.id;
    this.#known.set(remotePeer.id, remotePeer);
    this.#monitor = this.#createMonitor();
    this.#machine = new CallStateMachine(
      joinedAs ? 'connecting' : direction === 'outgoing' ? 'ringing-out' : 'ringing-in',
    );
    this.#participants = this.#othersIn(info);
    if (!joinedAs && direction === 'incoming') this.#timeline.mark('incoming');
    if (joinedAs) this.handleServerUpdate(info, joinedAs === 'answerer' ? 'own-accept' : 'update');
  }

  get state(): CallStatus {
    return this.#machine.state;
  }

  get endReason(): CallEndReason | null {
    return this.#machine.endReason;
  }

  get ended(): boolean {
    return this.#machine.ended;
  }

  /**
   * The other side of a 1:1 call (its current room info when still in the
   * room). In a group call: the first other participant (kept for
   * compatibility; use `participants`).
   */
  get remotePeer(): PeerInfo {
    const id = this.#remoteId;
    const info = this.#ctx.peerInfo(id) ?? this.#known.get(id);
    if (!info) throw new ParleyError(ErrorCode.INTERNAL, 'remote peer unknown');
    return info;
  }

  /** The other participants currently in the call (self excluded; invitees are not). */
  get participants(): PeerId[] {
    return [...this.#participants];
  }

  /** Screen shares of the other participants. */
  get remoteScreens(): ReadonlyMap<PeerId, MediaStream> {
    return this.#remoteScreens;
  }

  /** Who speaks now (our own id when it is us; null = nobody), with hysteresis. */
  get activeSpeaker(): PeerId | null {
    return this.#monitor.activeSpeaker;
  }

  /** The last connection quality measured to `peerId` (null before the first ~2 s). */
  quality(peerId: PeerId): PeerQuality | null {
    return this.#monitor.quality(peerId);
  }

  /**
   * Ring `peerId` into this call (call:invite). Throws CALL_FULL, BUSY,
   * PEER_NOT_FOUND, INVALID_STATE (e.g. while our own call still rings in).
   */
  async invite(peerId: PeerId): Promise<void> {
    if (this.ended || this.state === 'ringing-in') {
      throw new ParleyError(
        ErrorCode.INVALID_STATE,
        `Cannot invite into a call in state '${this.state}'`,
      );
    }
    await this.#ctx.invite(this, peerId);
  }

  /**
   * The safety code of the connection to `peerId` (4 groups of 4 digits),
   * to compare aloud: the same on both sides unless someone in the middle
   * swapped the keys. Null before the connection is negotiated.
   */
  safetyCode(peerId: PeerId): Promise<string | null> {
    return this.#sessions.get(peerId)?.safetyCode() ?? Promise.resolve(null);
  }

  /** Media flows to at least one peer (its connection is up). */
  get mediaConnected(): boolean {
    for (const s of this.#sessions.values()) if (s.sending && s.state === 'connected') return true;
    return false;
  }

  /**
   * Restart ICE towards `peerId` (every peer when omitted): a "reconnect
   * media" action. The SDK restarts by itself when a path fails.
   */
  restartIce(peerId?: PeerId): void {
    for (const [id, s] of this.#sessions) if (peerId === undefined || id === peerId) s.restartIce();
  }

  /** The server's view of the call (participants, invited, ...). */
  get info(): CallInfo {
    return this.#info;
  }

  get remoteStreams(): ReadonlyMap<PeerId, MediaStream> {
    return this.#remoteStreams;
  }

  /** 'relay' when that peer's media crosses a TURN server, 'direct' otherwise. */
  connectionType(peerId: PeerId): ConnectionType {
    return this.#sessions.get(peerId)?.connectionType ?? 'unknown';
  }

  /** getStats() of the peer connection to `peerId`. */
  getStats(peerId: PeerId): Promise<RTCStatsReport> {
    const session = this.#sessions.get(peerId);
    if (!session) {
      return Promise.reject(
        new ParleyError(ErrorCode.PEER_NOT_FOUND, `No media connection to ${peerId}`),
      );
    }
    return session.getStats();
  }

  /**
   * Where this call's setup spent its time, on this side (see
   * setupTimeline.ts): the first occurrence of each step, in order.
   */
  get setupTimeline(): readonly SetupMark[] {
    return this.#timeline.marks;
  }

  /** @internal A call-level step of the setup (ParleyClient marks the invite, made before the Call). */
  markSetup(step: SetupStep, at?: number): void {
    this.#timeline.mark(step, undefined, at);
  }

  /**
   * Callee: answer. Starts local media first if needed (throws MEDIA_* then).
   * With instant answer our media goes out on the pre-connected connections
   * at once, while the server hears of the accept: the caller is who we were
   * rung by, and the call is ours to take. If the server refuses (the caller
   * cancelled meanwhile), the call ends and those connections close.
   */
  async accept(): Promise<void> {
    this.#require('ringing-in', 'accept');
    this.#timeline.mark('accept');
    await this.#ctx.media.ensureStarted();
    this.#require('ringing-in', 'accept'); // the caller may have cancelled meanwhile
    this.#accepting = true;
    try {
      const accepted = this.#ctx.signaling.request('call:accept', { callId: this.id });
      for (const peerId of this.#info.participants) {
        const session = this.#sessions.get(peerId);
        if (session && !session.sending) void session.startSending();
      }
      const { call } = await accepted;
      this.#timeline.mark('accept-acked');
      this.handleServerUpdate(call, 'own-accept');
    } catch (err) {
      // Media may have gone on already: a call the server no longer has is
      // over here too (its call:ended usually came first).
      if (
        !this.ended &&
        isParleyError(err) &&
        err.code !== ClientErrorCode.NOT_CONNECTED &&
        ALREADY_GONE.includes(err.code)
      )
        this.endLocally('failed');
      throw err;
    } finally {
      this.#accepting = false;
    }
  }

  /** Callee: refuse. */
  async decline(): Promise<void> {
    if (this.ended) return;
    this.#require('ringing-in', 'decline');
    this.endLocally('declined');
    await this.#tell('call:decline');
  }

  /** Caller: give up while ringing (hangs up if the callee accepted meanwhile). */
  async cancel(): Promise<void> {
    if (this.ended) return;
    if (this.state === 'ringing-in') this.#require('ringing-out', 'cancel');
    if (this.state !== 'ringing-out') {
      await this.hangup();
      return;
    }
    this.endLocally('cancelled');
    await this.#tell('call:cancel', 'call:hangup');
  }

  /** End the call from either side (cancel/decline while it is still ringing). */
  async hangup(): Promise<void> {
    if (this.ended) return;
    if (this.state === 'ringing-out') return this.cancel();
    if (this.state === 'ringing-in') return this.decline();
    this.endLocally('hung-up');
    await this.#tell('call:hangup');
  }

  // ---- driven by ParleyClient ------------------------------------------------

  /** @internal Our invite crossed theirs: the server will make us a participant of this call. */
  expectOwnAccept(): void {
    this.#accepting = true;
  }

  /** @internal The server's CallInfo (call:updated, room:call, or an accept/invite/join ack). */
  handleServerUpdate(info: CallInfo, via: JoinedVia): void {
    if (this.ended || info.id !== this.id) return;
    this.#info = info;
    const self = this.#ctx.selfId;
    this.#noteParticipants(info);
    const inCall = info.state === 'active' && info.participants.includes(self);
    if (inCall) this.#timeline.mark('active');

    // Whoever was already in the call offers to a newcomer; a newcomer
    // (our own accept) waits for their offers and answers them.
    const firstJoin = inCall && !this.#joined;
    const role = firstJoin && (via === 'own-accept' || this.#accepting) ? 'answerer' : 'offerer';
    if (inCall) this.#joined = true;
    const wanted = this.#wantedSessions(info, role);
    for (const [peerId, want] of wanted) {
      const session = this.#sessions.get(peerId);
      if (!session) this.#openSession(peerId, want.role, want.send);
      else if (want.send && !session.sending) void session.startSending();
    }
    for (const peerId of [...this.#sessions.keys()]) {
      if (!wanted.has(peerId)) this.#closeSession(peerId);
    }
    // Only now the state change: its listeners (a UI re-rendering for the
    // call) run after our media is on its way, not before.
    if (inCall && (this.state === 'ringing-out' || this.state === 'ringing-in')) {
      this.#set('connecting');
    }
    if (!inCall) return;
    this.#applyCaps();
    if (this.#sessions.size > 0) this.#monitor.start();
    // Pre-connected while it rang: the connection may be up already.
    this.#refreshState();
  }

  /**
   * The connections this member needs now: to every other participant,
   * sending, once we are in the active call; with instant answer, also a
   * silent one to each participant while we ring, or to each invitee while
   * it rings (participants offer, the rung one answers).
   */
  #wantedSessions(
    info: CallInfo,
    joinRole: 'offerer' | 'answerer',
  ): Map<PeerId, { role: 'offerer' | 'answerer'; send: boolean }> {
    const self = this.#ctx.selfId;
    const wanted = new Map<PeerId, { role: 'offerer' | 'answerer'; send: boolean }>();
    const amParticipant = info.participants.includes(self);
    if (info.state === 'active' && amParticipant) {
      for (const p of info.participants)
        if (p !== self) wanted.set(p, { role: joinRole, send: true });
    }
    if (this.#ctx.instantAnswer?.() !== true) return wanted;
    if (amParticipant) {
      for (const p of info.invited) if (p !== self) wanted.set(p, { role: 'offerer', send: false });
    } else if (info.invited.includes(self)) {
      for (const p of info.participants) wanted.set(p, { role: 'answerer', send: false });
    }
    return wanted;
  }

  /** @internal A room member's info changed (media state: mute, camera, screen id). */
  handlePeerUpdated(peer: PeerInfo): void {
    if (this.#known.has(peer.id)) this.#known.set(peer.id, peer);
    this.#media.get(peer.id)?.setScreenId(peer.media.screen);
  }

  /**
   * @internal `peerId` came back without its peer connections (a page
   * reload): replace ours to it by a fresh one that offers (it is the
   * newcomer now).
   */
  handlePeerReloaded(peerId: PeerId): void {
    if (this.ended || !this.#sessions.has(peerId)) return;
    this.#closeSession(peerId);
    this.#pendingSignals.delete(peerId);
    this.#openSession(peerId, 'offerer');
    this.#applyCaps();
  }

  /** @internal The network may have changed (signaling came back, the browser went online). */
  networkChanged(): void {
    for (const s of this.#sessions.values()) s.networkChanged();
  }

  /** @internal Our screen share started: send it to everyone in the call. */
  addScreen(stream: MediaStream): void {
    for (const s of this.#sessions.values()) s.addScreen(stream);
  }

  /** @internal Our screen share stopped. */
  removeScreen(): void {
    for (const s of this.#sessions.values()) s.removeScreen();
  }

  /** @internal The server ended the call. */
  handleServerEnd(reason: CallEndReason): void {
    this.endLocally(reason);
  }

  /** @internal A description relayed from `from` for this call. */
  handleDescription(from: PeerId, description: SessionDescription): void {
    this.#toSession(from, (s) => s.handleDescription(description));
  }

  /** @internal A candidate relayed from `from` for this call. */
  handleCandidate(from: PeerId, candidate: IceCandidate | null): void {
    this.#toSession(from, (s) => s.handleCandidate(candidate));
  }

  /** @internal A local device switch: new track on every sender of its kind. */
  async clearTrack(kind: 'audio' | 'video'): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((s) => s.clearTrack(kind)));
  }

  /** @internal A local device switch (or the camera back on): the new track on every sender of its kind. */
  async replaceTrack(track: MediaStreamTrack, stream: MediaStream): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((s) => s.replaceTrack(track, stream)));
    this.#applyCaps(); // a newly added camera sender gets the cap of this call size
  }

  /**
   * @internal End now, without telling the server (it told us, or it will
   * learn from our leave/disconnect). Closes every peer connection.
   */
  endLocally(reason: CallEndReason): void {
    if (this.ended) return;
    const prev = this.#machine.end(reason);
    this.#monitor.stop();
    for (const peerId of [...this.#sessions.keys()]) this.#closeSession(peerId);
    this.#pendingSignals.clear();
    this.safeEmit(CallEvent.StateChanged, 'ended', prev);
    this.safeEmit(CallEvent.Ended, reason);
    this.#ctx.onEnded(this);
  }

  // ---------------------------------------------------------------------------

  #openSession(peerId: PeerId, role: 'offerer' | 'answerer', send = true): void {
    const { relay } = this.#ctx;
    const callId = this.id;
    const sessionOptions: PeerSessionOptions = {
      selfId: this.#ctx.selfId,
      remoteId: peerId,
      rtcConfig: this.#ctx.rtcConfig(),
      role,
      localStream: () => this.#ctx.media.stream,
      screenStream: () => this.#ctx.media.screenStream,
      signaler: {
        description: (description: SessionDescription) =>
          relay('signal:description', { callId, to: peerId, description }),
        candidate: (candidate: IceCandidate | null) =>
          relay('signal:candidate', { callId, to: peerId, candidate }),
      },
      refreshIceServers: () => this.#ctx.refreshIceServers(),
      ...(this.#ctx.timing ? { timing: this.#ctx.timing } : {}),
      sendMedia: send,
      onSetupStep: (step) => this.#timeline.mark(step, peerId),
    };
    const session = this.#ctx.createSession
      ? this.#ctx.createSession(sessionOptions)
      : new PeerSession(sessionOptions);
    this.#sessions.set(peerId, session);
    const peer = this.#ctx.peerInfo(peerId);
    if (peer) this.#known.set(peerId, peer);
    const media = new RemotePeerMedia<MediaStreamTrack, MediaStream>({
      createStream: this.#ctx.createStream ?? (() => new MediaStream()),
      onCamera: (stream) => {
        this.#remoteStreams.set(peerId, stream);
        this.safeEmit(CallEvent.RemoteStream, peerId, stream);
      },
      onScreen: (stream) => {
        this.#remoteScreens.set(peerId, stream);
        this.safeEmit(CallEvent.RemoteScreen, peerId, stream);
      },
      onScreenRemoved: () => {
        if (this.#remoteScreens.delete(peerId))
          this.safeEmit(CallEvent.RemoteScreenRemoved, peerId);
      },
    });
    media.setScreenId(peer?.media.screen ?? null);
    this.#media.set(peerId, media);
    session.on('stateChanged', (state) => this.#onSessionState(peerId, state));
    session.on('remoteTrack', (track, streamId) => media.addTrack(track, streamId));
    session.on('remoteTrackRemoved', (track) => media.removeTrack(track));
    session.on('connectionTypeChanged', (type) =>
      this.safeEmit(CallEvent.ConnectionTypeChanged, peerId, type),
    );
    session.on('iceFailed', () => this.safeEmit(CallEvent.IceFailed, peerId));
    session.on('error', (err) => {
      // A relay that fails because the call is over is not worth reporting.
      if (!this.ended) this.#ctx.reportError(err);
    });
    const pending = this.#pendingSignals.get(peerId);
    this.#pendingSignals.delete(peerId);
    for (const deliver of pending ?? []) deliver(session);
  }

  #closeSession(peerId: PeerId): void {
    const session = this.#sessions.get(peerId);
    if (!session) return;
    this.#sessions.delete(peerId);
    session.removeAllListeners();
    session.close();
    this.#media.get(peerId)?.close();
    this.#media.delete(peerId);
    this.#monitor.forget(peerId);
    if (this.#remoteScreens.delete(peerId)) this.safeEmit(CallEvent.RemoteScreenRemoved, peerId);
    if (this.#remoteStreams.delete(peerId)) this.safeEmit(CallEvent.RemoteStreamRemoved, peerId);
  }

  /** Others in `info.participants`; emits ParticipantsChanged when that set changed. */
  #noteParticipants(info: CallInfo): void {
    const next = this.#othersIn(info);
    for (const id of next) {
      const peer = this.#ctx.peerInfo(id);
      if (peer) this.#known.set(id, peer);
    }
    // remotePeer follows the call: the first other participant once the original one left.
    const first = next[0];
    if (first !== undefined && !next.includes(this.#remoteId) && this.#joined) {
      this.#remoteId = first;
    }
    const prev = this.#participants;
    if (prev.length === next.length && prev.every((p, i) => p === next[i])) return;
    this.#participants = next;
    if (!this.ended) this.safeEmit(CallEvent.ParticipantsChanged, [...next]);
  }

  #othersIn(info: CallInfo): PeerId[] {
    return info.participants.filter((p) => p !== this.#ctx.selfId);
  }

  /** Bitrate caps for this call size (self included) on every session. */
  #applyCaps(): void {
    const n = this.#info.participants.length;
    const caps = { camera: cameraCap(n), screen: screenCap(n) };
    for (const s of this.#sessions.values()) s.setVideoCaps(caps);
  }

  #createMonitor(): CallMonitor {
    return new CallMonitor({
      selfId: this.#ctx.selfId,
      // Pre-connections (someone still ringing) carry no media to measure.
      sessions: () => [...this.#sessions].filter(([, s]) => s.sending),
      cameraTracks: (id) => this.#media.get(id)?.cameraTracks() ?? [],
      screenTrackIds: (id) => this.#media.get(id)?.screenTrackIds() ?? new Set(),
      muted: (id) =>
        id === this.#ctx.selfId
          ? !this.#ctx.media.state.audio
          : !(this.#ctx.peerInfo(id)?.media.audio ?? false),
      videoExpected: (id) => this.#ctx.peerInfo(id)?.media.video ?? false,
      localAudioTrack: () =>
        this.#ctx.media.stream?.getAudioTracks().find((t) => t.readyState === 'live') ?? null,
      onActiveSpeaker: (id) => {
        if (!this.ended) this.safeEmit(CallEvent.ActiveSpeakerChanged, id);
      },
      onQuality: (id, q) => {
        if (!this.ended) this.safeEmit(CallEvent.QualityChanged, id, q);
      },
    });
  }

  #toSession(from: PeerId, deliver: (s: PeerSessionLike) => void): void {
    if (this.ended) return;
    const session = this.#sessions.get(from);
    if (session) {
      deliver(session);
      return;
    }
    // An offer can overtake our own accept's ack: keep it for the session.
    const queue = this.#pendingSignals.get(from) ?? [];
    if (queue.length < MAX_PENDING_SIGNALS) queue.push(deliver);
    this.#pendingSignals.set(from, queue);
  }

  #onSessionState(peerId: PeerId, state: PeerSessionState): void {
    if (this.ended) return;
    if (state === 'failed') {
      const wasSending = this.#sessions.get(peerId)?.sending ?? true;
      this.#closeSession(peerId);
      // A pre-connection that failed while ringing is no reason to end the call:
      // accepting opens a fresh connection.
      if (!wasSending) return;
      if (this.#sessions.size === 0) {
        // ICE restarts did not help: end the call and tell the other side.
        this.endLocally('failed');
        void this.#tell('call:hangup');
      }
      return;
    }
    this.#refreshState();
  }

  /** The call's state from its sending connections (pre-connections do not count). */
  #refreshState(): void {
    if (this.ended) return;
    const states = [...this.#sessions.values()].filter((s) => s.sending).map((s) => s.state);
    const next = callStateFromSessions(this.state, states);
    if (next !== this.state && next !== 'ended') this.#set(next);
  }

  #set(next: Exclude<CallStatus, 'ended'>): void {
    const prev = this.#machine.transition(next);
    this.safeEmit(CallEvent.StateChanged, next, prev);
  }

  #require(state: CallStatus, action: string): void {
    if (this.state !== state) {
      throw new ParleyError(
        ErrorCode.INVALID_STATE,
        `Cannot ${action} a call in state '${this.state}'`,
      );
    }
  }

  /** Tell the server about a local end; "already over" answers are fine. */
  async #tell(
    event: 'call:decline' | 'call:cancel' | 'call:hangup',
    onInvalidState?: 'call:hangup',
  ): Promise<void> {
    try {
      await this.#ctx.signaling.request(event, { callId: this.id });
    } catch (err) {
      // Cancel raced with the callee's accept: the call is active now, hang it up.
      if (onInvalidState && isParleyError(err, ErrorCode.INVALID_STATE)) {
        return this.#tell(onInvalidState);
      }
      if (isParleyError(err) && ALREADY_GONE.includes(err.code)) return;
      this.#ctx.reportError(toParleyError(err));
    }
  }
}
