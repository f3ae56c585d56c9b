import {
  ErrorCode,
  type CallEndReason,
  type CallId,
  type CallInfo,
  type ChatMessage,
  type IceConfig,
  type JoinResult,
  type MediaState,
  type PeerId,
  type PeerInfo,
  type RoomId,
  type RoomOptions,
  type RoomStatus,
  type ServerMessage,
  Limits,
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
  /**
   * Camera constraints for media.start() (default 1280x720 at 30 fps, ideal
   * values). Tests and slow links pass smaller ones; a per-call
   * `media.start({ videoConstraints })` still wins.
   */
  videoConstraints?: MediaTrackConstraints | undefined;
}

/** Options of join(). */
export interface JoinOptions {
  /**
   * Make the room a meeting link: everyone is in the room's call as soon as
   * they enter. Applies only when this join creates the room (client.roomOptions
   * tells what the room has).
   */
  joinCallOnEntry?: boolean | undefined;
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
  videoConstraints: MediaTrackConstraints;
}

export const DEFAULT_CLIENT_OPTIONS: Omit<ResolvedClientOptions, 'url'> = {
  iceTransportPolicy: 'all',
  ringTimeoutMs: undefined,
  requestTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  autoRejoin: true,
  recoveryTiming: undefined,
  videoConstraints: {
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 30 },
  },
};

/** Refresh TURN credentials this long before they expire. */
const ICE_REFRESH_MARGIN_MS = 60_000;
/** Retry delay after a failed background credential refresh. */
const ICE_REFRESH_RETRY_MS = 10_000;

