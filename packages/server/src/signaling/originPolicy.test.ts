import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './originPolicy.js';

describe('isOriginAllowed', () => {
  it('allows clients that send no Origin (not browsers)', () => {
    expect(isOriginAllowed(undefined, 'parley.example', null)).toBe(true);
  });

  it('same origin only when nothing is configured', () => {
    expect(isOriginAllowed('https://parley.example', 'parley.example', null)).toBe(true);
    expect(isOriginAllowed('http://127.0.0.1:3000', '127.0.0.1:3000', null)).toBe(true);
    expect(isOriginAllowed('https://PARLEY.example', 'parley.EXAMPLE', null)).toBe(true);
    expect(isOriginAllowed('https://parley.example', 'parley.example:443', null)).toBe(true);
    expect(isOriginAllowed('https://evil.example', 'parley.example', null)).toBe(false);
    expect(isOriginAllowed('http://127.0.0.1:3001', '127.0.0.1:3000', null)).toBe(false);
    expect(isOriginAllowed('https://parley.example', undefined, null)).toBe(false);
  });

  it('refuses opaque and malformed origins', () => {
    expect(isOriginAllowed('null', 'parley.example', null)).toBe(false);
    expect(isOriginAllowed('file://', 'parley.example', null)).toBe(false);
    expect(isOriginAllowed('not a url', 'parley.example', null)).toBe(false);
  });

  it('allows listed origins besides the same origin', () => {
    const allowed = ['https://app.example'];
    expect(isOriginAllowed('https://app.example', 'parley.example', allowed)).toBe(true);
    expect(isOriginAllowed('https://parley.example', 'parley.example', allowed)).toBe(true);
    expect(isOriginAllowed('https://other.example', 'parley.example', allowed)).toBe(false);
    expect(isOriginAllowed('http://app.example', 'parley.example', allowed)).toBe(false);
  });
});
