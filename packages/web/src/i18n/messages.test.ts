import { ErrorCode } from '@parley/protocol';
import { ClientErrorCode } from '@parley/client';
import { describe, expect, it } from 'vitest';
import en from './en';
import zhCN from './zh-CN';

type Tree = { readonly [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

const enLeaves = leaves(en as Tree);
const zhLeaves = leaves(zhCN as Tree);
// Strings that are the same in every language: names, the language list,
// protocol names and a bare number pattern.
const UNTRANSLATED = new Set([
  'app.title',
  'lang.en',
  'lang.zh-CN',
  'chat.counter',
  'networkTest.checks.stun',
  'networkTest.checks.turnUdp',
  'networkTest.checks.turnTcp',
  'networkTest.checks.turnTls',
]);

describe('UI strings', () => {
  it('zh-CN has exactly the keys of en, none empty', () => {
    expect([...zhLeaves.keys()].sort()).toEqual([...enLeaves.keys()].sort());
    for (const [key, value] of [...enLeaves, ...zhLeaves]) expect(value.trim(), key).not.toBe('');
  });

  it('zh-CN strings are Chinese, not English left in place', () => {
    const cjk = /[\u3400-\u9fff]/;
    const untranslated = [...zhLeaves]
      .filter(([key, value]) => !UNTRANSLATED.has(key) && !cjk.test(value))
      .filter(([key]) => !key.startsWith('units.'))
      .map(([key]) => key);
    expect(untranslated).toEqual([]);
  });

  it('every error code the server or the SDK can produce has a message in both languages', () => {
    const codes = [...Object.values(ErrorCode), ...Object.values(ClientErrorCode)];
    for (const code of codes) {
      expect(enLeaves.get(`errors.${code}`), `en errors.${code}`).toBeTruthy();
      expect(zhLeaves.get(`errors.${code}`), `zh-CN errors.${code}`).toBeTruthy();
    }
  });
});
