import { ErrorCode, type CallInfo, type PeerId, type PeerInfo } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VideoCap } from './bitrate.js';
import { Call, type CallContext, type PeerSessionLike } from './Call.js';
import { ParleyError } from './errors.js';
import { CallEvent } from './events.js';
import type { LocalMedia } from './LocalMedia.js';
import type { PeerSessionState } from './negotiation.js';
import type { AudioSample, PeerSessionEvents, PeerSessionOptions } from './PeerSession.js';
import type { SignalingChannel } from './SignalingChannel.js';
import { TypedEmitter } from './TypedEmitter.js';

/*
 * Call's mesh bookkeeping with fake peer sessions (Node has no WebRTC):
 * one session per other participant, opened and closed as the server's
 * CallInfo changes, remote camera/screen streams, caps per call size.
 */

const id = (s: string) => s as PeerId;
const SELF = id('self');

class FakeTrack {
  constructor(
    readonly id: string,
    readonly kind: string,
  ) {}
}

class FakeStream {
  readonly tracks: FakeTrack[] = [];
  addTrack(t: FakeTrack): void {
    this.tracks.push(t);
  }
  removeTrack(t: FakeTrack): void {
    this.tracks.splice(this.tracks.indexOf(t), 1);
  }
  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }
}

class FakeSession extends TypedEmitter<PeerSessionEvents> {
  state: PeerSessionState = 'new';
  connectionType = 'unknown' as const;
  closed = false;
  caps: { camera: VideoCap; screen: VideoCap } | null = null;
  screens: unknown[] = [];
  sending: boolean;
  constructor(readonly options: PeerSessionOptions) {
    super();
    this.sending = options.sendMedia ?? true;
  }
  startSending(): Promise<void> {
    this.sending = true;
    return Promise.resolve();
  }
  fire<E extends keyof PeerSessionEvents>(e: E, ...args: Parameters<PeerSessionEvents[E]>): void {
    this.safeEmit(e, ...args);
  }
  setState(next: PeerSessionState): void {
    const prev = this.state;
    this.state = next;
    this.safeEmit('stateChanged', next, prev);
  }
  close(): void {
    this.closed = true;
  }
  handleDescription(): void {}
  handleCandidate(): void {}
  replaceTrack(): Promise<void> {
    return Promise.resolve();
  }
  getStats(): Promise<RTCStatsReport> {
    return Promise.resolve(new Map() as unknown as RTCStatsReport);
  }
  audioLevels(): Promise<{ track: MediaStreamTrack; sample: AudioSample }[]> {
    return Promise.resolve([]);
  }
  localAudioLevel(): Promise<AudioSample | null> {
    return Promise.resolve(null);
  }
  addScreen(stream: MediaStream): void {
    this.screens.push(stream);
  }
  removeScreen(): void {
    this.screens.push(null);
  }
  setVideoCaps(caps: { camera: VideoCap; screen: VideoCap }): void {
    this.caps = caps;
  }
}

function peer(name: string, screen: string | null = null): PeerInfo {
  return {
    id: id(name),
    name,
    media: { audio: true, video: true, screen },
    joinedAt: 1,
  } as PeerInfo;
}

function info(participants: string[], invited: string[] = []): CallInfo {
  return {
    id: 'c1',
    room: 'r',
    initiator: participants[0] ?? 'a',
    state: 'active',
    participants,
    invited,
    createdAt: 1,
  } as CallInfo;
}

function setup() {
  const peers = new Map<PeerId, PeerInfo>(['a', 'b', 'c', 'd'].map((n) => [id(n), peer(n)]));
  const sessions = new Map<string, FakeSession>();
  const all: FakeSession[] = [];
  const requests: { event: string; payload: unknown }[] = [];
  const invite = vi.fn(() => Promise.resolve());
  const ctx: CallContext = {
    selfId: SELF,
    signaling: {
      request: (event: string, payload: unknown) => {
        requests.push({ event, payload });
        return Promise.resolve({});
      },
    } as unknown as SignalingChannel,
    media: {
      stream: null,
      screenStream: null,
      state: { audio: true, video: true, screen: null },
      ensureStarted: () => Promise.resolve(null),
    } as unknown as LocalMedia,
    peerInfo: (p) => peers.get(p),
    rtcConfig: () => ({}),
    refreshIceServers: () => Promise.resolve(null),
    reportError: () => undefined,
    onEnded: () => undefined,
    invite,
    createSession: (options) => {
      const s = new FakeSession(options);
      sessions.set(options.remoteId, s);
      all.push(s);
      return s as unknown as PeerSessionLike;
    },
    createStream: () => new FakeStream() as unknown as MediaStream,
  };
  return { ctx, peers, sessions, all, requests, invite };
}

