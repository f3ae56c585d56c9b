import { inject, shallowRef, type InjectionKey, type ShallowRef } from 'vue';

/**
 * A tiny history router (the app has two screens, vue-router would be
 * overkill): `/` is the lobby with an empty room, `/r/<room>` the lobby of
 * that room. Whether the user has joined is session state, not URL state.
 */
export interface Route {
  room: string | null;
}

/** Parameters read once at page load. */
export interface LaunchParams {
  name: string;
  relay: boolean;
  lang: string | null;
  /** `?video=WxH@fps`: camera capture size for tests and slow links; null = SDK default. */
  video: VideoSize | null;
}

/**
 * A capture size as plain numbers: valid both as MediaTrackConstraints
 * (a bare number is an ideal value) and as the SDK's video options.
 */
export interface VideoSize {
  width: number;
  height: number;
  frameRate?: number;
}

const VIDEO_PARAM = /^(\d{1,4})x(\d{1,4})(?:@(\d{1,3}))?$/;

/** Parse `320x180@15` (frame rate optional); anything out of range is ignored. */
export function parseVideoParam(value: string | null): VideoSize | null {
  const match = value === null ? null : VIDEO_PARAM.exec(value.trim());
  if (!match) return null;
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (width < 16 || width > 3840 || height < 16 || height > 2160) return null;
  if (match[3] === undefined) return { width, height };
  const frameRate = Number(match[3]);
  if (frameRate < 1 || frameRate > 60) return null;
  return { width, height, frameRate };
}

const ROOM_PATH = /^\/r\/([^/]+)\/?$/;

export function parseRoute(pathname: string): Route {
  const match = ROOM_PATH.exec(pathname);
  if (!match?.[1]) return { room: null };
  try {
    return { room: decodeURIComponent(match[1]) };
  } catch {
    // A malformed %-escape: treat it like an unknown path.
    return { room: null };
  }
}

export function readLaunchParams(search: string): LaunchParams {
  const params = new URLSearchParams(search);
  return {
    name: params.get('name') ?? '',
    relay: params.get('relay') === '1',
    lang: params.get('lang'),
    video: parseVideoParam(params.get('video')),
  };
}

export function roomPath(room: string): string {
  return `/r/${encodeURIComponent(room)}`;
}

/** The link to send to others: no query string, so one's own name or options never leak. */
export function shareUrl(room: string): string {
  return new URL(roomPath(room), window.location.origin).href;
}

export interface Router {
  route: ShallowRef<Route>;
  /** Go to a path, keeping the query string (?relay=1, ?lang= survive a reload). */
  push(path: string): void;
}

export function createRouter(): Router {
  const route = shallowRef(parseRoute(window.location.pathname));
  window.addEventListener('popstate', () => {
    route.value = parseRoute(window.location.pathname);
  });
  return {
    route,
    push(path) {
      if (path === window.location.pathname) return;
      window.history.pushState(null, '', path + window.location.search);
      route.value = parseRoute(path);
    },
  };
}

export const RouterKey: InjectionKey<Router> = Symbol('Router');

export function useRouter(): Router {
  const router = inject(RouterKey);
  if (!router) throw new Error('useRouter() used outside the Parley app');
  return router;
}
