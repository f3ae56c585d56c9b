import { ClientMessageSchemas, Limits, type AckResponse } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.js';
import { Metrics } from '../metrics/Metrics.js';
import { handleInbound, splitArgs, type InboundConnection } from './handle.js';
import type { HandlerMap, RequestContext } from './types.js';

interface Harness {
  conn: InboundConnection;
  handlers: HandlerMap;
  emitted: Array<[string, unknown]>;
  logError: ReturnType<typeof vi.fn>;
  metrics: Metrics;
  settle: () => Promise<void>;
  allow: { value: boolean };
}

function harness(override: Partial<Record<string, (...a: unknown[]) => unknown>> = {}): Harness {
  const emitted: Array<[string, unknown]> = [];
  const logError = vi.fn();
  const socket = {
    id: 'sid',
    connected: true,
    data: { peerId: null, roomId: null },
    emit: (event: string, payload: unknown) => {
      emitted.push([event, payload]);
      return true;
    },
  };
  const metrics = new Metrics({
    nodeId: 'test',
    sockets: () => 0,
    counts: () => Promise.reject(new Error('not used')),
  });
  const noop = () => undefined;
  const ctx = {
    socket,
    metrics,
    log: { error: logError, trace: noop, debug: noop, level: 'trace' },
  } as unknown as RequestContext;
  const handlers = Object.fromEntries(
    Object.keys(ClientMessageSchemas).map((e) => [
      e,
      vi.fn(override[e] ?? (async () => ({ handled: e }))),
    ]),
  ) as unknown as HandlerMap;
  let tail = Promise.resolve();
  const allow = { value: true };
  const conn: InboundConnection = {
    ctx,
    allow: () => allow.value,
    enqueue: (task) => {
      tail = tail.then(task);
    },
    runNow: (task) => {
      tail = tail.then(task);
    },
  };
  return { conn, handlers, emitted, logError, metrics, settle: () => tail, allow };
}

/** A counter's value for exactly these labels (0 when the series does not exist). */
async function counted(h: Harness, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await h.metrics.registry.getSingleMetric(name)?.get();
  const same = (l: Record<string, unknown>) =>
    Object.keys(l).length === Object.keys(labels).length &&
    Object.entries(labels).every(([k, v]) => l[k] === v);
  return metric?.values.find((v) => same(v.labels))?.value ?? 0;
}

async function send(
  h: Harness,
  event: string,
  ...args: unknown[]
): Promise<AckResponse<unknown> | null> {
  let res: AckResponse<unknown> | null = null;
  handleInbound(h.conn, h.handlers, event, [...args, (r: AckResponse<unknown>) => (res = r)]);
  await h.settle();
  return res;
}

describe('splitArgs', () => {
  it('takes a trailing function as the ack', () => {
    const fn = () => undefined;
    expect(splitArgs([{ a: 1 }, fn])).toEqual({ payloads: [{ a: 1 }], ack: fn });
    expect(splitArgs([{ a: 1 }])).toEqual({ payloads: [{ a: 1 }], ack: null });
    expect(splitArgs([])).toEqual({ payloads: [], ack: null });
  });
});

