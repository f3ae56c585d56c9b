import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The SDK and protocol are consumed from source, so building the app needs no
// prior `tsc` of the other workspaces. The signaling server serves `dist/`.
export default defineConfig({
  root: here('.'),
  plugins: [vue()],
  resolve: {
    alias: {
      '@parley/client': here('../client/src/index.ts'),
      '@parley/protocol': here('../protocol/src/index.ts'),
    },
  },
  define: {
    // vue-i18n feature flags: composition API only, no devtools in production.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
      '/healthz': { target: 'http://127.0.0.1:3000' },
    },
  },
});
