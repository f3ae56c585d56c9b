import { defineConfig } from 'vite';

// The clinic page: one HTML file, the SDK bundled in.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  build: { outDir: 'dist', emptyOutDir: true },
});