describe('handleInbound', () => {
  it('validates, runs the handler and acks its data', async () => {
    const h = harness();
    expect(await send(h, 'room:check', { room: 'abc' })).toEqual({
      ok: true,
      data: { handled: 'room:check' },
    });
    expect(h.handlers['room:check']).toHaveBeenCalledWith(
      h.conn.ctx,
      { room: 'abc' },
      { receivedAt: expect.any(Number) },
    );
  });

  it('passes the parsed (trimmed) payload on', async () => {
    const h = harness();
    await send(h, 'room:join', { room: 'abc', name: '  Ann   Lee ' });
    expect(h.handlers['room:join']).toHaveBeenCalledWith(
      h.conn.ctx,
      { room: 'abc', name: 'Ann Lee' },
      { receivedAt: expect.any(Number) },
    );
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', [1, 2]],
    ['a wrong type', { room: 42 }],
    ['an unknown field', { room: 'abc', from: 'spoof' }],
    ['a bad room id', { room: '../etc' }],
  ])('refuses %s with INVALID_MESSAGE without running the handler', async (_label, payload) => {
    const h = harness();
    const res = await send(h, 'room:check', payload);
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(h.handlers['room:check']).not.toHaveBeenCalled();
  });

  it('refuses a missing payload and extra arguments', async () => {
    const h = harness();
    expect(await send(h, 'room:leave')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MESSAGE' },
    });
    expect(await send(h, 'room:leave', {}, {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MESSAGE', message: expect.stringContaining('2 arguments') },
    });
  });

  it('classifies an oversized SDP as PAYLOAD_TOO_LARGE', async () => {
    const h = harness();
    const res = await send(h, 'signal:description', {
      callId: 'c1',
      to: 'p1',
      description: { type: 'offer', sdp: 'x'.repeat(Limits.SDP_MAX + 1) },
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('answers an unknown event with INVALID_MESSAGE', async () => {
    const h = harness();
    expect(await send(h, 'room:destroy', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MESSAGE' },
    });
    expect(await send(h, '__proto__', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MESSAGE' },
    });
  });

  it('rate limits before anything else, as a retryable error', async () => {
    const h = harness();
    h.allow.value = false;
    expect(await send(h, 'room:check', { room: 'abc' })).toEqual({
      ok: false,
      error: { code: 'RATE_LIMITED', message: expect.any(String), retryable: true },
    });
    expect(h.handlers['room:check']).not.toHaveBeenCalled();
  });

  it('maps an AppError to its code', async () => {
    const h = harness({
      'room:leave': async () => {
        throw new AppError('NOT_IN_ROOM', 'join a room first');
      },
    });
    expect(await send(h, 'room:leave', {})).toEqual({
      ok: false,
      error: { code: 'NOT_IN_ROOM', message: 'join a room first' },
    });
  });

  it('maps anything else to INTERNAL with a generic message and logs it', async () => {
    const h = harness({
      'room:leave': async () => {
        throw new Error('secret detail');
      },
    });
    const res = await send(h, 'room:leave', {});
    expect(res).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'internal server error' },
    });
    expect(JSON.stringify(res)).not.toContain('secret detail');
    expect(h.logError).toHaveBeenCalledOnce();
  });

  it('without an ack: failures become server:error naming the event, success is silent', async () => {
    const h = harness();
    handleInbound(h.conn, h.handlers, 'room:check', [{ room: 42 }]);
    handleInbound(h.conn, h.handlers, 'room:check', [{ room: 'ok' }]);
    handleInbound(h.conn, h.handlers, 'no:such', [{}]);
    await h.settle();
    expect(h.emitted).toEqual([
      ['server:error', { code: 'INVALID_MESSAGE', message: expect.any(String), event: 'no:such' }],
      [
        'server:error',
        { code: 'INVALID_MESSAGE', message: expect.stringContaining('room'), event: 'room:check' },
      ],
    ]);
    expect(h.handlers['room:check']).toHaveBeenCalledOnce();
  });

  it('truncates long unknown event names it echoes', async () => {
    const h = harness();
    handleInbound(h.conn, h.handlers, 'e'.repeat(5000), [{}]);
    await h.settle();
    const payload = h.emitted[0]?.[1] as { event: string };
    expect(payload.event.length).toBe(64);
  });
});

describe('handleInbound metrics', () => {
  it('counts messages by event, and any name the protocol does not know as "unknown"', async () => {
    const h = harness();
    await send(h, 'room:check', { room: 'abc' });
    await send(h, 'room:check', { room: 42 });
    await send(h, 'made:up', {});
    await send(h, 'x'.repeat(300), {});
    const messages = 'parley_signaling_messages_total';
    expect(await counted(h, messages, { event: 'room:check' })).toBe(2);
    expect(await counted(h, messages, { event: 'unknown' })).toBe(2);
    expect(await counted(h, messages, { event: 'made:up' })).toBe(0);
    const errors = 'parley_signaling_errors_total';
    expect(await counted(h, errors, { event: 'room:check', code: 'INVALID_MESSAGE' })).toBe(1);
    expect(await counted(h, errors, { event: 'unknown', code: 'INVALID_MESSAGE' })).toBe(2);
  });

  it('counts the socket budget and a handler refusal as two rate limits', async () => {
    const h = harness({
      'room:join': async () => {
        throw new AppError('RATE_LIMITED', 'too many wrong passwords: wait', true, 1000);
      },
    });
    await send(h, 'room:join', { room: 'abc', name: 'Ann' });
    h.allow.value = false;
    await send(h, 'room:check', { room: 'abc' });
    const limited = 'parley_rate_limited_total';
    expect(await counted(h, limited, { limit: 'password' })).toBe(1);
    expect(await counted(h, limited, { limit: 'messages' })).toBe(1);
    const errors = 'parley_signaling_errors_total';
    expect(await counted(h, errors, { event: 'room:check', code: 'RATE_LIMITED' })).toBe(1);
  });

  it('counts a TURN credential in an answer (nested in a join, or the answer itself), not STUN only', async () => {
    const turn = {
      iceServers: [{ urls: ['turn:x'], username: 'u', credential: 'c' }],
      expiresAt: 1,
    };
    const h = harness({
      'room:join': async () => ({ ice: turn }),
      'ice:refresh': async () => turn,
      'room:check': async () => ({ iceServers: [{ urls: ['stun:x'] }], expiresAt: null }),
    });
    await send(h, 'room:join', { room: 'abc', name: 'Ann' });
    await send(h, 'ice:refresh', {});
    await send(h, 'room:check', { room: 'abc' });
    const issued = 'parley_turn_credentials_issued_total';
    expect(await counted(h, issued, { event: 'room:join' })).toBe(1);
    expect(await counted(h, issued, { event: 'ice:refresh' })).toBe(1);
    expect(await counted(h, issued, { event: 'room:check' })).toBe(0);
  });
});