describe('Call mesh sessions', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a joined call opens one answerer session per other participant and starts connecting', () => {
    const { ctx, sessions } = setup();
    const call = new Call(ctx, info(['a', 'self', 'b']), 'incoming', peer('a'), 'answerer');
    expect(call.state).toBe('connecting');
    expect(call.participants).toEqual(['a', 'b']);
    expect([...sessions.keys()]).toEqual(['a', 'b']);
    expect([...sessions.values()].map((s) => s.options.role)).toEqual(['answerer', 'answerer']);
    expect(sessions.get('a')?.caps?.camera).toEqual({
      maxBitrate: 1_000_000,
      scaleResolutionDownBy: 4 / 3,
    });
    expect(call.remotePeer.id).toBe('a');
    call.endLocally('hung-up');
  });

  it('a newcomer gets an offerer session; a leaver closes only its own session', () => {
    const { ctx, sessions } = setup();
    const call = new Call(ctx, info(['a', 'self', 'b']), 'incoming', peer('a'), 'answerer');
    const changes: string[][] = [];
    const removed: string[] = [];
    call.on(CallEvent.ParticipantsChanged, (p) => changes.push(p));
    call.on(CallEvent.RemoteStreamRemoved, (p) => removed.push(p));

    call.handleServerUpdate(info(['a', 'self', 'b', 'c']), 'update');
    expect(sessions.get('c')?.options.role).toBe('offerer');
    // Caps follow the call size on every session (n = 4).
    for (const s of sessions.values()) expect(s.caps?.camera.maxBitrate).toBe(600_000);

    const a = sessions.get('a');
    sessions.get('a')?.fire('remoteTrack', new FakeTrack('ta', 'audio') as never, 'SA');
    vi.advanceTimersByTime(0);
    expect(call.remoteStreams.has(id('a'))).toBe(true);

    call.handleServerUpdate(info(['self', 'b', 'c']), 'update');
    expect(a?.closed).toBe(true);
    expect(sessions.get('b')?.closed).toBe(false);
    expect(sessions.get('c')?.closed).toBe(false);
    expect(call.remoteStreams.has(id('a'))).toBe(false);
    expect(removed).toEqual(['a']);
    expect(changes).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
    // remotePeer follows the call once the first remote party left.
    expect(call.remotePeer.id).toBe('b');
    expect(call.ended).toBe(false);
    call.endLocally('hung-up');
    expect([...sessions.values()].every((s) => s.closed)).toBe(true);
  });

  it('invitees get no session until they accept', () => {
    const { ctx, sessions } = setup();
    const call = new Call(ctx, info(['a', 'self']), 'incoming', peer('a'), 'answerer');
    call.handleServerUpdate(info(['a', 'self'], ['b']), 'update');
    expect([...sessions.keys()]).toEqual(['a']);
    expect(call.participants).toEqual(['a']);
    call.handleServerUpdate(info(['a', 'self', 'b']), 'update');
    expect([...sessions.keys()]).toEqual(['a', 'b']);
    call.endLocally('hung-up');
  });

  it('a ringing invitee (rung into an ongoing call) opens sessions only once it is a participant', () => {
    const { ctx, sessions } = setup();
    const call = new Call(ctx, info(['a', 'b'], ['self']), 'incoming', peer('a'));
    expect(call.state).toBe('ringing-in');
    expect(call.participants).toEqual(['a', 'b']);
    expect(sessions.size).toBe(0);
    call.handleServerUpdate(info(['a', 'b', 'self']), 'own-accept');
    expect(call.state).toBe('connecting');
    expect([...sessions.values()].map((s) => s.options.role)).toEqual(['answerer', 'answerer']);
    call.endLocally('hung-up');
  });

  it('1:1 stays 1:1: caller goes ringing-out -> connecting -> active with one offerer session', () => {
    const { ctx, sessions } = setup();
    const ringing = { ...info(['self'], ['a']), state: 'ringing' } as CallInfo;
    const call = new Call(ctx, ringing, 'outgoing', peer('a'));
    const states: string[] = [];
    call.on(CallEvent.StateChanged, (n, p) => states.push(`${p}->${n}`));
    expect(call.remotePeer.id).toBe('a');
    call.handleServerUpdate(info(['self', 'a']), 'update');
    expect(sessions.get('a')?.options.role).toBe('offerer');
    expect(sessions.get('a')?.caps?.camera.maxBitrate).toBe(1_500_000);
    sessions.get('a')?.setState('connected');
    expect(states).toEqual(['ringing-out->connecting', 'connecting->active']);
    call.endLocally('hung-up');
  });

  it('one failed connection in a group call closes only it; the last one ends the call', () => {
    const { ctx, sessions, requests } = setup();
    const call = new Call(ctx, info(['a', 'self', 'b']), 'incoming', peer('a'), 'answerer');
    sessions.get('a')?.setState('failed');
    expect(sessions.get('a')?.closed).toBe(true);
    expect(call.ended).toBe(false);
    sessions.get('b')?.setState('failed');
    expect(call.ended).toBe(true);
    expect(call.endReason).toBe('failed');
    expect(requests.some((r) => r.event === 'call:hangup')).toBe(true);
  });

  it('classifies a remote screen share by the peer info, also when the track comes first', () => {
    const { ctx, sessions, peers } = setup();
    const call = new Call(ctx, info(['a', 'self']), 'incoming', peer('a'), 'answerer');
    const events: string[] = [];
    call.on(CallEvent.RemoteStream, (p) => events.push(`stream:${p}`));
    call.on(CallEvent.RemoteScreen, (p) => events.push(`screen:${p}`));
    call.on(CallEvent.RemoteScreenRemoved, (p) => events.push(`screen-removed:${p}`));
    const a = sessions.get('a');
    a?.fire('remoteTrack', new FakeTrack('cam', 'video') as never, 'CAM');
    const screenTrack = new FakeTrack('scr', 'video');
    a?.fire('remoteTrack', screenTrack as never, 'SCR');
    vi.advanceTimersByTime(0);
    expect(events).toEqual(['stream:a']);

    const withScreen = peer('a', 'SCR');
    peers.set(id('a'), withScreen);
    call.handlePeerUpdated(withScreen);
    vi.advanceTimersByTime(0);
    expect(events).toEqual(['stream:a', 'screen:a']);
    expect(call.remoteScreens.get(id('a'))?.getTracks()).toEqual([screenTrack]);

    a?.fire('remoteTrackRemoved', screenTrack as never);
    expect(events).toEqual(['stream:a', 'screen:a', 'screen-removed:a']);
    expect(call.remoteScreens.size).toBe(0);
    call.endLocally('hung-up');
  });

  it('our screen share goes to every session; invite goes through the client', async () => {
    const { ctx, all, invite } = setup();
    const call = new Call(ctx, info(['a', 'self', 'b']), 'incoming', peer('a'), 'answerer');
    const stream = new FakeStream() as unknown as MediaStream;
    call.addScreen(stream);
    call.removeScreen();
    for (const s of all) expect(s.screens).toEqual([stream, null]);
    await call.invite(id('c'));
    expect(invite).toHaveBeenCalledWith(call, 'c');
    call.endLocally('hung-up');
    await expect(call.invite(id('d'))).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('stops its stats loop when it ends', async () => {
    const { ctx, all } = setup();
    const call = new Call(ctx, info(['a', 'self']), 'incoming', peer('a'), 'answerer');
    const spy = vi.spyOn(all[0] as FakeSession, 'audioLevels');
    await vi.advanceTimersByTimeAsync(1000);
    expect(spy).toHaveBeenCalledTimes(4);
    call.endLocally('hung-up');
    await vi.advanceTimersByTimeAsync(1000);
    expect(spy).toHaveBeenCalledTimes(4);
  });
});

