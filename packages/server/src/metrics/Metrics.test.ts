import { describe, expect, it } from 'vitest';
import { parseMetrics, samplesOf, valueOf } from '../../test/support/metricsText.js';
import type { StateCounts } from '../state/StateStore.js';
import { Metrics } from './Metrics.js';

const COUNTS: StateCounts = {
  rooms: 2,
  participants: 5,
  calls: 3,
  ringingCalls: 1,
  activeCalls: 2,
};

const scrape = async (m: Metrics) => parseMetrics(await m.text());

describe('Metrics', () => {
  it('one registry per app: two in one process do not collide, each with its node label', async () => {
    const a = new Metrics({ nodeId: 'a', sockets: () => 1, counts: async () => COUNTS });
    const b = new Metrics({ nodeId: 'b', sockets: () => 2, counts: async () => COUNTS });
    a.callSetupEnded('answered');
    const setups = 'parley_call_setups_total';
    const sa = await scrape(a);
    const sb = await scrape(b);
    expect(valueOf(sa, setups, { outcome: 'answered', node: 'a' })).toBe(1);
    expect(valueOf(sb, setups, { outcome: 'answered', node: 'b' })).toBe(0);
    // Every series, the Node defaults too, carries the node label.
    expect(sa.length).toBeGreaterThan(20);
    expect(sa.every((s) => s.labels.node === 'a')).toBe(true);
  });

  it('starts the bounded series at 0', async () => {
    const s = await scrape(
      new Metrics({ nodeId: 'n', sockets: () => 0, counts: async () => COUNTS }),
    );
    expect(samplesOf(s, 'parley_call_setups_total').map((x) => x.labels.outcome)).toEqual([
      'answered',
      'declined',
      'missed',
      'cancelled',
      'busy',
      'failed',
    ]);
    expect(valueOf(s, 'parley_signaling_messages_total', { event: 'signal:candidate' })).toBe(0);
    expect(valueOf(s, 'parley_rate_limited_total', { limit: 'messages' })).toBe(0);
  });

  it('reads the state gauges at scrape time, asking the store once per scrape', async () => {
    let asked = 0;
    let sockets = 3;
    const m = new Metrics({
      nodeId: 'n',
      sockets: () => sockets,
      counts: async () => {
        asked += 1;
        return COUNTS;
      },
    });
    const s = await scrape(m);
    expect(asked).toBe(1);
    expect(valueOf(s, 'parley_connected_sockets')).toBe(3);
    expect(valueOf(s, 'parley_rooms')).toBe(2);
    expect(valueOf(s, 'parley_participants')).toBe(5);
    expect(valueOf(s, 'parley_calls', { state: 'ringing' })).toBe(1);
    expect(valueOf(s, 'parley_calls', { state: 'active' })).toBe(2);
    sockets = 0;
    expect(valueOf(await scrape(m), 'parley_connected_sockets')).toBe(0);
    expect(asked).toBe(2);
  });

  it('a store that cannot be read still leaves a scrape that answers', async () => {
    let fail = false;
    const m = new Metrics({
      nodeId: 'n',
      sockets: () => 0,
      counts: async () => {
        if (fail) throw new Error('redis down');
        return COUNTS;
      },
    });
    await m.text();
    fail = true;
    const s = await scrape(m);
    expect(valueOf(s, 'parley_rooms')).toBe(2);
    expect(valueOf(s, 'parley_state_count_failures_total')).toBe(1);
    expect(samplesOf(s, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('observes relay latency in seconds', async () => {
    const m = new Metrics({ nodeId: 'n', sockets: () => 0, counts: async () => COUNTS });
    m.relayed('signal:candidate', performance.now() - 2);
    const s = await scrape(m);
    const name = 'parley_relay_latency_seconds';
    expect(valueOf(s, `${name}_count`, { event: 'signal:candidate' })).toBe(1);
    expect(valueOf(s, `${name}_count`, { event: 'signal:description' })).toBe(0);
    // About 2 ms: over the 1 ms bucket, within 0.5 s.
    expect(valueOf(s, `${name}_bucket`, { event: 'signal:candidate', le: '0.001' })).toBe(0);
    expect(valueOf(s, `${name}_bucket`, { event: 'signal:candidate', le: '0.5' })).toBe(1);
    expect(valueOf(s, `${name}_sum`, { event: 'signal:candidate' })).toBeGreaterThanOrEqual(0.002);
    expect(samplesOf(s, `${name}_bucket`, { event: 'signal:candidate' })[0]?.labels.le).toBe(
      '0.0001',
    );
  });
});
