import {
  ErrorCode,
  type CallEndReason,
  type CallId,
  type CallInfo,
  type IceConfig,
  type JoinResult,
  type MediaState,
  type PeerId,
  type PeerInfo,
  type RoomId,
  type RoomStatus,
  type ServerMessage,
} from '@parley/protocol';
import { Call, type CallContext } from './Call.js';
import { isParleyError, ParleyError, toParleyError } from './errors.js';
import { ClientEvent, type ClientEvents, type ConnectionState } from './events.js';
import { LocalMedia } from './LocalMedia.js';
import type { RecoveryTiming } from './negotiation.js';
import { runNetworkTest, toRtcIceServers, type NetworkTestResult } from './networkTest.js';
import { SignalingChannel, wireErrorCode } from './SignalingChannel.js';
import { TypedEmitter } from './TypedEmitter.js';

export interface ParleyClientOptions {
  /** Signaling server URL (default: the page's origin). */
  url?: string | undefined;
  /** 'relay' forces every call through TURN (FORCE_RELAY; app: ?relay=1). */
  iceTransportPolicy?: RTCIceTransportPolicy | undefined;
  /** Informational: the server owns the ring timeout. */
  ringTimeoutMs?: number | undefined;
  /** How long a request waits for the server's answer. */
  requestTimeoutMs?: number | undefined;
  /** How long one connection attempt may take. */
  connectTimeoutMs?: number | undefined;
  /** Rejoin the same room with the same name after the connection came back (default true). */
  autoRejoin?: boolean | undefined;
  /** ICE recovery timers (tests may shorten them). */
  recoveryTiming?: Partial<RecoveryTiming> | undefined;
}

/** Options after defaults were applied. */
export interface ResolvedClientOptions {
  url: string;
  iceTransportPolicy: RTCIceTransportPolicy;
  ringTimeoutMs: number | undefined;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  autoRejoin: boolean;
  recoveryTiming: Partial<RecoveryTiming> | undefined;
}

export const DEFAULT_CLIENT_OPTIONS: Omit<ResolvedClientOptions, 'url'> = {
  iceTransportPolicy: 'all',
  ringTimeoutMs: undefined,
  requestTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  autoRejoin: true,
  recoveryTiming: undefined,
};

/** Refresh TURN credentials this long before they expire. */
const ICE_REFRESH_MARGIN_MS = 60_000;
/** Retry delay after a failed background credential refresh. */
const ICE_REFRESH_RETRY_MS = 10_000;

type RoomEvent = 'peer:joined' | 'peer:left' | 'peer:updated';
type CallScopedEvent = 'call:updated' | 'call:ended' | 'signal:description' | 'signal:candidate';

function defaultUrl(): string {
  if (typeof location !== 'undefined') return location.origin;
  throw new ParleyError(ErrorCode.INVALID_MESSAGE, 'ParleyClient needs options.url outside a page');
}

/**
 * The SDK facade: one signaling connection, at most one room and one
 * current call, and the local media.
 */
export class ParleyClient extends TypedEmitter<ClientEvents> {
  readonly media: LocalMedia;
  readonly options: Readonly<ResolvedClientOptions>;
  readonly #signaling: SignalingChannel;

  #self: PeerInfo | null = null;
  #room: RoomId | null = null;
  #participants = new Map<PeerId, PeerInfo>();
  #iceConfig: IceConfig | null = null;
  #iceTimer: ReturnType<typeof setTimeout> | undefined;
  #call: Call | null = null;

  /** Where to return after a reconnect (cleared by leave()/disconnect()). */
  #rejoinTarget: { room: RoomId; name: string } | null = null;
  /** Room events that arrive while our join is in flight, applied after its ack. */
  #joinBuffer: (() => void)[] | null = null;
  /** Call events for a call we do not know yet, kept while an invite is in flight. */
  #pendingInvites = 0;
  #invitingPeers = new Set<PeerId>();
  #orphans = new Map<CallId, (() => void)[]>();

