import { defineAsyncComponent, type Component } from 'vue';

/**
 * Everything the lobby does not show is a chunk of its own, loaded when it is
 * first rendered, so the first screen stays within the bundle budget
 * (README.md). They are all fetched as soon as the user joins (see
 * prefetchRoom), so opening a panel later needs no round trip, and a server
 * that becomes unreachable during the call (which goes on peer to peer)
 * cannot leave a panel unloadable.
 */
type Loader = () => Promise<{ default: Component }>;

const loadRoomView: Loader = () => import('./RoomView.vue');
const loadInCallView: Loader = () => import('./InCallView.vue');
const loadChatPanel: Loader = () => import('./ChatPanel.vue');
const loadStatsPanel: Loader = () => import('./StatsPanel.vue');
const loadRoomAccessPanel: Loader = () => import('./RoomAccessPanel.vue');
const loadWaitingRoomPanel: Loader = () => import('./WaitingRoomPanel.vue');
const loadNetworkTest: Loader = () => import('./NetworkTest.vue');

const MAX_ATTEMPTS = 4;

/** An async component that retries a failed chunk fetch a few times (a flaky network). */
function lazy(loader: Loader): Component {
  return defineAsyncComponent({
    loader,
    onError(_error, retry, fail, attempts) {
      if (attempts >= MAX_ATTEMPTS) fail();
      else setTimeout(retry, 500 * 2 ** attempts);
    },
  });
}

export const RoomView = lazy(loadRoomView);
export const InCallView = lazy(loadInCallView);
export const ChatPanel = lazy(loadChatPanel);
export const StatsPanel = lazy(loadStatsPanel);
export const RoomAccessPanel = lazy(loadRoomAccessPanel);
export const WaitingRoomPanel = lazy(loadWaitingRoomPanel);
export const NetworkTest = lazy(loadNetworkTest);

/**
 * Fetch every chunk of the room without waiting to render it: called when the
 * user joins (in parallel with the join's round trip) and when the room
 * shows (a reload that resumes the session skips the lobby's join).
 */
export function prefetchRoom(): void {
  for (const load of [
    loadRoomView,
    loadInCallView,
    loadNetworkTest,
    loadRoomAccessPanel,
    loadWaitingRoomPanel,
    loadChatPanel,
    loadStatsPanel,
  ]) {
    // A failure is not an error here: rendering the component tries again.
    load().catch(() => {});
  }
}
