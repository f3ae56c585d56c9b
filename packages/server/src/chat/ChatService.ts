import { ErrorCode, type ChatMessage, type PeerId, type RoomId } from '@parley/protocol';
import { AppError } from '../errors.js';
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

  /** Store `text` (already validated and trimmed) from `peer` in its room's history. */
  send(roomId: RoomId, peer: PeerId, text: string): Promise<ChatMessage> {
    const id = this.newId();
    const sentAt = this.now();
    return this.store.update(roomId, (room) => {
      const sender = room?.get(peer);
      if (!room || !sender) throw new AppError(ErrorCode.NOT_IN_ROOM, 'not in a room');
      const message: ChatMessage = { id, from: peer, name: sender.name, text, sentAt };
      room.chat.add(message);
      return { room, result: { ...message } };
    });
  }
}
