import type { Plugin } from 'vite';

/**
 * vue-i18n 11 reads Vue's current instance through `'currentInstance' in Vue`
 * on a namespace import (`import * as Vue from 'vue'`). The `in` probe makes
 * the bundler keep the whole namespace object, so every export of `vue`
 * (Transition, KeepAlive, Teleport, Suspense, hydration, custom elements…)
 * ships although the app uses none of them: about 18 KB gzipped.
 * (Upstream: intlify/vue-i18n issue 2573.)
 *
 * With Vue 3.5 the probe is always false (`vue` has no `currentInstance`
 * export), so the helper always returns `Vue.getCurrentInstance()`; this
 * rewrites it to that static call. If the installed Vue does export
 * `currentInstance` (Vue 3.6, where the probe detects Vapor components), or
 * vue-i18n changed the helper, the code is left alone with a warning (the
 * bundle budget then says what that costs).
 */
const PROBE =
  /if \(key in Vue\) \{\s*return Vue\[key\];\s*\}\s*else \{\s*return Vue\.getCurrentInstance\(\);\s*\}/;

export function vueI18nTreeShaking(): Plugin {
  let vueHasCurrentInstance: boolean | undefined;
  return {
    name: 'parley:vue-i18n-tree-shaking',
    async buildStart() {
      const vue: object = await import('vue');
      vueHasCurrentInstance = 'currentInstance' in vue;
    },
    transform(code, id) {
      if (!/\/node_modules\/vue-i18n\/dist\/[^/]+\.m?js$/.test(id)) return null;
      if (!code.includes("const key = 'currentInstance';")) return null;
      if (vueHasCurrentInstance !== false) {
        this.warn(
          'vue exports currentInstance: vue-i18n left as is (the whole vue namespace ships)',
        );
        return null;
      }
      if (!PROBE.test(code)) {
        this.warn('vue-i18n changed its getCurrentInstance helper: left as is');
        return null;
      }
      return { code: code.replace(PROBE, 'return Vue.getCurrentInstance();'), map: null };
    },
  };
}
