import type { NetworkTestResult, ParleyClient } from '@parley/client';
import { readonly, ref, shallowRef, type ShallowRef } from 'vue';
import type { UiError } from '../i18n/describeError';
import { toUiError } from './notices';

/**
 * The room's network check (STUN/TURN reachability with the room's ICE
 * servers): its last result and whether one is running. Split out of
 * useParley, which composes it; a failure shows as the room's `notice`,
 * shared with it.
 */
export function createNetworkTest(client: ParleyClient, notice: ShallowRef<UiError | null>) {
  const networkTest = shallowRef<NetworkTestResult | null>(null);
  const networkTestRunning = ref(false);

  /** One test at a time; a second request while one runs is ignored. */
  async function runNetworkTest(): Promise<void> {
    if (networkTestRunning.value) return;
    networkTestRunning.value = true;
    networkTest.value = null;
    try {
      networkTest.value = await client.runNetworkTest();
    } catch (error) {
      notice.value = toUiError(error);
    } finally {
      networkTestRunning.value = false;
    }
  }

  function reset(): void {
    networkTest.value = null;
  }

  return {
    networkTest,
    networkTestRunning: readonly(networkTestRunning),
    runNetworkTest,
    reset,
  };
}

export type NetworkTestState = ReturnType<typeof createNetworkTest>;
