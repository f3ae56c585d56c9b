import {
  ErrorCode,
  type AckData,
  type ClientMessage,
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
  type ResumeResult,
  type RoomAccess,
  type RoomOptions,
  type RoomRole,
  type WaitingGuest,
  type RoomStatus,
  type ServerMessage,
  type SessionGrant,
  Limits,
} from '@parley/protocol';
import { Call, type CallContext, type RelayRequest } from './Call.js';
import { ClientErrorCode, isParleyError, ParleyError, toParleyError } from './errors.js';
import { ClientEvent, type ClientEvents, type ConnectionState } from './events.js';
import { LocalMedia } from './LocalMedia.js';
import type { RecoveryTiming } from './negotiation.js';
import { runNetworkTest, toRtcIceServers, type NetworkTestResult } from './networkTest.js';
import { DefaultReconnectPolicy, type ReconnectPolicy } from './ReconnectPolicy.js';
import { SessionStateMachine, type SessionState } from './SessionStateMachine.js';
import { defaultSessionStore, type SessionStore, type StoredSession } from './sessionStore.js';
import { SignalingChannel, wireErrorCode } from './SignalingChannel.js';
import { nowMs } from './setupTimeline.js';
import { TypedEmitter } from './TypedEmitter.js';

export interface ParleyClientOptions {
  /** Signaling server URL (default: the page's origin). */
  url?: string | undefined;
  /**
   * Instant answer (default on where the server allows it, INSTANT_ANSWER):
   * while a call rings, connect ICE + DTLS to the other side without sending
   * media, so an accept has media at once. false: nothing before accept.
   */
  instantAnswer?: boolean | undefined;
  /** 'relay' forces every call through TURN (FORCE_RELAY; app: ?relay=1). */
  iceTransportPolicy?: RTCIceTransportPolicy | undefined;
  /** Informational: the server owns the ring timeout. */
  ringTimeoutMs?: number | undefined;
  /** How long a request waits for the server's answer. */
  requestTimeoutMs?: number | undefined;
  /** How long one connection attempt may take. */
  connectTimeoutMs?: number | undefined;
  /**
   * After the connection came back and the session could not be resumed
   * (its grace ran out), join the same room again as a new participant
   * (default true).
   */
  autoRejoin?: boolean | undefined;
  /** When to retry a dropped signaling connection and when to give up. */
  reconnectPolicy?: ReconnectPolicy | undefined;
  /**
   * A join token from your app's backend (a JWT naming room, display name
   * and role; see the README): sent in the Socket.IO handshake, never in a
   * URL, until the room is joined (reconnects resume with the session's own
   * token, so a short-lived join token may expire during the call). A
   * function is asked anew for every connection.
   */
  joinToken?: string | (() => string | Promise<string>) | undefined;
  /**
   * Where resume tokens survive a page reload (default: sessionStorage; null
   * keeps nothing, so a reload joins as a new participant).
   */
  sessionStore?: SessionStore | null | undefined;
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
  /** Creating the room: guests wait until a host admits them. */
  waitingRoom?: boolean | undefined;
  /**
   * The room's password: to enter a room that has one, or to give a room
   * this join creates one. Sent in the join message, never in a URL.
   */
  password?: string | undefined;
}

/** Options after defaults were applied. */
export interface ResolvedClientOptions {
  url: string;
  iceTransportPolicy: RTCIceTransportPolicy;
  ringTimeoutMs: number | undefined;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  autoRejoin: boolean;
  reconnectPolicy: ReconnectPolicy;
  joinToken: string | (() => string | Promise<string>) | undefined;
  sessionStore: SessionStore | null;
  recoveryTiming: Partial<RecoveryTiming> | undefined;
  videoConstraints: MediaTrackConstraints;
  instantAnswer: boolean;
}

export const DEFAULT_CLIENT_OPTIONS: Omit<
  ResolvedClientOptions,
  'url' | 'reconnectPolicy' | 'sessionStore'
