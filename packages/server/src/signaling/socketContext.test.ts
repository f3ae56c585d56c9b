import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { logsAt, socketContexts, withSocket } from './socketContext.js';
import type { ParleySocket, SignalingContext } from './types.js';

function fakeLogger(level: string): FastifyBaseLogger & { child: ReturnType<typeof vi.fn> } {
  const log = {
    level,
    child: vi.fn((bindings: object) => ({ ...fakeLogger(level), bindings })),
  };
  return log as unknown as FastifyBaseLogger & { child: ReturnType<typeof vi.fn> };
}

const socket = (id: string) => ({ id }) as ParleySocket;

describe('socketContexts', () => {
  it('reads the app context through, with the socket of its own', () => {
    const base = { log: fakeLogger('info'), config: { marker: 1 } } as unknown as SignalingContext;
    const make = socketContexts(base);
    const a = make(socket('a'));
    const b = make(socket('b'));
    expect(a.config).toBe(base.config);
    expect(a.socket.id).toBe('a');
    expect(b.socket.id).toBe('b');
  });

  it("makes a socket's child logger on first use only, naming the socket", () => {
    const appLog = fakeLogger('info');
    const make = socketContexts({ log: appLog } as unknown as SignalingContext);
    const ctx = make(socket('s1'));
    expect(logsAt(ctx, 'debug')).toBe(false);
    expect(appLog.child).not.toHaveBeenCalled();
    const log = ctx.log;
    expect(ctx.log).toBe(log);
    expect(appLog.child).toHaveBeenCalledTimes(1);
    expect(appLog.child).toHaveBeenCalledWith({ socketId: 's1' });
  });

  it('logsAt follows the level: trace writes debug too', () => {
    const make = (level: string) =>
      socketContexts({ log: fakeLogger(level) } as unknown as SignalingContext)(socket('x'));
    expect(logsAt(make('trace'), 'trace')).toBe(true);
    expect(logsAt(make('trace'), 'debug')).toBe(true);
    expect(logsAt(make('debug'), 'debug')).toBe(true);
    expect(logsAt(make('debug'), 'trace')).toBe(false);
    expect(logsAt(make('silent'), 'debug')).toBe(false);
    // A plain context (not a socket's) is asked through its own logger.
    expect(logsAt({ log: fakeLogger('debug') } as unknown as SignalingContext, 'debug')).toBe(true);
  });

  it('withSocket swaps the socket and keeps the logger', () => {
    const ctx = socketContexts({ log: fakeLogger('info') } as unknown as SignalingContext)(
      socket('host'),
    );
    const other = withSocket(ctx, socket('guest'));
    expect(other.socket.id).toBe('guest');
    expect(other.log).toBe(ctx.log);
  });
});
