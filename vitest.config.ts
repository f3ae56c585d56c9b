import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Unit and integration tests run against the workspace sources directly, so
// `vitest run` needs no build step. End-to-end tests live in e2e/ (Playwright).
export default defineConfig({
  resolve: {
    alias: {
      '@parley/protocol': src('./packages/protocol/src/index.ts'),
      '@parley/client': src('./packages/client/src/index.ts'),
    },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    typecheck: {
      enabled: true,
      include: ['packages/*/src/**/*.test-d.ts'],
    },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
