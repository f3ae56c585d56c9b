import {
  CallEvent,
  type Call,
  type CallStatus,
  type ConnectionType,
  type ParleyClient,
  type PeerQuality,
} from '@parley/client';
import type { CallEndReason, PeerId, PeerInfo } from '@parley/protocol';
import { computed, readonly, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { UiError } from '../i18n/describeError';
import { toUiError } from './notices';

/**
 * The call as the UI sees it, over the SDK's Call: the current call and its
 * state, the other side, the members, their streams, screens, connection
 * types, qualities and the active speaker; with the call actions. Split out
 * of useParley, which composes it and hands it the SDK's calls (trackCall);
 * this piece follows one call at a time and keeps how the last one ended.
 */

/** What the call-state element shows: no call yet, or the current/last call's state. */
export type CallUiState = 'idle' | CallStatus;

/** What the call piece reads from, and reports to, its neighbours (shared refs). */
export interface CallStateDeps {
  /** The room's members (roomState.ts): the other side's latest media state. */
  participants: Readonly<Ref<readonly PeerInfo[]>>;
  peersById: Readonly<Ref<ReadonlyMap<PeerId, PeerInfo>>>;
  /** Where a failed call action shows (notices.ts)… */
  notice: ShallowRef<UiError | null>;
  /** …or, for a media problem, here (mediaState.ts). */
  mediaError: ShallowRef<UiError | null>;
}

function updateMap<K, V>(target: ShallowRef<ReadonlyMap<K, V>>, key: K, value: V | null): void {
  const next = new Map(target.value);
  if (value === null) next.delete(key);
  else next.set(key, value);
  target.value = next;
}

function qualitiesOf(call: Call): Map<PeerId, PeerQuality> {
  return new Map(
    call.participants.flatMap((id) => {
      const quality = call.quality(id);
      return quality ? [[id, quality] as const] : [];
    }),
  );
}

export function createCallState(client: ParleyClient, deps: CallStateDeps) {
  const call = shallowRef<Call | null>(null);
  const callState = ref<CallUiState>('idle');
  /** Why the last call ended; kept until the next call starts. */
  const endReason = ref<CallEndReason | null>(null);
  /** The other side of the current or last call (kept after they leave, for messages). */
  const callPeer = shallowRef<PeerInfo | null>(null);
  const remoteStreams = shallowRef<ReadonlyMap<PeerId, MediaStream>>(new Map());
  const connectionTypes = shallowRef<ReadonlyMap<PeerId, ConnectionType>>(new Map());
  const iceFailed = shallowRef<ReadonlySet<PeerId>>(new Set());
  /** The other participants of our call (self excluded), in the SDK's order. */
  const callMembers = shallowRef<readonly PeerId[]>([]);
  const remoteScreens = shallowRef<ReadonlyMap<PeerId, MediaStream>>(new Map());
  /** Who is speaking now (our own id when it is us); the SDK applies hysteresis. */
  const activeSpeaker = ref<PeerId | null>(null);
  const qualities = shallowRef<ReadonlyMap<PeerId, PeerQuality>>(new Map());

  /** The remote side with its latest media state (participants get peer:updated). */
  const remotePeer = computed<PeerInfo | null>(() => {
    const peer = callPeer.value;
    if (!peer) return null;
    return deps.participants.value.find((p) => p.id === peer.id) ?? peer;
  });
  const inCall = computed(() => call.value !== null && callState.value !== 'ended');
  /** Connected (or connecting) to a call's media: the in-call view is up. */
  const inMediaCall = computed(() =>
    ['connecting', 'active', 'reconnecting'].includes(callState.value),
  );

  // ---- following one call --------------------------------------------------------

  let detachCall: (() => void) | null = null;

  function markEnded(reason: CallEndReason | null): void {
    callState.value = 'ended';
    if (reason) endReason.value = reason;
    remoteStreams.value = new Map();
    remoteScreens.value = new Map();
    callMembers.value = [];
    activeSpeaker.value = null;
    qualities.value = new Map();
  }

  /** A 1:1 view of a group call: when one other member is left, they are "the other side". */
  function syncMembers(members: readonly PeerId[]): void {
    callMembers.value = [...members];
    const only = members.length === 1 ? members[0] : undefined;
    const peer = only === undefined ? undefined : deps.peersById.value.get(only);
    if (peer) callPeer.value = peer;
  }

  /** Take over a call's current picture (it may have moved on before we saw it). */
  function readCall(next: Call): void {
    callPeer.value = next.remotePeer;
    // A new call starts: the previous end reason is no longer relevant.
    endReason.value = null;
    callState.value = next.state;
    remoteStreams.value = new Map(next.remoteStreams);
    connectionTypes.value = new Map(
      [...next.remoteStreams.keys()].map((id) => [id, next.connectionType(id)] as const),
    );
    iceFailed.value = new Set();
    syncMembers(next.participants);
    remoteScreens.value = new Map(next.remoteScreens);
    activeSpeaker.value = next.activeSpeaker;
    qualities.value = qualitiesOf(next);
  }

  /** Listen to the call's events; returns the function that stops listening. */
  function listenTo(next: Call): () => void {
    const onState = (state: CallStatus): void => {
      if (state === 'ended') markEnded(next.endReason);
      else callState.value = state;
    };
    const onEnded = (reason: CallEndReason): void => markEnded(reason);
    const onStream = (peerId: PeerId, stream: MediaStream): void => {
      updateMap(remoteStreams, peerId, stream);
      if (!connectionTypes.value.has(peerId)) {
        updateMap(connectionTypes, peerId, next.connectionType(peerId));
      }
    };
    const onStreamRemoved = (peerId: PeerId): void => updateMap(remoteStreams, peerId, null);
    const onConnectionType = (peerId: PeerId, type: ConnectionType): void =>
      updateMap(connectionTypes, peerId, type);
    const onIceFailed = (peerId: PeerId): void => {
      iceFailed.value = new Set([...iceFailed.value, peerId]);
    };
    const onMembers = (members: PeerId[]): void => syncMembers(members);
    const onScreen = (peerId: PeerId, stream: MediaStream): void =>
      updateMap(remoteScreens, peerId, stream);
    const onScreenRemoved = (peerId: PeerId): void => updateMap(remoteScreens, peerId, null);
    const onSpeaker = (peerId: PeerId | null): void => {
      activeSpeaker.value = peerId;
    };
    const onQuality = (peerId: PeerId, quality: PeerQuality): void =>
      updateMap(qualities, peerId, quality);

    next.on(CallEvent.StateChanged, onState);
    next.on(CallEvent.Ended, onEnded);
    next.on(CallEvent.RemoteStream, onStream);
    next.on(CallEvent.RemoteStreamRemoved, onStreamRemoved);
    next.on(CallEvent.ConnectionTypeChanged, onConnectionType);
    next.on(CallEvent.IceFailed, onIceFailed);
    next.on(CallEvent.ParticipantsChanged, onMembers);
    next.on(CallEvent.RemoteScreen, onScreen);
    next.on(CallEvent.RemoteScreenRemoved, onScreenRemoved);
    next.on(CallEvent.ActiveSpeakerChanged, onSpeaker);
    next.on(CallEvent.QualityChanged, onQuality);
    return () => {
      next.off(CallEvent.StateChanged, onState);
      next.off(CallEvent.Ended, onEnded);
      next.off(CallEvent.RemoteStream, onStream);
      next.off(CallEvent.RemoteStreamRemoved, onStreamRemoved);
      next.off(CallEvent.ConnectionTypeChanged, onConnectionType);
      next.off(CallEvent.IceFailed, onIceFailed);
      next.off(CallEvent.ParticipantsChanged, onMembers);
      next.off(CallEvent.RemoteScreen, onScreen);
      next.off(CallEvent.RemoteScreenRemoved, onScreenRemoved);
      next.off(CallEvent.ActiveSpeakerChanged, onSpeaker);
      next.off(CallEvent.QualityChanged, onQuality);
    };
  }

  /** Follow `next` (an incoming, placed, joined or resumed call) instead of the previous one. */
  function trackCall(next: Call): void {
    if (call.value === next) return;
    detachCall?.();
    call.value = next;
    readCall(next);
    detachCall = listenTo(next);
    // The state may have moved on between the SDK creating the call and now.
    if (next.state === 'ended') markEnded(next.endReason);
  }

  /** client.call became null: keep showing how the call ended. */
  function releaseCall(): void {
    const last = call.value;
    if (!last) return;
    if (callState.value !== 'ended') markEnded(last.endReason);
    detachCall?.();
    detachCall = null;
    call.value = null;
  }

  /** Stop following any call and forget the last one (leaving the room). */
  function reset(): void {
    detachCall?.();
    detachCall = null;
    call.value = null;
    callState.value = 'idle';
    endReason.value = null;
    callPeer.value = null;
    remoteStreams.value = new Map();
    connectionTypes.value = new Map();
    iceFailed.value = new Set();
    callMembers.value = [];
    remoteScreens.value = new Map();
    activeSpeaker.value = null;
    qualities.value = new Map();
  }

  // ---- call actions --------------------------------------------------------------

  /** Show a failed action: media problems where the media error lives, the rest as the notice. */
  function reportActionError(error: unknown): void {
    const uiError = toUiError(error);
    if (uiError.code.startsWith('MEDIA_')) deps.mediaError.value = uiError;
    else deps.notice.value = uiError;
  }

  async function invite(peer: PeerInfo): Promise<void> {
    deps.notice.value = null;
    if (inMediaCall.value) {
      // Ring them into our ongoing call: our own call state does not change.
      try {
        await client.invite(peer.id);
      } catch (error) {
        deps.notice.value = toUiError(error);
      }
      return;
    }
    try {
      trackCall(await client.invite(peer.id));
    } catch (error) {
      const uiError = toUiError(error);
      if (uiError.code === 'BUSY') {
        // Show "X is busy" where every other call outcome is shown.
        callPeer.value = peer;
        endReason.value = 'busy';
        callState.value = 'ended';
      } else {
        reportActionError(error);
      }
    }
  }

  /** Join the room's ongoing call (we were not rung, or declined, or hung up). */
  async function joinCall(): Promise<void> {
    deps.notice.value = null;
    try {
      trackCall(await client.joinCall());
    } catch (error) {
      reportActionError(error);
    }
  }

  /** Run a call action; a failure is reported, not thrown. */
  async function onCall(action: (current: Call) => Promise<unknown>): Promise<void> {
    const current = call.value;
    if (!current) return;
    try {
      await action(current);
    } catch (error) {
      reportActionError(error);
    }
  }

  return {
    call,
    callState: readonly(callState),
    endReason: readonly(endReason),
    callPeer,
    remotePeer,
    inCall,
    inMediaCall,
    callMembers,
    remoteStreams,
    remoteScreens,
    activeSpeaker: readonly(activeSpeaker),
    qualities,
    connectionTypes,
    iceFailed,
    trackCall,
    releaseCall,
    reset,
    invite,
    joinCall,
    accept: () => onCall((c) => c.accept()),
    decline: () => onCall((c) => c.decline()),
    cancel: () => onCall((c) => c.cancel()),
    hangup: () => onCall((c) => c.hangup()),
  };
}

export type CallState = ReturnType<typeof createCallState>;
