import { ClientMessageSchemas, Limits, type AckResponse } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.js';
import { handleInbound, splitArgs, type InboundConnection } from './handle.js';
import type { HandlerMap, RequestContext } from './types.js';

interface Harness {
  conn: InboundConnection;
  handlers: HandlerMap;
  emitted: Array<[string, unknown]>;
  logError: ReturnType<typeof vi.fn>;
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
  const ctx = { socket, log: { error: logError } } as unknown as RequestContext;
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
  };
  return { conn, handlers, emitted, logError, settle: () => tail, allow };
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
    expect(h.handlers['room:check']).toHaveBeenCalledWith(h.conn.ctx, { room: 'abc' });
  });

  it('passes the parsed (trimmed) payload on', async () => {
    const h = harness();
    await send(h, 'room:join', { room: 'abc', name: '  Ann   Lee ' });
    expect(h.handlers['room:join']).toHaveBeenCalledWith(h.conn.ctx, {
      room: 'abc',
      name: 'Ann Lee',
    });
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