  constructor(options: ParleyClientOptions = {}) {
    super();
    const url = options.url ?? defaultUrl();
    // Explicit `undefined` means "default", so it must not override one.
    const given = Object.fromEntries(
      Object.entries(options).filter(([, v]) => v !== undefined),
    ) as Partial<ResolvedClientOptions>;
    this.options = Object.freeze({ ...DEFAULT_CLIENT_OPTIONS, ...given, url });
    this.#signaling = new SignalingChannel({
      url,
      requestTimeoutMs: this.options.requestTimeoutMs,
      connectTimeoutMs: this.options.connectTimeoutMs,
    });
    this.media = new LocalMedia({
      replaceTrack: async (track, stream) => {
        await this.#call?.replaceTrack(track, stream);
      },
      publishState: (state) => this.#publishMediaState(state),
    });
    this.#wireSignaling();
  }

  get connectionState(): ConnectionState {
    return this.#signaling.state;
  }

  get self(): PeerInfo | null {
    return this.#self;
  }

  get room(): RoomId | null {
    return this.#room;
  }

  /** Everyone else in the room. */
  get participants(): ReadonlyMap<PeerId, PeerInfo> {
    return this.#participants;
  }

  /** ICE servers from the join / the last ice:refresh (short-lived TURN credentials). */
  get iceConfig(): IceConfig | null {
    return this.#iceConfig;
  }

  /** The current call (outgoing, incoming or active); null once it ended. */
  get call(): Call | null {
    return this.#call;
  }

  /** Connect to the signaling server (websocket first, long-polling fallback). */
  connect(): Promise<void> {
    return this.#signaling.connect();
  }

  /** Close the connection for good: the call ends ('disconnected'), no rejoin. */
  disconnect(): void {
    this.#rejoinTarget = null;
    this.#dropRoom('disconnected');
    this.#signaling.disconnect();
  }

  checkRoom(room: string): Promise<RoomStatus> {
    return this.#signaling.request('room:check', { room });
  }

  /**
   * Join a room under a display name. Sends the local media state. Throws
   * ParleyError ROOM_FULL, ALREADY_IN_ROOM, INVALID_MESSAGE (bad id/name), ...
   */
  async join(room: string, name: string): Promise<JoinResult> {
    if (this.#room !== null || this.#joinBuffer !== null) {
      throw new ParleyError(ErrorCode.ALREADY_IN_ROOM, 'Leave the current room first');
    }
    const result = await this.#join(room, name);
    this.#rejoinTarget = { room: result.room, name };
    return result;
  }

  /** Leave the room (the current call ends with 'left'). */
  async leave(): Promise<void> {
    this.#rejoinTarget = null;
    const wasJoined = this.#room !== null;
    this.#dropRoom('left');
    if (!wasJoined || !this.#signaling.connected) return;
    try {
      await this.#signaling.request('room:leave', {});
    } catch (err) {
      if (!isParleyError(err, ErrorCode.NOT_IN_ROOM)) throw err;
    }
  }

  /**
   * Call a participant. Starts local media first if needed. Throws
   * ParleyError BUSY, PEER_NOT_FOUND, INVALID_STATE (already in a call), MEDIA_*.
   * If that participant is ringing us, this accepts their call instead.
   */
  async invite(peerId: PeerId): Promise<Call> {
    this.#requireJoined();
    const current = this.#call;
    if (current && !current.ended) {
      if (current.state === 'ringing-in' && current.remotePeer.id === peerId) {
        await current.accept();
        return current;
      }
      throw new ParleyError(ErrorCode.INVALID_STATE, 'Already in a call');
    }
    const remote = this.#participants.get(peerId);
    if (!remote) throw new ParleyError(ErrorCode.PEER_NOT_FOUND, 'No such participant in the room');
    await this.media.ensureStarted();

    this.#pendingInvites += 1;
    this.#invitingPeers.add(peerId);
    let info: CallInfo;
    try {
      ({ call: info } = await this.#signaling.request('call:invite', { to: peerId }));
    } catch (err) {
      this.#endInvite(peerId, null);
      throw err;
    }
    const early = this.#endInvite(peerId, info.id);
    try {
      return this.#adoptInvitedCall(info, remote);
    } finally {
      for (const replay of early) replay();
    }
  }

  /** Probe STUN/TURN reachability with this room's ICE servers (about 5 s). */
  async runNetworkTest(): Promise<NetworkTestResult> {
    this.#requireJoined();
    let config = this.#iceConfig;
    if (
      !config ||
      (config.expiresAt !== null && config.expiresAt - Date.now() < ICE_REFRESH_MARGIN_MS)
    ) {
      config = await this.#refreshIceConfig();
    }
    return runNetworkTest(config);
  }

  // ---- rooms -------------------------------------------------------------------

  async #join(room: string, name: string): Promise<JoinResult> {
    this.#joinBuffer = [];
    let result: JoinResult;
    try {
      result = await this.#signaling.request('room:join', { room, name, media: this.media.state });
    } catch (err) {
      this.#joinBuffer = null;
      throw err;
    }
    const buffered = this.#joinBuffer;
    this.#joinBuffer = null;
    this.#self = result.self;
    this.#room = result.room;
    this.#participants = new Map(result.peers.map((p) => [p.id, p]));
    this.#setIceConfig(result.ice);
    this.safeEmit(ClientEvent.RoomChanged, result.room, result.self);
    for (const apply of buffered) apply();
    // Media may have changed while the join was in flight.
    const media = this.media.state;
    if (media.audio !== result.self.media.audio || media.video !== result.self.media.video) {
      void this.#publishMediaState(media);
    }
    return result;
  }

  /** Forget the room locally: the call ends with `reason`, timers stop. */
  #dropRoom(reason: CallEndReason): void {
    this.#call?.endLocally(reason);
    this.#joinBuffer = null;
    if (this.#iceTimer !== undefined) clearTimeout(this.#iceTimer);
    this.#iceTimer = undefined;
    const wasJoined = this.#room !== null;
    this.#self = null;
    this.#room = null;
    this.#participants = new Map();
    this.#iceConfig = null;
    if (wasJoined) this.safeEmit(ClientEvent.RoomChanged, null, null);
  }

  /** After Socket.IO reconnected: rejoin (the ack brings fresh ICE credentials). */
  async #rejoin(): Promise<void> {
    const target = this.#rejoinTarget;
    if (!target || !this.options.autoRejoin || this.#room !== null) return;
    try {
      await this.#join(target.room, target.name);
    } catch (err) {
      const e = toParleyError(err);
      // Lost again: the next reconnect retries. Anything else is final.
      if (e.code !== 'NOT_CONNECTED' && e.code !== 'SIGNALING_TIMEOUT') this.#rejoinTarget = null;
      this.safeEmit(ClientEvent.Error, e);
    }
  }

  #requireJoined(): void {
    if (this.#room === null || this.#self === null) {
      throw new ParleyError(ErrorCode.NOT_IN_ROOM, 'Join a room first');
    }
  }

  async #publishMediaState(state: MediaState): Promise<void> {
    if (this.#self) this.#self = { ...this.#self, media: state };
    if (this.#room === null || !this.#signaling.connected) return;
    try {
      await this.#signaling.request('media:update', state);
    } catch (err) {
      this.safeEmit(ClientEvent.Error, toParleyError(err));
    }
  }

  // ---- ICE servers --------------------------------------------------------------

  async #refreshIceConfig(): Promise<IceConfig> {
    const config = await this.#signaling.request('ice:refresh', {});
    if (this.#room !== null) this.#setIceConfig(config);
    return config;
  }

  /** Keep TURN credentials fresh while joined, so new calls never start with stale ones. */
  #setIceConfig(config: IceConfig): void {
    this.#iceConfig = config;
    if (this.#iceTimer !== undefined) clearTimeout(this.#iceTimer);
    this.#iceTimer = undefined;
    if (config.expiresAt === null) return;
    const ttl = config.expiresAt - Date.now();
    const delay = Math.max(Math.min(ttl - ICE_REFRESH_MARGIN_MS, ttl / 2), 1000);
    this.#scheduleIceRefresh(delay);
  }

  #scheduleIceRefresh(delayMs: number): void {
    this.#iceTimer = setTimeout(() => {
      this.#iceTimer = undefined;
      if (this.#room === null) return;
      this.#refreshIceConfig().catch(() => {
        if (this.#room !== null) this.#scheduleIceRefresh(ICE_REFRESH_RETRY_MS);
      });
    }, delayMs);
  }

  #rtcConfig(): RTCConfiguration {
    return {
      iceServers: toRtcIceServers(this.#iceConfig),
      iceTransportPolicy: this.options.iceTransportPolicy,
    };
  }

  // ---- calls ----------------------------------------------------------------

  #callContext(selfId: PeerId): CallContext {
    return {
      selfId,
      signaling: this.#signaling,
      media: this.media,
      peerInfo: (id) => this.#participants.get(id),
      rtcConfig: () => this.#rtcConfig(),
      refreshIceServers: async () => toRtcIceServers(await this.#refreshIceConfig()),
      reportError: (err) => this.safeEmit(ClientEvent.Error, err),
      onEnded: (call) => {
        if (this.#call !== call) return;
        this.#call = null;
        this.safeEmit(ClientEvent.CallChanged, null);
      },
      ...(this.options.recoveryTiming ? { timing: this.options.recoveryTiming } : {}),
    };
  }

  #adoptInvitedCall(info: CallInfo, remote: PeerInfo): Call {
    const self = this.#self;
    if (!self) throw new ParleyError(ErrorCode.NOT_IN_ROOM, 'Left the room during the invite');
    const current = this.#call;
    if (current && !current.ended) {
      if (current.id === info.id) {
        // Both invited each other: the server made us a participant of their call.
        current.handleServerUpdate(info, 'own-accept');
        return current;
      }
      // Someone else's call reached us while ours was in flight: keep theirs.
      void this.#signaling.request('call:cancel', { callId: info.id }).catch(() => undefined);
      throw new ParleyError(ErrorCode.INVALID_STATE, 'Another call started meanwhile');
    }
    const call = new Call(this.#callContext(self.id), info, 'outgoing', remote);
    this.#setCall(call);
    call.handleServerUpdate(info, 'own-accept');
    return call;
  }

  /** An invite settled: hand back the messages that arrived early for its call. */
  #endInvite(peerId: PeerId, callId: CallId | null): (() => void)[] {
    this.#pendingInvites -= 1;
    this.#invitingPeers.delete(peerId);
    const early = callId === null ? [] : (this.#orphans.get(callId) ?? []);
    if (callId !== null) this.#orphans.delete(callId);
    if (this.#pendingInvites === 0) this.#orphans.clear();
    return early;
  }

  #setCall(call: Call | null): void {
    this.#call = call;
    this.safeEmit(ClientEvent.CallChanged, call);
  }

  #onIncoming({ call: info, from }: ServerMessage<'call:incoming'>): void {
    const self = this.#self;
    if (!self) return;
    const current = this.#call;
    if (current && !current.ended) {
      if (current.id !== info.id) {
        console.warn('[parley] incoming call while in another call; ignored');
      }
      return;
    }
    const call = new Call(this.#callContext(self.id), info, 'incoming', from);
    if (this.#invitingPeers.has(from.id)) call.expectOwnAccept();
    this.#setCall(call);
    this.safeEmit(ClientEvent.IncomingCall, call);
  }

  /** Route a call-scoped message to the current call, or keep it while an invite is in flight. */
  #toCall(callId: CallId, apply: (call: Call) => void): void {
    const call = this.#call;
    if (call && call.id === callId) {
      apply(call);
      return;
    }
    if (this.#pendingInvites > 0) {
      const list = this.#orphans.get(callId) ?? [];
      if (list.length < 256) list.push(() => this.#toCall(callId, apply));
      this.#orphans.set(callId, list);
    }
  }

  // ---- signaling wiring -----------------------------------------------------------

  #wireSignaling(): void {
    const s = this.#signaling;
    s.on('stateChanged', (state, prev) => {
      // First the new connection state, so that a UI seeing the room go away
      // can tell a blip ('reconnecting') from the end ('disconnected').
      this.safeEmit(ClientEvent.ConnectionStateChanged, state);
      if (state === 'reconnecting' || state === 'disconnected') {
        // The server ends our call and removes us when our socket goes;
        // mirror that now. Only a transient drop keeps the rejoin target.
        if (state === 'disconnected') this.#rejoinTarget = null;
        this.#dropRoom('disconnected');
      }
      if (state === 'connected' && prev === 'reconnecting') void this.#rejoin();
    });
    s.on('error', (err) => this.safeEmit(ClientEvent.Error, err));
    s.on('server:error', (msg) =>
      this.safeEmit(ClientEvent.Error, new ParleyError(wireErrorCode(msg.code), msg.message)),
    );

    this.#onRoomEvent('peer:joined', (peer) => {
      if (peer.id === this.#self?.id) return;
      this.#participants.set(peer.id, peer);
      this.safeEmit(ClientEvent.PeerJoined, peer);
    });
    this.#onRoomEvent('peer:left', ({ id, reason }) => {
      const peer = this.#participants.get(id);
      if (!peer) return;
      this.#participants.delete(id);
      this.safeEmit(ClientEvent.PeerLeft, peer, reason);
    });
    this.#onRoomEvent('peer:updated', (peer) => {
      if (peer.id === this.#self?.id) {
        this.#self = peer;
        return;
      }
      this.#participants.set(peer.id, peer);
      this.safeEmit(ClientEvent.PeerUpdated, peer);
    });

    s.on('call:incoming', (msg) => this.#onIncoming(msg));
    this.#onCallEvent(
      'call:updated',
      (msg) => msg.call.id,
      (call, msg) => call.handleServerUpdate(msg.call, 'update'),
    );
    this.#onCallEvent(
      'call:ended',
      (msg) => msg.callId,
      (call, msg) => call.handleServerEnd(msg.reason),
    );
    this.#onCallEvent(
      'signal:description',
      (msg) => msg.callId,
      (call, msg) => call.handleDescription(msg.from, msg.description),
    );
    this.#onCallEvent(
      'signal:candidate',
      (msg) => msg.callId,
      (call, msg) => call.handleCandidate(msg.from, msg.candidate),
    );
  }

  #onRoomEvent<E extends RoomEvent>(event: E, apply: (msg: ServerMessage<E>) => void): void {
    const handler = (msg: ServerMessage<E>) => {
      if (this.#joinBuffer !== null) {
        this.#joinBuffer.push(() => apply(msg));
        return;
      }
      if (this.#room !== null) apply(msg);
    };
    this.#signaling.on(event, handler as never);
  }

  #onCallEvent<E extends CallScopedEvent>(
    event: E,
    callIdOf: (msg: ServerMessage<E>) => CallId,
    apply: (call: Call, msg: ServerMessage<E>) => void,
  ): void {
    const handler = (msg: ServerMessage<E>) =>
      this.#toCall(callIdOf(msg), (call) => apply(call, msg));
    this.#signaling.on(event, handler as never);
  }
}
