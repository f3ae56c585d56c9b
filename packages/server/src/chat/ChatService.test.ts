import { Limits, type PeerId, type RoomId } from '@parley/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { RoomRegistry } from '../rooms/RoomRegistry.js';
import { MemoryStateStore } from '../state/MemoryStateStore.js';
import { ChatService } from './ChatService.js';

const R1 = 'r1' as RoomId;
const R2 = 'r2' as RoomId;
const media = { audio: false, video: false, screen: null };

describe('ChatService', () => {
  let rooms: RoomRegistry;
  let chat: ChatService;
  let clock: number;

  beforeEach(() => {
    const store = new MemoryStateStore();
    let n = 0;
    let m = 0;
    clock = 1000;
    rooms = new RoomRegistry(store, { capacity: 8, meshMax: 6, newId: () => `p${++n}` as PeerId });
    chat = new ChatService(store, { now: () => clock++, newId: () => `m${++m}` });
  });

  it('stamps id, sender, current name and time; the text is kept as given', async () => {
    const a = await rooms.join(R1, { name: 'Ann', media, socketId: 's1' });
    const { message, duplicate } = await chat.send(R1, a.self.id, '<b>hi</b>');
    expect(message).toEqual({ id: 'm1', from: 'p1', name: 'Ann', text: '<b>hi</b>', sentAt: 1000 });
    expect(duplicate).toBe(false);
  });

  it('a retry with the same nonce is stored once and answered with the stored message', async () => {
    const a = await rooms.join(R1, { name: 'Ann', media, socketId: 's1' });
    const b = await rooms.join(R1, { name: 'Bob', media, socketId: 's2' });
    const first = await chat.send(R1, a.self.id, 'hello', 'nonce-0001');
    const retry = await chat.send(R1, a.self.id, 'hello', 'nonce-0001');
    expect(retry).toEqual({ message: first.message, duplicate: true });
    // Another sender's same nonce is another message.
    const other = await chat.send(R1, b.self.id, 'hello', 'nonce-0001');
    expect(other.duplicate).toBe(false);
    expect(other.message.id).not.toBe(first.message.id);
    const late = await rooms.join(R1, { name: 'Late', media, socketId: 's3' });
    expect(late.chat.map((m) => m.text)).toEqual(['hello', 'hello']);
  });

  it('NOT_IN_ROOM for a sender who is not in that room', async () => {
    const a = await rooms.join(R1, { name: 'Ann', media, socketId: 's1' });
    await expect(chat.send(R2, a.self.id, 'x')).rejects.toMatchObject({ code: 'NOT_IN_ROOM' });
    await expect(chat.send(R1, 'nobody' as PeerId, 'x')).rejects.toMatchObject({
      code: 'NOT_IN_ROOM',
    });
  });

  it('history is per room and bounded to CHAT_HISTORY_MAX', async () => {
    const a = await rooms.join(R1, { name: 'Ann', media, socketId: 's1' });
    const x = await rooms.join(R2, { name: 'Xav', media, socketId: 's2' });
    await chat.send(R2, x.self.id, 'elsewhere');
    for (let i = 0; i < Limits.CHAT_HISTORY_MAX + 5; i++) await chat.send(R1, a.self.id, `n${i}`);
    const late = await rooms.join(R1, { name: 'Late', media, socketId: 's3' });
    expect(late.chat).toHaveLength(Limits.CHAT_HISTORY_MAX);
    expect(late.chat[0]?.text).toBe('n5');
    expect(late.chat.at(-1)?.text).toBe(`n${Limits.CHAT_HISTORY_MAX + 4}`);
    expect(late.chat.some((m) => m.text === 'elsewhere')).toBe(false);
  });
});