> = {
  iceTransportPolicy: 'all',
  ringTimeoutMs: undefined,
  requestTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  autoRejoin: true,
  joinToken: undefined,
  recoveryTiming: undefined,
  instantAnswer: true,
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
/** Renew the resume token this long before it expires. */
const SESSION_RENEW_MARGIN_MS = 5 * 60_000;
/** Retry a resume the server could not serve yet (UNAVAILABLE: it is shutting down). */
const RESUME_RETRY_MS = 500;
/** Signals and chat held while signaling is down, sent after the resume. */
const MAX_HELD_REQUESTS = 512;
/** A chat line the server could not store (UNAVAILABLE) is sent again, with its nonce, for this long. */
const CHAT_RETRY_FOR_MS = 30_000;
const CHAT_RETRY_MS = [250, 500, 1000, 2000, 2000] as const;

/** Refusals after which a session cannot be resumed: join afresh instead. */
const SESSION_OVER: readonly string[] = [
  ErrorCode.SESSION_NOT_FOUND,
  ErrorCode.RESUME_TOKEN_INVALID,
  ErrorCode.RESUME_TOKEN_EXPIRED,
  ErrorCode.RESUME_TOKEN_MISMATCH,
];

type RoomEvent =
  | 'peer:joined'
  | 'peer:left'
  | 'peer:updated'
  | 'peer:connection'
  | 'room:access'
  | 'room:call'
  | 'chat:message';

/** A random id for a chat message (idempotent retries). */
function randomNonce(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
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
  /** The server allows connecting while a call rings (JoinResult.instantAnswer). */
  #instantAnswer = false;
  #iceTimer: ReturnType<typeof setTimeout> | undefined;
  #call: Call | null = null;
  #roomOptions: RoomOptions | null = null;
  #roomAccess: RoomAccess | null = null;
  #role: RoomRole | null = null;
  #waiting: readonly WaitingGuest[] = [];
  /** Settles the join that waits in the waiting room. */
  #admission: {
    admit: (result: JoinResult) => void;
    refuse: (err: ParleyError) => void;
  } | null = null;
  #roomCall: CallInfo | null = null;
  #chat: ChatMessage[] = [];

  /** Where to return after a reconnect (cleared by leave()/disconnect()). */
  #rejoinTarget: { room: RoomId; name: string; options: JoinOptions | undefined } | null = null;
  readonly #session = new SessionStateMachine();
  /** The current resume token (join result, then session:token / session:renew). */
  #grant: SessionGrant | null = null;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  /** Requests held while signaling is down, sent in order once the session resumed. */
  #held: { run: () => void; drop: () => void }[] = [];
  /** Waiters for the session to be 'joined' again. */
  #resumeWaiters = new Set<(ok: boolean) => void>();
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
    this.options = Object.freeze({
      ...DEFAULT_CLIENT_OPTIONS,
      reconnectPolicy: new DefaultReconnectPolicy(),
      sessionStore: options.sessionStore === null ? null : defaultSessionStore(),
      ...given,
      url,
    });
    this.#signaling = new SignalingChannel({
      url,
      requestTimeoutMs: this.options.requestTimeoutMs,
      connectTimeoutMs: this.options.connectTimeoutMs,
      reconnectPolicy: this.options.reconnectPolicy,
      mediaConnected: () => this.#liveCall()?.mediaConnected ?? false,
      handshakeAuth: async () => {
        const token = this.options.joinToken;
        // Only while not in the room: a resume needs no join token (it may have expired).
        if (token === undefined || this.#grant !== null) return {};
        return { joinToken: typeof token === 'function' ? await token() : token };
      },
    });
    this.media = new LocalMedia(
      {
        replaceTrack: async (track, stream) => {
          await this.#call?.replaceTrack(track, stream);
        },
        clearTrack: async (kind) => {
          await this.#call?.clearTrack(kind);
        },
        publishState: (state) => this.#publishMediaState(state),
        addScreen: (stream) => this.#liveCall()?.addScreen(stream),
        removeScreen: () => this.#liveCall()?.removeScreen(),
      },
      { videoConstraints: this.options.videoConstraints },
    );
    this.#wireSignaling();
    if (typeof window !== 'undefined' && typeof window.addEventListener === 'function') {
      // A reload resumes within the server's short grace; a closed tab is seen gone after it.
      window.addEventListener('pagehide', () => {
        if (this.#room !== null) this.#signaling.notify('session:closing', {});
      });
      window.addEventListener('online', () => this.#liveCall()?.networkChanged());
    }
  }

  get connectionState(): ConnectionState {
    return this.#signaling.state;
  }

  /** Our place in the room: idle, joining, joined, reconnecting (kept), lost. */
  get sessionState(): SessionState {
    return this.#session.state;
  }

  /** Whether join(room) would resume a session this tab had (a page reload). */
  hasStoredSession(room: string): boolean {
    return this.options.sessionStore?.load(room) != null;
  }

  /** The display name of the stored session for `room`, if any (to skip the lobby on reload). */
  storedSessionName(room: string): string | null {
    return this.options.sessionStore?.load(room)?.name ?? null;
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

  /** Our role in the room: 'host' (token, or creator) or 'guest'; null outside a room. */
  get role(): RoomRole | null {
    return this.#role;
  }

  /** Hosts: who waits to be let in (waiting:updated). */
  get waiting(): readonly WaitingGuest[] {
    return this.#waiting;
  }

  /** Hosts: let a waiting guest in. */
  async admit(id: PeerId): Promise<void> {
    this.#requireJoined();
    await this.#signaling.request('waiting:admit', { id });
  }

  /** Hosts: turn a waiting guest away. */
  async deny(id: PeerId): Promise<void> {
    this.#requireJoined();
    await this.#signaling.request('waiting:deny', { id });
  }

  /** Hosts: send a participant out (it needs admission to come back). */
  async removeParticipant(peerId: PeerId): Promise<void> {
    this.#requireJoined();
    await this.#signaling.request('room:remove', { peer: peerId });
  }

  /** Hosts: switch the waiting room on or off. */
  async setWaitingRoom(enabled: boolean): Promise<RoomAccess> {
    this.#requireJoined();
    const access = await this.#signaling.request('room:waiting', { enabled });
    this.#setAccess(access);
    return access;
  }

  /** Password and lock state of the room (join result, then room:access); null outside a room. */
  get roomAccess(): RoomAccess | null {
    return this.#roomAccess;
  }

  /** Set, change or (null) remove the room's password; every member sees RoomAccessChanged. */
  async setRoomPassword(password: string | null): Promise<RoomAccess> {
    this.#requireJoined();
    const access = await this.#signaling.request('room:set-password', { password });
    this.#setAccess(access);
    return access;
  }

  /** Lock the room (nobody new gets in: ROOM_LOCKED) or open it again. */
  async setRoomLocked(locked: boolean): Promise<RoomAccess> {
    this.#requireJoined();
    const access = await this.#signaling.request('room:lock', { locked });
    this.#setAccess(access);
    return access;
  }

  #setAccess(access: RoomAccess | null): void {
    const prev = this.#roomAccess;
    this.#roomAccess = access;
    if (JSON.stringify(prev) !== JSON.stringify(access)) {
      this.safeEmit(ClientEvent.RoomAccessChanged, access);
    }
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

  /** Close the connection for good: the call ends ('disconnected'), no rejoin, no resume. */
  disconnect(): void {
    this.#rejoinTarget = null;
    this.#forgetSession();
    this.#dropRoom('disconnected');
    this.#setSession('idle');
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
    this.#setSession('joining');
    try {
      // This tab was in the room before (a reload): come back as the same participant.
      const stored = this.options.sessionStore?.load(room) ?? null;
      const resumed = stored ? await this.#resumeStored(room, stored) : null;
      const result = resumed ?? (await this.#join(room, name, options));
      this.#rejoinTarget = { room: result.room, name: resumed ? result.self.name : name, options };
      this.#setSession('joined');
      return result;
    } catch (err) {
      this.#setSession('idle');
      throw err;
    }
  }

  /** After 'lost': connect again and rejoin (resuming if the server still holds our seat). */
  async retry(): Promise<JoinResult> {
    const target = this.#rejoinTarget;
    if (!target) throw new ParleyError(ErrorCode.NOT_IN_ROOM, 'Nothing to retry: join a room');
    if (this.#session.state === 'reconnecting') this.#setSession('lost');
    this.#dropRoom('disconnected');
    await this.connect();
    return this.join(target.room, target.name, target.options);
  }

  /** Leave the room (the current call ends with 'left'), or the waiting room. */
  async leave(): Promise<void> {
    if (this.#admission) {
      this.#admission.refuse(new ParleyError(ErrorCode.ENTRY_DENIED, 'Left the waiting room'));
      await this.#signaling.request('room:leave', {}).catch(() => undefined);
      return;
    }
    this.#rejoinTarget = null;
    const wasJoined = this.#room !== null;
    this.#forgetSession();
    this.#dropRoom('left');
    this.#setSession('idle');
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
    const invitedAt = nowMs();
    let info: CallInfo;
    try {
      ({ call: info } = await this.#signaling.request('call:invite', { to: peerId }));
    } catch (err) {
      this.#endInvite(peerId, null);
      throw err;
    }
    const ackedAt = nowMs();
    const early = this.#endInvite(peerId, info.id);
    this.#noteRoomCall(info);
    try {
      const call = this.#adoptInvitedCall(info, remote);
      call.markSetup('invite', invitedAt);
      call.markSetup('invite-acked', ackedAt);
      return call;
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
    // One nonce per message: a retry after a drop is stored and shown once.
    const nonce = randomNonce();
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const { message } = await this.#requestInSession('chat:send', { text, nonce });
        this.#addChat(message);
        return message;
      } catch (err) {
        if (isParleyError(err, ClientErrorCode.NOT_CONNECTED)) {
          // The connection dropped before the answer: once resumed, send it again.
          if (!(await this.#whenJoined())) throw err;
        } else if (isParleyError(err, ErrorCode.UNAVAILABLE)) {
          // The server cannot store it right now (its state store is away): the
          // same nonce again shortly, for as long as a short outage lasts.
          if (Date.now() - started > CHAT_RETRY_FOR_MS) throw err;
          await new Promise((r) => setTimeout(r, CHAT_RETRY_MS[Math.min(attempt, 4)]));
        } else {
          throw err;
        }
      }
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
        ...(options?.password === undefined ? {} : { password: options.password }),
        ...(options?.waitingRoom === true ? { waitingRoom: true } : {}),
      });
    } catch (err) {
      if (isParleyError(err, ErrorCode.IN_WAITING_ROOM)) {
        // In the waiting room: the join completes when a host lets us in.
        try {
          result = await this.#awaitAdmission();
        } catch (refused) {
          this.#joinBuffer = null;
          this.#endPending(null);
          throw refused;
        }
      } else {
        this.#joinBuffer = null;
        this.#endPending(null);
        throw err;
      }
    }
    const early = this.#endPending(result.call?.id ?? null);
    const buffered = this.#joinBuffer;
    this.#joinBuffer = null;
    this.#self = result.self;
    this.#room = result.room;
    this.#participants = new Map(result.peers.map((p) => [p.id, p]));
    this.#roomOptions = result.options;
    this.#setAccess(result.access);
    this.#role = result.role;
    this.#chat = result.chat.slice(-Limits.CHAT_HISTORY_MAX);
    this.#setIceConfig(result.ice);
    this.#instantAnswer = result.instantAnswer === true;
    this.#setGrant(result.session);
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
    this.#releaseHeld();
    this.#call?.endLocally(reason);
    this.#joinBuffer = null;
    this.#roomOptions = null;
    this.#roomAccess = null;
    this.#role = null;
    this.#setWaiting([]);
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

  /**
   * After the signaling connection came back: resume as the same participant
   * (room, call and peer connections were kept meanwhile). If the session is
   * over (grace ran out), join the room again as a new participant.
   */
  async #onReconnected(): Promise<void> {
    const room = this.#room;
    const self = this.#self;
    const grant = this.#grant;
    if (room === null || self === null || grant === null) {
      await this.#rejoin();
      return;
    }
    try {
      const result = await this.#resumeRequest(room, self.id, grant, false);
      this.#applyResume(result, false);
      this.#setSession('joined');
      this.#flushHeld();
    } catch (err) {
      const e = toParleyError(err);
      if (e.code === ErrorCode.UNAVAILABLE) {
        // The server is shutting down: its close brings the next reconnect, or retry here.
        setTimeout(() => {
          if (this.#signaling.connected && this.#session.state === 'reconnecting') {
            void this.#onReconnected();
          }
        }, RESUME_RETRY_MS);
        return;
      }
      if (
        e.code === ClientErrorCode.NOT_CONNECTED ||
        e.code === ClientErrorCode.SIGNALING_TIMEOUT
      ) {
        return; // dropped again: the next reconnect resumes
      }
      // The session is over: the call with it. Join again as someone new.
      this.#forgetSession();
      this.#dropRoom('disconnected');
      this.#setSession('lost');
      if (SESSION_OVER.includes(e.code)) await this.#rejoin();
      else this.safeEmit(ClientEvent.Error, e);
    }
  }

  /** A fresh join of the room we were in, after the old session could not be resumed. */
  async #rejoin(): Promise<void> {
    const target = this.#rejoinTarget;
    if (!target || !this.options.autoRejoin || this.#room !== null) return;
    this.#setSession('joining');
    try {
      await this.#join(target.room, target.name, target.options);
      this.#setSession('joined');
    } catch (err) {
      const e = toParleyError(err);
      this.#setSession('lost');
      // Lost again: the next reconnect retries. Anything else is final.
      if (e.code !== 'NOT_CONNECTED' && e.code !== 'SIGNALING_TIMEOUT') this.#rejoinTarget = null;
      this.safeEmit(ClientEvent.Error, e);
    }
  }

  /** A page reload: resume the stored session; null when it cannot be (join afresh then). */
  async #resumeStored(room: string, stored: StoredSession): Promise<JoinResult | null> {
    let result: ResumeResult;
    this.#pendingInvites += 1; // offers from the others may arrive before the answer
    this.#joinBuffer = [];
    try {
      result = await this.#resumeRequest(room, stored.peer, stored.grant, true);
    } catch (err) {
      this.#joinBuffer = null;
      this.#endPending(null);
      if (isParleyError(err) && SESSION_OVER.includes(err.code)) {
        this.options.sessionStore?.clear(room);
        return null;
      }
      throw err;
    }
    const early = this.#endPending(result.call?.id ?? null);
    const buffered = this.#joinBuffer;
    this.#joinBuffer = null;
    this.#applyResume(result, true);
    for (const replay of early) replay();
    for (const apply of buffered) apply();
    return result;
  }

  #resumeRequest(
    room: string,
    peer: PeerId,
    grant: SessionGrant,
    reloaded: boolean,
  ): Promise<ResumeResult> {
    return this.#signaling.request('session:resume', {
      room,
      peer,
      token: grant.token,
      media: this.media.state,
      ...(reloaded ? { reloaded: true } : {}),
    });
  }

  /**
   * Bring the local view in step with the room as it is after a resume: who
   * is there (only real changes are announced: no duplicates, no flicker),
   * chat lines we missed (each once), and the call. With `reloaded` we have
   * no peer connections: we join the call as a newcomer and the others
   * connect to us anew.
   */
  #applyResume(result: ResumeResult, reloaded: boolean): void {
    const wasInRoom = this.#room !== null;
    this.#self = result.self;
    this.#room = result.room;
    this.#roomOptions = result.options;
    this.#setAccess(result.access);
    this.#role = result.role;
    this.#setIceConfig(result.ice);
    this.#instantAnswer = result.instantAnswer === true;
    this.#setGrant(result.session);
    if (!wasInRoom) {
      this.#chat = [];
      this.safeEmit(ClientEvent.RoomChanged, result.room, result.self);
    }
    const next = new Map(result.peers.map((p) => [p.id, p]));
    for (const [id, old] of [...this.#participants]) {
      if (next.has(id)) continue;
      this.#participants.delete(id);
      this.safeEmit(ClientEvent.PeerLeft, old, 'disconnected');
    }
    for (const [id, peer] of next) this.#upsertPeer(id, peer);
    for (const message of result.chat) this.#addChat(message);
    this.#setRoomCall(result.call);

    const selfId = result.self.id;
    const current = this.#liveCall();
    const info = result.call;
    if (current) {
      const stillOurs =
        info !== null &&
        info.id === current.id &&
        (info.participants.includes(selfId) || info.invited.includes(selfId));
      if (stillOurs) current.handleServerUpdate(info, 'update');
      else current.endLocally('disconnected');
      return;
    }
    if (!info) return;
    if (this.#isParticipant(info)) {
      this.#adoptJoinedCall(info, reloaded ? 'answerer' : 'offerer');
    } else if (info.invited.includes(selfId)) {
      const from = this.#participants.get(info.initiator);
      if (from) this.#onIncoming({ call: info, from });
    }
  }

  /** A member as the server reports it now; announces what changed. */
  #upsertPeer(id: PeerId, peer: PeerInfo): void {
    const old = this.#participants.get(id);
    this.#participants.set(id, peer);
    if (!old) {
      this.safeEmit(ClientEvent.PeerJoined, peer);
      return;
    }
    this.#liveCall()?.handlePeerUpdated(peer);
    if (old.connection !== peer.connection) this.safeEmit(ClientEvent.PeerConnectionChanged, peer);
    if (JSON.stringify(old.media) !== JSON.stringify(peer.media) || old.name !== peer.name) {
      this.safeEmit(ClientEvent.PeerUpdated, peer);
    }
  }

  /** Wait in the waiting room until a host admits us (the join result) or not (ENTRY_DENIED). */
  #awaitAdmission(): Promise<JoinResult> {
    this.#setSession('waiting');
    return new Promise((resolve, reject) => {
      const done = () => {
        this.#admission = null;
        this.#signaling.off('stateChanged', onState);
      };
      const onState = (state: ConnectionState) => {
        if (state === 'connected') return;
        done();
        reject(new ParleyError(ClientErrorCode.NOT_CONNECTED, 'Lost the connection while waiting'));
      };
      this.#signaling.on('stateChanged', onState);
      this.#admission = {
        admit: (result) => {
          done();
          resolve(result);
        },
        refuse: (err) => {
          done();
          reject(err);
        },
      };
    });
  }

  #setWaiting(list: readonly WaitingGuest[]): void {
    if (list.length === 0 && this.#waiting.length === 0) return;
    this.#waiting = list;
    this.safeEmit(ClientEvent.WaitingChanged, list);
  }

  // ---- session (resume token, state) ----------------------------------------------

  #setSession(next: SessionState): void {
    const prev = this.#session.state;
    if (prev === next || !this.#session.can(next)) return;
    this.#session.transition(next);
    this.safeEmit(ClientEvent.SessionStateChanged, next, prev);
    if (next === 'joined' || next === 'lost' || next === 'idle') {
      const ok = next === 'joined';
      for (const waiter of [...this.#resumeWaiters]) waiter(ok);
    }
  }

  /** Resolves true once the session is 'joined' (at once if it is), false if it ends instead. */
  #whenJoined(): Promise<boolean> {
    if (this.#session.state === 'joined' && this.#signaling.connected) return Promise.resolve(true);
    if (this.#session.state !== 'reconnecting') return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = (ok: boolean) => {
        this.#resumeWaiters.delete(waiter);
        resolve(ok);
      };
      this.#resumeWaiters.add(waiter);
    });
  }

  /** The token to come back with; kept for a page reload, renewed before it expires. */
  #setGrant(grant: SessionGrant): void {
    this.#grant = grant;
    const room = this.#room;
    const self = this.#self;
    if (room !== null && self !== null) {
      this.options.sessionStore?.save(room, { peer: self.id, name: self.name, grant });
    }
    if (this.#renewTimer !== undefined) clearTimeout(this.#renewTimer);
    const ttl = grant.expiresAt - Date.now();
    const delay = Math.max(Math.min(ttl - SESSION_RENEW_MARGIN_MS, ttl / 2), 1000);
    this.#renewTimer = setTimeout(() => {
      this.#renewTimer = undefined;
      if (this.#room === null) return;
      this.#signaling.request('session:renew', {}).then(
        (fresh) => {
          if (this.#room !== null) this.#setGrant(fresh);
        },
        () => {
          // Down or refused: a resume issues a new token; try again meanwhile.
          if (this.#grant === grant) this.#setGrant(grant);
        },
      );
    }, delay);
  }

  /** No resume after this: a leave, a deliberate disconnect, a session the server ended. */
  #forgetSession(): void {
    const room = this.#room ?? this.#rejoinTarget?.room ?? null;
    if (room !== null) this.options.sessionStore?.clear(room);
    this.#grant = null;
    if (this.#renewTimer !== undefined) clearTimeout(this.#renewTimer);
    this.#renewTimer = undefined;
  }

  /**
   * A request of the session: sent now when connected; while signaling is
   * down, held and sent in order once the session resumed (a candidate or a
   * renegotiation offer must not be lost to a Wi-Fi blip). Fails with
   * NOT_CONNECTED if the session ends instead.
   */
  #requestInSession<E extends RelayRequest | 'chat:send'>(
    event: E,
    payload: ClientMessage<E>,
  ): Promise<AckData<E>> {
    if (this.#signaling.connected || this.#session.state !== 'reconnecting') {
      return this.#signaling.request(event, payload);
    }
    return new Promise((resolve, reject) => {
      if (this.#held.length >= MAX_HELD_REQUESTS) {
        reject(new ParleyError(ClientErrorCode.NOT_CONNECTED, 'Too much waiting to be sent'));
        return;
      }
      this.#held.push({
        run: () => {
          this.#signaling.request(event, payload).then(resolve, reject);
        },
        drop: () =>
          reject(
            new ParleyError(ClientErrorCode.NOT_CONNECTED, 'The session ended before sending'),
          ),
      });
    });
  }

  #flushHeld(): void {
    const held = this.#held;
    this.#held = [];
    for (const h of held) h.run();
  }

  #releaseHeld(): void {
    const held = this.#held;
    this.#held = [];
    for (const h of held) h.drop();
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
      relay: (event, payload) => this.#requestInSession(event, payload).then(() => undefined),
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
      instantAnswer: () => this.#instantAnswer && this.options.instantAnswer,
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
    // Instant answer: connect (silently) to the caller while it rings.
    call.handleServerUpdate(info, 'update');
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
      this.safeEmit(ClientEvent.ConnectionStateChanged, state);
      // A drop is not the end: the server holds our seat and call for its
      // grace period, the peer connections stay, and we resume when back.
      if (state === 'reconnecting' && this.#room !== null) this.#setSession('reconnecting');
      if (state === 'disconnected' && this.#room !== null) {
        // The reconnect policy gave up (or the server closed this session):
        // the session is lost; retry() may still resume it.
        this.#dropRoom('disconnected');
        this.#setSession('lost');
      }
      if (state === 'connected' && prev === 'reconnecting') void this.#onReconnected();
      // A new signaling path may mean a new network: a failed media path may now work.
      if (state === 'connected') this.#liveCall()?.networkChanged();
    });
    s.on('waiting:admitted', (result) => this.#admission?.admit(result));
    s.on('waiting:denied', () =>
      this.#admission?.refuse(
        new ParleyError(ErrorCode.ENTRY_DENIED, 'The host did not let you in'),
      ),
    );
    s.on('waiting:updated', ({ waiting }) => {
      if (this.#room !== null) this.#setWaiting(waiting);
    });
    s.on('room:removed', () => {
      // A host sent us out: the session is over (no resume, no rejoin).
      this.#rejoinTarget = null;
      this.#forgetSession();
      this.#dropRoom('left');
      this.#setSession('idle');
    });
    s.on('session:token', (grant) => {
      if (this.#room !== null) this.#setGrant(grant);
    });
    s.on('server:draining', () => {
      // The server is about to restart: the drop that follows is expected.
      console.info('[parley] the server is restarting; the call continues and resumes');
    });
    s.on('error', (err) => this.safeEmit(ClientEvent.Error, err));
    s.on('server:error', (msg) => {
      const code = wireErrorCode(msg.code);
      if (code === ErrorCode.SESSION_REPLACED) {
        // Resumed from another tab: this one steps out and must not resume again.
        this.#rejoinTarget = null;
        this.#forgetSession();
        this.#dropRoom('disconnected');
        this.#setSession('lost');
      }
      this.safeEmit(ClientEvent.Error, new ParleyError(code, msg.message));
    });

    this.#onRoomEvent('peer:joined', (peer) => {
      if (peer.id === this.#self?.id) return;
      // After a server restart, members we still know come back as joins: no duplicates.
      this.#upsertPeer(peer.id, peer);
    });
    this.#onRoomEvent('peer:connection', ({ id, connection, reloaded }) => {
      const peer = this.#participants.get(id);
      if (!peer) return;
      this.#upsertPeer(id, { ...peer, connection });
      // It lost its peer connections (page reload): connect to it anew.
      if (reloaded === true && connection === 'connected') this.#liveCall()?.handlePeerReloaded(id);
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
    this.#onRoomEvent('room:access', (access) => this.#setAccess(access));
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
