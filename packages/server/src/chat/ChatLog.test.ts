import type { ChatMessage, PeerId } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ChatLog } from './ChatLog.js';

const msg = (n: number): ChatMessage => ({
  id: `m${n}`,
  from: 'p' as PeerId,
  name: 'Ann',
  text: `text ${n}`,
  sentAt: n,
});

describe('ChatLog', () => {
  it('lists messages oldest first', () => {
    const log = new ChatLog(5);
    for (let i = 1; i <= 3; i++) log.add(msg(i));
    expect(log.list().map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(log.size).toBe(3);
  });

  it('keeps only the newest `capacity` messages, in order, across many wraps', () => {
    const log = new ChatLog(3);
    for (let i = 1; i <= 11; i++) log.add(msg(i));
    expect(log.size).toBe(3);
    expect(log.list().map((m) => m.id)).toEqual(['m9', 'm10', 'm11']);
  });

  it('hands out copies', () => {
    const log = new ChatLog(2);
    log.add(msg(1));
    const [first] = log.list();
    if (!first) throw new Error('empty');
    first.text = 'changed';
    expect(log.list()[0]?.text).toBe('text 1');
  });

  it('refuses a capacity below one', () => {
    expect(() => new ChatLog(0)).toThrow();
  });
});
