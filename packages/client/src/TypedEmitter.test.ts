import { afterEach, describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from './TypedEmitter.js';

type Events = {
  greet: (name: string, times: number) => void;
  bye: () => void;
};

class Emitter extends TypedEmitter<Events> {
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): boolean {
    return this.safeEmit(event, ...args);
  }
}

describe('TypedEmitter', () => {
  afterEach(() => vi.restoreAllMocks());

  it('calls listeners in registration order with the arguments', () => {
    const e = new Emitter();
    const calls: string[] = [];
    e.on('greet', (name, times) => calls.push(`a:${name}:${times}`));
    e.on('greet', (name) => calls.push(`b:${name}`));
    expect(e.emit('greet', 'Ann', 2)).toBe(true);
    expect(calls).toEqual(['a:Ann:2', 'b:Ann']);
  });

  it('returns false when nobody listens', () => {
    expect(new Emitter().emit('bye')).toBe(false);
  });

  it('once listeners run a single time', () => {
    const e = new Emitter();
    const fn = vi.fn();
    e.once('bye', fn);
    e.emit('bye');
    e.emit('bye');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(e.listenerCount('bye')).toBe(0);
  });

  it('off removes a listener added with on or once', () => {
    const e = new Emitter();
    const a = vi.fn();
    const b = vi.fn();
    e.on('bye', a).once('bye', b);
    e.off('bye', a).off('bye', b);
    e.emit('bye');
    expect(a).not.toHaveBeenCalled();
    expect(b).not.toHaveBeenCalled();
  });

  it('a throwing listener is reported and does not stop the others', () => {
    const e = new Emitter();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const after = vi.fn();
    e.on('greet', () => {
      throw new Error('app bug');
    });
    e.on('greet', after);
    expect(() => e.emit('greet', 'x', 1)).not.toThrow();
    expect(after).toHaveBeenCalledWith('x', 1);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]?.[0])).toContain('greet');
  });

  it('a listener added during emission waits for the next emission', () => {
    const e = new Emitter();
    const late = vi.fn();
    e.on('bye', () => e.on('bye', late));
    e.emit('bye');
    expect(late).not.toHaveBeenCalled();
    e.emit('bye');
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('removeAllListeners clears one event or all', () => {
    const e = new Emitter();
    e.on('bye', vi.fn()).on('greet', vi.fn());
    e.removeAllListeners('bye');
    expect(e.listenerCount('bye')).toBe(0);
    expect(e.listenerCount('greet')).toBe(1);
    e.removeAllListeners();
    expect(e.listenerCount('greet')).toBe(0);
  });
});
