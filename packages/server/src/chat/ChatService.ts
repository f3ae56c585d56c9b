import { ErrorCode, type ChatMessage, type PeerId, type RoomId } from '@parley/protocol';
import { AppError } from '../errors.js';
import { createHash } from 'node:crypto';
import { randomId } from '../ids.js';
import type { StateStore } from '../state/StateStore.js';

export interface ChatServiceOptions {
  readonly now?: () => number;
  readonly newId?: () => string;
}

/**
 * Room chat. The server stamps id, sender id, sender name and time: the
 * client only ever supplies the text (the strict schema refuses anything
 * else), so nobody can post under another name.
 */
export class ChatService {
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(
    private readonly store: StateStore,
    options: ChatServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomId;
  }

  /**
   * Store `text` (already validated and trimmed) from `peer` in its room's
   * history. With a nonce the id is derived from sender and nonce, so a
   * retry of the same message finds it stored (`duplicate`: not relayed again).
   */
  send(
    roomId: RoomId,
    peer: PeerId,
    text: string,
    nonce?: string,
  ): Promise<{ message: ChatMessage; duplicate: boolean }> {
    const id = nonce === undefined ? this.newId() : messageIdOf(peer, nonce);
    const sentAt = this.now();
    return this.store.update<{ message: ChatMessage; duplicate: boolean }>(roomId, (room) => {
      const sender = room?.get(peer);
      if (!room || !sender) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
      const stored = nonce === undefined ? undefined : room.chat.list().find((m) => m.id === id);
      if (stored) return { room, result: { message: { ...stored }, duplicate: true } };
      const message: ChatMessage = { id, from: peer, name: sender.name, text, sentAt };
      room.chat.add(message);
      return { room, result: { message: { ...message }, duplicate: false } };
    });
  }
}

/** A message id from sender and client nonce: the same retry, the same id. */
function messageIdOf(peer: PeerId, nonce: string): string {
  return createHash('sha256').update(`${peer}\n${nonce}`).digest('base64url').slice(0, 22);
}
