import type { ParleyClient } from '@parley/client';

declare global {
  interface Window {
    /** The page's single SDK client, exposed for e2e tests and devtools. */
    __parley?: ParleyClient;
  }
}

export {};
