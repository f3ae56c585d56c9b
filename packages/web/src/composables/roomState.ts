import { ClientEvent, type ParleyClient } from '@parley/client';
import type { CallInfo, PeerInfo, RoomOptions } from '@parley/protocol';
import { computed, readonly, ref, shallowRef } from 'vue';

/**
 * The room we are in, as the UI sees it: its id and capacity, ourselves,
 * the other members, the room's options and its call (also when we are not
 * in it). Split out of useParley, which composes it and decides when we
 * enter and leave; this piece only keeps the room's picture current.
 */

/** What we know of a room on entering it (a join's result, or the SDK's state after a resume). */
export interface RoomEntry {
  room: string;
  self: PeerInfo | null;
  options: RoomOptions | null;
}

export function createRoomState(client: ParleyClient) {
  const room = ref<string | null>(null);
  const capacity = ref<number | null>(null);
  const self = shallowRef<PeerInfo | null>(null);
  const participants = shallowRef<readonly PeerInfo[]>([]);
  const roomOptions = shallowRef<RoomOptions | null>(null);
  /** The room's call, also when we are not in it (others can see and join it). */
  const roomCall = shallowRef<CallInfo | null>(null);

  const joined = computed(() => room.value !== null);
  /** Room members by id, for names and media state of call members. */
  const peersById = computed(() => new Map(participants.value.map((p) => [p.id, p] as const)));

  function syncParticipants(): void {
    participants.value = [...client.participants.values()];
  }

  client.on(ClientEvent.PeerConnectionChanged, syncParticipants);
  client.on(ClientEvent.RoomCallChanged, (info) => {
    roomCall.value = info;
  });
  client.on(ClientEvent.PeerJoined, syncParticipants);
  client.on(ClientEvent.PeerLeft, syncParticipants);
  client.on(ClientEvent.PeerUpdated, syncParticipants);

  /** We are in `entry.room`: read the rest of its picture from the SDK. */
  function enter(entry: RoomEntry): void {
    room.value = entry.room;
    self.value = entry.self;
    roomOptions.value = entry.options;
    roomCall.value = client.roomCall;
    syncParticipants();
  }

  /** A room's size, learnt before or on joining it (kept across rooms, for "room is full"). */
  function setCapacity(max: number): void {
    capacity.value = max;
  }

  function reset(): void {
    room.value = null;
    self.value = null;
    participants.value = [];
    roomOptions.value = null;
    roomCall.value = null;
  }

  return {
    room: readonly(room),
    capacity: readonly(capacity),
    self,
    participants,
    peersById,
    roomOptions,
    roomCall,
    joined,
    enter,
    setCapacity,
    reset,
  };
}

export type RoomState = ReturnType<typeof createRoomState>;
