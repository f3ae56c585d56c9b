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

let prefetched = false;

/**
 * Fetch every chunk of the room without waiting to render it: when the lobby
 * is idle (the user types a name), and at the latest when the user joins or
 * the room shows (a reload that resumes the session skips the lobby's join).
 * Only the first call does anything: Vite's preload helper inserts a
 * <link> per chunk and stylesheet, ~100 ms of main thread that must not sit
 * between the join click and the join request.
 */
export function prefetchRoom(): void {
  if (prefetched) return;
  prefetched = true;
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

/**
 * Prefetch the room's chunks once the page is idle (after the first screen
 * is drawn), and run `alsoWhenIdle` then (the lobby warms its formatters).
 */
export function prefetchRoomWhenIdle(alsoWhenIdle?: () => void): void {
  const run = (): void => {
    prefetchRoom();
    alsoWhenIdle?.();
  };
  if (typeof window.requestIdleCallback === 'function') {
    window.requestIdleCallback(run, { timeout: 2000 });
  } else {
    setTimeout(run, 500);
  }
}
