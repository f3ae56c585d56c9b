import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { precompileMessages } from './plugins/precompileMessages.ts';
import { vueI18nTreeShaking } from './plugins/vueI18nTreeShaking.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The SDK and protocol are consumed from source, so building the app needs no
// prior `tsc` of the other workspaces. The signaling server serves `dist/`.
// `npm run build` then checks the first screen against the bundle budget
// (scripts/bundleBudget.mjs, README.md).
export default defineConfig({
  root: here('.'),
  plugins: [
    vue(),
    precompileMessages({ root: here('.'), catalogs: ['src/i18n/en.ts', 'src/i18n/zh-CN.ts'] }),
    vueI18nTreeShaking(),
  ],
  resolve: {
    alias: {
      '@parley/client': here('../client/src/index.ts'),
      '@parley/protocol': here('../protocol/src/index.ts'),
    },
  },
  define: {
    // Vue: the app uses <script setup> only, no Options API.
    __VUE_OPTIONS_API__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
    // vue-i18n: composition API only (no <i18n-t>/v-t components), no devtools
    // in production, and no message compiler: the catalogs are compiled at
    // build time (plugins/precompileMessages.ts).
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __INTLIFY_DROP_MESSAGE_COMPILER__: true,
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    // dist/.vite/manifest.json: which chunk imports which (read by the budget check).
    manifest: true,
  },
  server: {
    proxy: {
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
      '/healthz': { target: 'http://127.0.0.1:3000' },
    },
  },
});
