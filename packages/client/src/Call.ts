import {
  ErrorCode,
  type CallEndReason,
  type CallId,
  type CallInfo,
  type IceCandidate,
  type PeerId,
  type PeerInfo,
  type SessionDescription,
} from '@parley/protocol';
import { CallStateMachine, callStateFromSessions, type CallStatus } from './CallStateMachine.js';
import { ClientErrorCode, isParleyError, ParleyError, toParleyError } from './errors.js';
import { CallEvent, type CallEvents } from './events.js';
import type { ConnectionType } from './iceStats.js';
import type { LocalMedia } from './LocalMedia.js';
import type { PeerSessionState, RecoveryTiming } from './negotiation.js';
import { PeerSession } from './PeerSession.js';
import type { SignalingChannel } from './SignalingChannel.js';
import { TypedEmitter } from './TypedEmitter.js';

/** What a Call needs from the client that owns it. */
export interface CallContext {
  readonly selfId: PeerId;
  readonly signaling: SignalingChannel;
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
  timing?: Partial<RecoveryTiming>;
}

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
 * owns one PeerSession per other participant (a Map: ready for mesh calls).
 * Local actions end the call at once (teardown first, then the server is
 * told), so the UI never waits on the network to hang up.
 */
export class Call extends TypedEmitter<CallEvents> {
  readonly id: CallId;
  readonly direction: 'outgoing' | 'incoming';
  readonly #ctx: CallContext;
  readonly #machine: CallStateMachine;
  readonly #remoteId: PeerId;
  readonly #remoteSnapshot: PeerInfo;
  readonly #sessions = new Map<PeerId, PeerSession>();
  readonly #remoteStreams = new Map<PeerId, MediaStream>();
  readonly #pendingSignals = new Map<PeerId, ((s: PeerSession) => void)[]>();
  #info: CallInfo;
  /** We are a media participant (sessions were set up at least once). */
  #joined = false;
  /** Our own accept is in flight: updates that make us a participant come from it. */
  #accepting = false;

  /** @internal Created by ParleyClient. */
  constructor(
    ctx: CallContext,
    info: CallInfo,
    direction: 'outgoing' | 'incoming',
    remotePeer: PeerInfo,
  ) {
    super();
    this.#ctx = ctx;
    this.id = info.id;
    this.direction = direction;
    this.#info = info;
    this.#remoteId = remotePeer.id;
    this.#remoteSnapshot = remotePeer;
    this.#machine = new CallStateMachine(direction === 'outgoing' ? 'ringing-out' : 'ringing-in');
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

  /** The other side of a 1:1 call (its current room info when still in the room). */
  get remotePeer(): PeerInfo {
    return this.#ctx.peerInfo(this.#remoteId) ?? this.#remoteSnapshot;
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

  /** Callee: answer. Starts local media first if needed (throws MEDIA_* then). */
  async accept(): Promise<void> {
    this.#require('ringing-in', 'accept');
    await this.#ctx.media.ensureStarted();
    this.#require('ringing-in', 'accept'); // the caller may have cancelled meanwhile
    this.#accepting = true;
    try {
      const { call } = await this.#ctx.signaling.request('call:accept', { callId: this.id });
      this.handleServerUpdate(call, 'own-accept');
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

  /** @internal The server's CallInfo (call:updated, or an accept/invite ack). */
  handleServerUpdate(info: CallInfo, via: JoinedVia): void {
    if (this.ended || info.id !== this.id) return;
    this.#info = info;
    const self = this.#ctx.selfId;
    if (info.state !== 'active' || !info.participants.includes(self)) return;
    if (this.state === 'ringing-out' || this.state === 'ringing-in') this.#set('connecting');

    // Whoever was already in the call offers to a newcomer; a newcomer
    // (our own accept) waits for their offers and answers them.
    const firstJoin = !this.#joined;
    const role = firstJoin && (via === 'own-accept' || this.#accepting) ? 'answerer' : 'offerer';
    this.#joined = true;
    for (const peerId of info.participants) {
      if (peerId !== self && !this.#sessions.has(peerId)) this.#openSession(peerId, role);
    }
    for (const peerId of [...this.#sessions.keys()]) {
      if (!info.participants.includes(peerId)) this.#closeSession(peerId);
    }
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
  async replaceTrack(track: MediaStreamTrack, stream: MediaStream): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((s) => s.replaceTrack(track, stream)));
  }

  /**
   * @internal End now, without telling the server (it told us, or it will
   * learn from our leave/disconnect). Closes every peer connection.
   */
  endLocally(reason: CallEndReason): void {
    if (this.ended) return;
    const prev = this.#machine.end(reason);
    for (const peerId of [...this.#sessions.keys()]) this.#closeSession(peerId);
    this.#pendingSignals.clear();
    this.safeEmit(CallEvent.StateChanged, 'ended', prev);
    this.safeEmit(CallEvent.Ended, reason);
    this.#ctx.onEnded(this);
  }

  // ---------------------------------------------------------------------------

  #openSession(peerId: PeerId, role: 'offerer' | 'answerer'): void {
    const { signaling } = this.#ctx;
    const callId = this.id;
    const sessionOptions = {
      selfId: this.#ctx.selfId,
      remoteId: peerId,
      rtcConfig: this.#ctx.rtcConfig(),
      role,
      localStream: () => this.#ctx.media.stream,
      signaler: {
        description: async (description: SessionDescription) => {
          await signaling.request('signal:description', { callId, to: peerId, description });
        },
        candidate: async (candidate: IceCandidate | null) => {
          await signaling.request('signal:candidate', { callId, to: peerId, candidate });
        },
      },
      refreshIceServers: () => this.#ctx.refreshIceServers(),
      ...(this.#ctx.timing ? { timing: this.#ctx.timing } : {}),
    };
    const session = new PeerSession(sessionOptions);
    this.#sessions.set(peerId, session);
    session.on('stateChanged', (state) => this.#onSessionState(peerId, state));
    session.on('remoteStream', (stream) => {
      this.#remoteStreams.set(peerId, stream);
      this.safeEmit(CallEvent.RemoteStream, peerId, stream);
    });
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
    if (this.#remoteStreams.delete(peerId)) this.safeEmit(CallEvent.RemoteStreamRemoved, peerId);
  }

  #toSession(from: PeerId, deliver: (s: PeerSession) => void): void {
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
      this.#closeSession(peerId);
      if (this.#sessions.size === 0) {
        // ICE restarts did not help: end the call and tell the other side.
        this.endLocally('failed');
        void this.#tell('call:hangup');
      }
      return;
    }
    const states = [...this.#sessions.values()].map((s) => s.state);
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
