import type { PeerId } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { SetupTimeline } from './setupTimeline.js';

describe('SetupTimeline', () => {
  it('keeps the first occurrence of each step (per peer), in time order', () => {
    let now = 100;
    const t = new SetupTimeline(() => now);
    const a = 'a' as PeerId;
    const b = 'b' as PeerId;
    t.mark('offer-created', a);
    now = 110;
    t.mark('offer-created', a); // a renegotiation later: not the setup's
    t.mark('offer-created', b);
    now = 120;
    t.mark('active');
    t.mark('invite', undefined, 50); // recorded before the call existed
    expect(t.marks).toEqual([
      { step: 'invite', at: 50 },
      { step: 'offer-created', at: 100, peerId: a },
      { step: 'offer-created', at: 110, peerId: b },
      { step: 'active', at: 120 },
    ]);
  });

  it('is bounded', () => {
    const t = new SetupTimeline(() => 1);
    for (let i = 0; i < 2000; i++) t.mark('connected', `p${i}` as PeerId);
    expect(t.marks.length).toBe(512);
  });
});
