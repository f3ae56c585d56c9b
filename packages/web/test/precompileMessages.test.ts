import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAst, transformWithOxc, type Plugin } from 'vite';
import { createI18n } from 'vue-i18n';
import { describe, expect, it } from 'vitest';
import { precompileMessages } from '../plugins/precompileMessages';
import en from '../src/i18n/en';
import zhCN from '../src/i18n/zh-CN';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES: Record<string, object> = { 'src/i18n/en.ts': en, 'src/i18n/zh-CN.ts': zhCN };
const CATALOGS = Object.keys(SOURCES);

type Tree = { readonly [key: string]: unknown };

/** Run the plugin's transform as Vite would, after the TypeScript transform. */
async function precompile(file: string, code?: string): Promise<string> {
  const path = `${root}${file}`;
  const source = code ?? readFileSync(path, 'utf8');
  const js = (await transformWithOxc(source, path)).code;
  const plugin = precompileMessages({ root, catalogs: [file] }) as Plugin & {
    transform: (this: unknown, code: string, id: string) => { code: string } | null;
  };
  const context = {
    parse: (input: string) => parseAst(input),
    error: (message: string) => {
      throw new Error(message);
    },
  };
  const result = plugin.transform.call(context, js, path);
  if (!result) throw new Error(`${file} was not transformed`);
  return result.code;
}

async function evaluate(code: string): Promise<Tree> {
  const url = `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`;
  return ((await import(url)) as { default: Tree }).default;
}

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return typeof value === 'string' ? [path] : keys(value as Tree, path);
  });
}

/** Values for every placeholder a message may have. */
const PARAMS = new Proxy({} as Record<string, string>, {
  get: (_target, name) => `<${String(name)}>`,
  has: () => true,
});

describe('precompileMessages', () => {
  for (const file of CATALOGS) {
    it(`${file}: every message renders as vue-i18n renders its source string`, async () => {
      const source = SOURCES[file] as Tree;
      const compiled = await evaluate(await precompile(file));
      const plain = createI18n({ legacy: false, locale: 'x', messages: { x: source } });
      const ast = createI18n({ legacy: false, locale: 'x', messages: { x: compiled } });
      const all = keys(source);
      expect(all.length).toBeGreaterThan(100);
      for (const key of all) {
        // The compiled catalog holds message ASTs, not strings.
        expect(typeof key.split('.').reduce<unknown>((t, k) => (t as Tree)[k], compiled)).toBe(
          'object',
        );
        expect(ast.global.te(key), key).toBe(true);
        expect(ast.global.t(key, PARAMS), key).toBe(plain.global.t(key, PARAMS));
      }
    });
  }

  it('fails the build on a message that does not compile, naming its key', async () => {
    await expect(
      precompile('src/i18n/en.ts', "export default { lobby: { broken: 'Hello {name' } };"),
    ).rejects.toThrow(/lobby\.broken/);
  });

  it('leaves other modules alone', () => {
    const plugin = precompileMessages({ root, catalogs: CATALOGS }) as Plugin & {
      transform: (this: unknown, code: string, id: string) => unknown;
    };
    expect(plugin.transform.call({}, 'export default {}', `${root}src/i18n/index.ts`)).toBeNull();
  });
});
