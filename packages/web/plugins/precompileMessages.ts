import { resolve } from 'node:path';
import { baseCompile, type CompileError } from '@intlify/message-compiler';
import type { Plugin } from 'vite';

/**
 * Compiles the UI strings of the catalogs (src/i18n/en.ts, zh-CN.ts) at build
 * time into vue-i18n's message AST, so the app ships without vue-i18n's
 * message compiler (`__INTLIFY_DROP_MESSAGE_COMPILER__`, about 5 KB gzipped):
 * the runtime only walks the AST, as it did with the ones it compiled itself.
 *
 * The catalogs stay plain TypeScript objects of strings (typed, read as such
 * by the unit tests, which do not go through this plugin). Only the values of
 * object properties are compiled; a syntax error in a message (an unbalanced
 * `{`, a stray `@`) fails the build with the key that has it, instead of
 * showing a broken string at run time.
 *
 * This is what @intlify/unplugin-vue-i18n does for JSON/YAML resources; the
 * catalogs here are TypeScript, and that plugin needs a newer Node than the
 * project's minimum.
 */
export function precompileMessages(options: { root: string; catalogs: string[] }): Plugin {
  const catalogs = new Set(options.catalogs.map((file) => resolve(options.root, file)));
  const seen = new Set<string>();
  let isBuild = false;

  return {
    name: 'parley:precompile-messages',
    // After the TypeScript transform: the code is plain JavaScript here.
    enforce: 'post',
    configResolved(config) {
      isBuild = config.command === 'build';
    },
    transform(code, id) {
      const file = id.split('?')[0] ?? id;
      if (!catalogs.has(file)) return null;
      seen.add(file);
      const edits: Edit[] = [];
      collectMessages(this.parse(code), [], edits);
      if (edits.length === 0) this.error(`${file}: no messages found to precompile`);
      edits.sort((a, b) => b.start - a.start);
      let out = code;
      for (const edit of edits) {
        out = out.slice(0, edit.start) + compileMessage(edit, file) + out.slice(edit.end);
      }
      return { code: out, map: null };
    },
    buildEnd(error) {
      // A catalog that was renamed or moved would silently ship uncompiled strings.
      if (error || !isBuild) return;
      for (const file of catalogs) {
        if (!seen.has(file)) this.error(`precompileMessages: ${file} was not part of the build`);
      }
    },
  };
}

interface Edit {
  start: number;
  end: number;
  message: string;
  key: string;
}

interface AstNode {
  type: string;
  start: number;
  end: number;
  [field: string]: unknown;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';
}

function propertyName(node: AstNode): string {
  const key = node['key'];
  if (!isNode(key)) return '?';
  if (key.type === 'Identifier') return String(key['name']);
  return String(key['value']);
}

/** A message is the string value of an object property: a literal or a template without `${}`. */
function messageText(value: AstNode): string | null {
  if (value.type === 'Literal' && typeof value['value'] === 'string') return value['value'];
  if (value.type === 'TemplateLiteral') {
    const quasis = value['quasis'] as AstNode[];
    const expressions = value['expressions'] as unknown[];
    if (expressions.length === 0 && quasis.length === 1) {
      const cooked = (quasis[0]?.['value'] as { cooked?: string } | undefined)?.cooked;
      if (typeof cooked === 'string') return cooked;
    }
  }
  return null;
}

function collectMessages(node: unknown, path: string[], edits: Edit[]): void {
  if (Array.isArray(node)) {
    for (const child of node) collectMessages(child, path, edits);
    return;
  }
  if (!isNode(node)) return;
  if (node.type === 'Property' && node['computed'] !== true) {
    const key = [...path, propertyName(node)];
    const value = node['value'];
    const text = isNode(value) ? messageText(value) : null;
    if (isNode(value) && text !== null) {
      edits.push({ start: value.start, end: value.end, message: text, key: key.join('.') });
    } else {
      collectMessages(value, key, edits);
    }
    return;
  }
  for (const [field, child] of Object.entries(node)) {
    if (field !== 'type' && field !== 'start' && field !== 'end')
      collectMessages(child, path, edits);
  }
}

function compileMessage(edit: Edit, file: string): string {
  const errors: CompileError[] = [];
  const { ast } = baseCompile(edit.message, {
    jit: true,
    minify: true,
    location: false,
    onError: (error) => errors.push(error),
  });
  const first = errors[0];
  if (first) throw new Error(`${file}: message ${edit.key} does not compile: ${first.message}`);
  return JSON.stringify(ast);
}
