import { describe, expect, it } from 'vitest';
import {
  ClientErrorCode,
  isLocalhost,
  isParleyError,
  mediaErrorFromDomException,
  mediaSupportError,
  ParleyError,
  toParleyError,
} from './errors.js';

/** Plain objects shaped like the DOMExceptions getUserMedia rejects with. */
const dom = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  message: `${name} happened`,
  ...extra,
});

describe('mediaErrorFromDomException', () => {
  it.each([
    ['NotAllowedError', ClientErrorCode.MEDIA_PERMISSION_DENIED],
    ['PermissionDeniedError', ClientErrorCode.MEDIA_PERMISSION_DENIED],
    ['SecurityError', ClientErrorCode.MEDIA_PERMISSION_DENIED],
    ['NotFoundError', ClientErrorCode.MEDIA_DEVICE_NOT_FOUND],
    ['DevicesNotFoundError', ClientErrorCode.MEDIA_DEVICE_NOT_FOUND],
    ['NotReadableError', ClientErrorCode.MEDIA_DEVICE_IN_USE],
    ['TrackStartError', ClientErrorCode.MEDIA_DEVICE_IN_USE],
    ['AbortError', ClientErrorCode.MEDIA_DEVICE_IN_USE],
    ['TypeError', ClientErrorCode.MEDIA_CONSTRAINTS],
    ['NotSupportedError', ClientErrorCode.MEDIA_UNSUPPORTED],
    ['SomethingNewError', ClientErrorCode.MEDIA_UNSUPPORTED],
  ])('%s -> %s', (name, code) => {
    const source = dom(name);
    const err = mediaErrorFromDomException(source);
    expect(err).toBeInstanceOf(ParleyError);
    expect(err.code).toBe(code);
    expect(err.cause).toBe(source);
    expect(err.message).toContain(`${name} happened`);
  });

  it('an unknown exact deviceId (OverconstrainedError on deviceId) is a missing device', () => {
    expect(
      mediaErrorFromDomException(dom('OverconstrainedError', { constraint: 'deviceId' })).code,
    ).toBe(ClientErrorCode.MEDIA_DEVICE_NOT_FOUND);
  });

  it('any other OverconstrainedError is a constraints problem naming the constraint', () => {
    const err = mediaErrorFromDomException(dom('OverconstrainedError', { constraint: 'width' }));
    expect(err.code).toBe(ClientErrorCode.MEDIA_CONSTRAINTS);
    expect(err.message).toContain('width');
  });

  it('a real TypeError instance maps by its name', () => {
    expect(mediaErrorFromDomException(new TypeError('bad')).code).toBe(
      ClientErrorCode.MEDIA_CONSTRAINTS,
    );
  });

  it('keeps a ParleyError as it is and copes with non-objects', () => {
    const p = new ParleyError(ClientErrorCode.MEDIA_INSECURE_CONTEXT, 'https');
    expect(mediaErrorFromDomException(p)).toBe(p);
    expect(mediaErrorFromDomException('weird').code).toBe(ClientErrorCode.MEDIA_UNSUPPORTED);
    expect(mediaErrorFromDomException(null).code).toBe(ClientErrorCode.MEDIA_UNSUPPORTED);
  });
});

describe('mediaSupportError', () => {
  const base = {
    isSecureContext: true,
    hasGetUserMedia: true,
    protocol: 'https:',
    hostname: 'a.example',
  };

  it('null when media capture can be attempted', () => {
    expect(mediaSupportError(base)).toBeNull();
  });

  it('an insecure context says "use https", never "unsupported"', () => {
    const err = mediaSupportError({
      ...base,
      isSecureContext: false,
      hasGetUserMedia: false,
      protocol: 'http:',
    });
    expect(err?.code).toBe(ClientErrorCode.MEDIA_INSECURE_CONTEXT);
    expect(err?.message).toMatch(/https/);
    expect(err?.message).not.toMatch(/unsupported|not support/i);
  });

  it('no mediaDevices on plain http from a LAN address is an insecure context too', () => {
    const err = mediaSupportError({
      isSecureContext: undefined,
      hasGetUserMedia: false,
      protocol: 'http:',
      hostname: '192.168.1.20',
    });
    expect(err?.code).toBe(ClientErrorCode.MEDIA_INSECURE_CONTEXT);
  });

  it('no mediaDevices on http://localhost or https is a browser without support', () => {
    for (const env of [
      { isSecureContext: true, hasGetUserMedia: false, protocol: 'http:', hostname: 'localhost' },
      { isSecureContext: true, hasGetUserMedia: false, protocol: 'https:', hostname: 'a.example' },
    ]) {
      expect(mediaSupportError(env)?.code).toBe(ClientErrorCode.MEDIA_UNSUPPORTED);
    }
  });

  it('isLocalhost knows the names browsers trust over http', () => {
    for (const h of [
      'localhost',
      'LOCALHOST',
      'app.localhost',
      '127.0.0.1',
      '127.1.2.3',
      '[::1]',
      '::1',
    ]) {
      expect(isLocalhost(h), h).toBe(true);
    }
    for (const h of [
      'example.com',
      '10.0.0.1',
      '192.168.0.5',
      'localhost.example.com',
      '1127.0.0.1',
    ]) {
      expect(isLocalhost(h), h).toBe(false);
    }
  });
});

describe('ParleyError helpers', () => {
  it('carries code, name and cause', () => {
    const cause = new Error('root');
    const err = new ParleyError('ROOM_FULL', 'full', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ParleyError');
    expect(err.code).toBe('ROOM_FULL');
    expect(err.cause).toBe(cause);
    expect(isParleyError(err)).toBe(true);
    expect(isParleyError(err, 'ROOM_FULL')).toBe(true);
    expect(isParleyError(err, 'BUSY')).toBe(false);
    expect(isParleyError(cause)).toBe(false);
  });

  it('toParleyError wraps foreign errors with the fallback code', () => {
    const wrapped = toParleyError(new Error('boom'), 'NOT_CONNECTED');
    expect(wrapped.code).toBe('NOT_CONNECTED');
    expect(wrapped.message).toBe('boom');
    expect(toParleyError('x').code).toBe('INTERNAL');
  });
});