type RoomEvent = 'peer:joined' | 'peer:left' | 'peer:updated' | 'room:call' | 'chat:message';
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
  #roomOptions: RoomOptions | null = null;
  #roomCall: CallInfo | null = null;
  #chat: ChatMessage[] = [];

  /** Where to return after a reconnect (cleared by leave()/disconnect()). */
  #rejoinTarget: { room: RoomId; name: string; options: JoinOptions | undefined } | null = null;
  /** Room events that arrive while our join is in flight, applied after its ack. */
  #joinBuffer: (() => void)[] | null = null;
  /**
   * Call events for a call we do not know yet, kept while a request that
   * may hand us a call (join, invite, joinCall) is in flight.
   */
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
    this.media = new LocalMedia(
      {
        replaceTrack: async (track, stream) => {
          await this.#call?.replaceTrack(track, stream);
        },
        publishState: (state) => this.#publishMediaState(state),
        addScreen: (stream) => this.#liveCall()?.addScreen(stream),
        removeScreen: () => this.#liveCall()?.removeScreen(),
      },
      { videoConstraints: this.options.videoConstraints },
    );
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

  /** The room's options (from the join); null outside a room. */
  get roomOptions(): RoomOptions | null {
    return this.#roomOptions;
  }

  /** The room's call, also when we are not in it (room:call); null = none. */
  get roomCall(): CallInfo | null {
    return this.#roomCall;
  }

  /** Chat of the room: history from the join plus new messages, oldest first, at most 100. */
  get chat(): readonly ChatMessage[] {
    return this.#chat;
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
  async join(room: string, name: string, options?: JoinOptions): Promise<JoinResult> {
    if (this.#room !== null || this.#joinBuffer !== null) {
      throw new ParleyError(ErrorCode.ALREADY_IN_ROOM, 'Leave the current room first');
    }
    const result = await this.#join(room, name, options);
    this.#rejoinTarget = { room: result.room, name, options };
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
      if (current.state === 'ringing-in') {
        throw new ParleyError(ErrorCode.INVALID_STATE, 'Already in a call');
      }
      // We are in (or started) a call: ring them into it.
      await current.invite(peerId);
      return current;
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
    this.#noteRoomCall(info);
    try {
      return this.#adoptInvitedCall(info, remote);
    } finally {
      for (const replay of early) replay();
    }
  }

  /**
   * Join the room's ongoing call (client.roomCall) without being rung.
   * Starts local media first if needed. The Call starts in 'connecting'.
   * Throws CALL_FULL, CALL_NOT_FOUND (no call / it ended), MEDIA_*.
   */
  async joinCall(): Promise<Call> {
    this.#requireJoined();
    const current = this.#call;
    const target = this.#roomCall;
    if (current && !current.ended) {
      if (target && current.id === target.id) {
        if (current.state === 'ringing-in') await current.accept();
        if (current.state !== 'ringing-out') return current;
      }
      throw new ParleyError(ErrorCode.INVALID_STATE, 'Already in a call');
    }
    if (!target) throw new ParleyError(ErrorCode.CALL_NOT_FOUND, 'The room has no call to join');
    await this.media.ensureStarted();

    this.#pendingInvites += 1;
    let info: CallInfo;
    try {
      ({ call: info } = await this.#signaling.request('call:join', { callId: target.id }));
    } catch (err) {
      this.#endPending(null);
      throw err;
    }
    const early = this.#endPending(info.id);
    try {
      const call = this.#adoptJoinedCall(info, 'answerer');
      if (!call) throw new ParleyError(ErrorCode.INVALID_STATE, 'Another call started meanwhile');
      return call;
    } finally {
      for (const replay of early) replay();
    }
  }

  /**
   * Send a chat message to the room. Resolves with the message as the server
   * stamped it (id, sender name, time); ChatMessage fires for it too.
   * Throws INVALID_MESSAGE (empty), PAYLOAD_TOO_LARGE (over 2000 characters,
   * checked before sending), RATE_LIMITED, NOT_IN_ROOM.
   */
  async sendChat(text: string): Promise<ChatMessage> {
    this.#requireJoined();
    const { message } = await this.#signaling.request('chat:send', { text });
    this.#addChat(message);
    return message;
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

  async #join(room: string, name: string, options?: JoinOptions): Promise<JoinResult> {
    this.#joinBuffer = [];
    this.#pendingInvites += 1;
    let result: JoinResult;
    try {
      const roomOptions =
        options?.joinCallOnEntry === undefined
          ? {}
          : { options: { joinCallOnEntry: options.joinCallOnEntry } };
      result = await this.#signaling.request('room:join', {
        room,
        name,
        media: this.media.state,
        ...roomOptions,
      });
    } catch (err) {
      this.#joinBuffer = null;
      this.#endPending(null);
      throw err;
    }
    const early = this.#endPending(result.call?.id ?? null);
    const buffered = this.#joinBuffer;
    this.#joinBuffer = null;
    this.#self = result.self;
    this.#room = result.room;
    this.#participants = new Map(result.peers.map((p) => [p.id, p]));
    this.#roomOptions = result.options;
    this.#chat = result.chat.slice(-Limits.CHAT_HISTORY_MAX);
    this.#setIceConfig(result.ice);
    this.safeEmit(ClientEvent.RoomChanged, result.room, result.self);
    this.#setRoomCall(result.call);
    // A join-on-entry room puts us straight into its call: we are the newcomer.
    if (result.call && this.#isParticipant(result.call)) {
      this.#adoptJoinedCall(result.call, 'answerer');
    }
    for (const replay of early) replay();
    for (const apply of buffered) apply();
    // Media may have changed while the join was in flight.
    const media = this.media.state;
    const sent = result.self.media;
    if (media.audio !== sent.audio || media.video !== sent.video || media.screen !== sent.screen) {
      void this.#publishMediaState(media);
    }
    return result;
  }

  /** Forget the room locally: the call ends with `reason`, timers stop. */
  #dropRoom(reason: CallEndReason): void {
    this.#call?.endLocally(reason);
    this.#joinBuffer = null;
    this.#roomOptions = null;
    this.#chat = [];
    this.#setRoomCall(null);
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
      await this.#join(target.room, target.name, target.options);
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
        // Nobody receives a share outside a call: stop capturing the screen.
        void this.media.stopScreenShare();
        this.safeEmit(ClientEvent.CallChanged, null);
      },
      invite: (call, peerId) => this.#ringInto(call, peerId),
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

  /** Ring someone into our current call; the ack's CallInfo updates it. */
  async #ringInto(call: Call, peerId: PeerId): Promise<void> {
    this.#requireJoined();
    if (!this.#participants.has(peerId)) {
      throw new ParleyError(ErrorCode.PEER_NOT_FOUND, 'No such participant in the room');
    }
    const { call: info } = await this.#signaling.request('call:invite', { to: peerId });
    if (info.id === call.id) {
      call.handleServerUpdate(info, 'update');
      this.#noteRoomCall(info);
      return;
    }
    // Our call ended while the invite was in flight and the server started
    // a new one: do not leave it ringing with nobody to answer for us.
    void this.#signaling.request('call:cancel', { callId: info.id }).catch(() => undefined);
    throw new ParleyError(ErrorCode.INVALID_STATE, 'The call ended meanwhile');
  }

  /**
   * Become a participant of a call the server already counts us in
   * (joinCall ack, join-on-entry room). null if we are in another call.
   */
  #adoptJoinedCall(info: CallInfo, role: 'answerer' | 'offerer'): Call | null {
    const self = this.#self;
    if (!self) throw new ParleyError(ErrorCode.NOT_IN_ROOM, 'Left the room meanwhile');
    const current = this.#call;
    if (current && !current.ended) {
      if (current.id !== info.id) return null;
      current.handleServerUpdate(info, role === 'answerer' ? 'own-accept' : 'update');
      return current;
    }
    const firstOther = info.participants.find((p) => p !== self.id);
    const remote =
      (firstOther === undefined ? undefined : this.#participants.get(firstOther)) ??
      this.#participants.get(info.initiator);
    if (!remote) return null; // nobody else in it that we know of
    const call = new Call(this.#callContext(self.id), info, 'incoming', remote, role);
    this.#setCall(call);
    return call;
  }

  #isParticipant(info: CallInfo): boolean {
    const self = this.#self;
    return self !== null && info.state === 'active' && info.participants.includes(self.id);
  }

  #liveCall(): Call | null {
    const call = this.#call;
    return call && !call.ended ? call : null;
  }

  #setRoomCall(info: CallInfo | null): void {
    const prev = this.#roomCall;
    this.#roomCall = info;
    if (prev === null && info === null) return;
    this.safeEmit(ClientEvent.RoomCallChanged, info);
  }

  /** A call ack told us the room's call: keep roomCall in step until room:call says more. */
  #noteRoomCall(info: CallInfo): void {
    if (this.#roomCall === null || this.#roomCall.id === info.id) this.#setRoomCall(info);
  }

  #onRoomCall(info: CallInfo | null): void {
    this.#setRoomCall(info);
    if (!info) return;
    const current = this.#liveCall();
    if (current && current.id === info.id) {
      current.handleServerUpdate(info, 'update');
      return;
    }
    // A join-on-entry room started a call with us in it when someone entered:
    // we were there first, so we offer. Not while a request that may hand us
    // a call is in flight (its ack decides).
    if (!current && this.#pendingInvites === 0 && this.#isParticipant(info)) {
      this.#adoptJoinedCall(info, 'offerer');
    }
  }

  #addChat(message: ChatMessage): void {
    if (this.#chat.some((m) => m.id === message.id)) return; // exactly once
    this.#chat = [...this.#chat, message].slice(-Limits.CHAT_HISTORY_MAX);
    this.safeEmit(ClientEvent.ChatMessage, message);
  }

  /** An invite settled: hand back the messages that arrived early for its call. */
  #endInvite(peerId: PeerId, callId: CallId | null): (() => void)[] {
    this.#invitingPeers.delete(peerId);
    return this.#endPending(callId);
  }

  /** A request that may hand us a call settled: the messages that arrived early for it. */
  #endPending(callId: CallId | null): (() => void)[] {
    this.#pendingInvites -= 1;
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
      this.#liveCall()?.handlePeerUpdated(peer);
      this.safeEmit(ClientEvent.PeerUpdated, peer);
    });
    this.#onRoomEvent('room:call', ({ call }) => this.#onRoomCall(call));
    this.#onRoomEvent('chat:message', (message) => this.#addChat(message));

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