describe('Call instant answer (connected while it rings, no media before accept)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function ringing(participants: string[], invited: string[]): CallInfo {
    return { ...info(participants, invited), state: 'ringing' } as CallInfo;
  }

  function instant() {
    const s = setup();
    const ctx: CallContext = { ...s.ctx, instantAnswer: () => true };
    return { ...s, ctx };
  }

  it('caller: a silent offerer session to the callee while it rings; accept turns its media on', () => {
    const { ctx, sessions } = instant();
    const call = new Call(ctx, ringing(['self'], ['b']), 'outgoing', peer('b'));
    call.handleServerUpdate(ringing(['self'], ['b']), 'own-accept');
    const b = sessions.get('b');
    expect(b?.options).toMatchObject({ role: 'offerer', sendMedia: false });
    // Connected while ringing: the call still rings.
    b?.setState('connected');
    expect(call.state).toBe('ringing-out');
    expect(call.mediaConnected).toBe(false);
    call.handleServerUpdate(info(['self', 'b']), 'update');
    expect(b?.sending).toBe(true);
    expect(sessions.size).toBe(1); // the same connection, no second one
    expect(call.state).toBe('active'); // it was up already
    call.endLocally('hung-up');
    expect(b?.closed).toBe(true);
  });

  it('callee: a silent answerer session to the caller; declining closes it', () => {
    const { ctx, sessions } = instant();
    const call = new Call(ctx, ringing(['a'], ['self']), 'incoming', peer('a'));
    call.handleServerUpdate(ringing(['a'], ['self']), 'update');
    const a = sessions.get('a');
    expect(a?.options).toMatchObject({ role: 'answerer', sendMedia: false });
    void call.decline();
    expect(a?.closed).toBe(true);
    expect(call.state).toBe('ended');
  });

  it('group: participants pre-connect to an invitee, not to each other twice; a decline closes only that one', () => {
    const { ctx, sessions, all } = instant();
    const call = new Call(ctx, info(['a', 'self']), 'incoming', peer('a'), 'answerer');
    call.handleServerUpdate(info(['a', 'self'], ['b', 'c']), 'update');
    expect(sessions.get('a')?.sending).toBe(true);
    expect(sessions.get('b')?.options).toMatchObject({ role: 'offerer', sendMedia: false });
    expect(sessions.get('c')?.sending).toBe(false);
    call.handleServerUpdate(info(['a', 'self'], ['c']), 'update'); // b declined
    expect(sessions.get('b')?.closed).toBe(true);
    call.handleServerUpdate(info(['a', 'self', 'c']), 'update'); // c accepted
    expect(sessions.get('c')?.sending).toBe(true);
    expect(all).toHaveLength(3);
    call.endLocally('hung-up');
  });

  it('a pre-connection that fails while ringing does not end the call; accepting connects afresh', () => {
    const { ctx, sessions, all } = instant();
    const call = new Call(ctx, ringing(['a'], ['self']), 'incoming', peer('a'));
    call.handleServerUpdate(ringing(['a'], ['self']), 'update');
    sessions.get('a')?.setState('failed');
    expect(call.ended).toBe(false);
    expect(call.state).toBe('ringing-in');
    call.handleServerUpdate(info(['a', 'self']), 'own-accept');
    expect(all).toHaveLength(2);
    expect(all[1]?.options).toMatchObject({ role: 'answerer', sendMedia: true });
    call.endLocally('hung-up');
  });

  it("callee: accept puts our media on the pre-connected session before the server's ack", async () => {
    const { ctx, sessions } = instant();
    let ack: (v: unknown) => void = () => undefined;
    const signaling = {
      request: () => new Promise((resolve) => (ack = resolve)),
    } as unknown as SignalingChannel;
    const call = new Call({ ...ctx, signaling }, ringing(['a'], ['self']), 'incoming', peer('a'));
    call.handleServerUpdate(ringing(['a'], ['self']), 'update');
    const a = sessions.get('a');
    a?.setState('connected');
    const accepted = call.accept();
    await vi.waitFor(() => expect(a?.sending).toBe(true)); // ack still pending
    expect(call.state).toBe('ringing-in');
    ack({ call: info(['a', 'self']) });
    await accepted;
    expect(call.state).toBe('active');
    const steps = call.setupTimeline.map((m) => m.step);
    expect(steps).toEqual(expect.arrayContaining(['incoming', 'accept', 'accept-acked', 'active']));
    expect(steps.indexOf('accept')).toBeLessThan(steps.indexOf('accept-acked'));
    call.endLocally('hung-up');
  });

  it('callee: an accept the server refuses (the caller gave up meanwhile) ends the call, closing what was sending', async () => {
    const { ctx, sessions } = instant();
    const signaling = {
      request: () => Promise.reject(new ParleyError(ErrorCode.CALL_NOT_FOUND, 'No such call')),
    } as unknown as SignalingChannel;
    const call = new Call({ ...ctx, signaling }, ringing(['a'], ['self']), 'incoming', peer('a'));
    call.handleServerUpdate(ringing(['a'], ['self']), 'update');
    await expect(call.accept()).rejects.toMatchObject({ code: ErrorCode.CALL_NOT_FOUND });
    expect(call.ended).toBe(true);
    expect(sessions.get('a')?.closed).toBe(true);
  });

  it('instant answer off: nothing is opened before accept', () => {
    const { ctx, sessions } = setup();
    const call = new Call(ctx, ringing(['a'], ['self']), 'incoming', peer('a'));
    call.handleServerUpdate(ringing(['a'], ['self']), 'update');
    expect(sessions.size).toBe(0);
    call.handleServerUpdate(info(['a', 'self']), 'own-accept');
    expect(sessions.get('a')?.options).toMatchObject({ role: 'answerer', sendMedia: true });
    call.endLocally('hung-up');
  });
});
