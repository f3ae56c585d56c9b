import { ErrorCode } from '@parley/protocol';

/**
 * Error codes raised by the SDK itself (the wire codes come from
 * `@parley/protocol`). Stable strings: the UI switches on them and
 * translates them, so they are never renamed or reused.
 */
export const ClientErrorCode = {
  /** The user (or a browser policy) refused camera/microphone access. */
  MEDIA_PERMISSION_DENIED: 'MEDIA_PERMISSION_DENIED',
  /** No camera/microphone, or the chosen one is gone. */
  MEDIA_DEVICE_NOT_FOUND: 'MEDIA_DEVICE_NOT_FOUND',
  /** The device exists but cannot be opened (another app holds it, hardware error). */
  MEDIA_DEVICE_IN_USE: 'MEDIA_DEVICE_IN_USE',
  /** The page is not a secure context (plain http from a non-localhost host): use https. */
  MEDIA_INSECURE_CONTEXT: 'MEDIA_INSECURE_CONTEXT',
  /** The browser has no getUserMedia/RTCPeerConnection, or failed in an unknown way. */
  MEDIA_UNSUPPORTED: 'MEDIA_UNSUPPORTED',
  /** The requested resolution/frame rate/etc. cannot be satisfied. */
  MEDIA_CONSTRAINTS: 'MEDIA_CONSTRAINTS',
  /** The signaling server cannot be reached. */
  SIGNALING_UNAVAILABLE: 'SIGNALING_UNAVAILABLE',
  /** The signaling server did not answer a request in time. */
  SIGNALING_TIMEOUT: 'SIGNALING_TIMEOUT',
  /** A request was made while the signaling connection is down. */
  NOT_CONNECTED: 'NOT_CONNECTED',
  /** ICE could not (re-)establish a media path, even after ICE restarts. */
  ICE_FAILED: 'ICE_FAILED',
  /** The browser cannot share the screen (no getDisplayMedia, e.g. mobile browsers). */
  SCREEN_SHARE_UNSUPPORTED: 'SCREEN_SHARE_UNSUPPORTED',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export type ParleyErrorCode = ErrorCode | ClientErrorCode;

/** Every failure the SDK reports: switch on `code`, never on `message`. */
export class ParleyError extends Error {
  readonly code: ParleyErrorCode;

  constructor(code: ParleyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ParleyError';
    this.code = code;
  }
}

export function isParleyError(err: unknown, code?: ParleyErrorCode): err is ParleyError {
  return err instanceof ParleyError && (code === undefined || err.code === code);
}

/** Wrap anything thrown into a ParleyError, keeping ParleyErrors as they are. */
export function toParleyError(
  err: unknown,
  fallback: ParleyErrorCode = ErrorCode.INTERNAL,
): ParleyError {
  if (err instanceof ParleyError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ParleyError(fallback, message, { cause: err });
}

/** What a getUserMedia failure looks like (a DOMException, OverconstrainedError or TypeError). */
interface MediaErrorLike {
  name?: unknown;
  message?: unknown;
  /** OverconstrainedError: the constraint that could not be met. */
  constraint?: unknown;
}

/**
 * Normalise a getUserMedia/enumerateDevices failure once, so the UI needs a
 * single switch. Legacy Chrome names (PermissionDeniedError, DevicesNotFoundError,
 * TrackStartError, ...) are mapped too.
 */
export function mediaErrorFromDomException(err: unknown): ParleyError {
  if (err instanceof ParleyError) return err;
  const e: MediaErrorLike = typeof err === 'object' && err !== null ? (err as MediaErrorLike) : {};
  const name = typeof e.name === 'string' ? e.name : '';
  const detail = typeof e.message === 'string' && e.message !== '' ? `: ${e.message}` : '';
  const make = (code: ParleyErrorCode, message: string) =>
    new ParleyError(code, `${message}${detail}`, { cause: err });

  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return make(
        ClientErrorCode.MEDIA_PERMISSION_DENIED,
        'Camera/microphone access was denied; allow it in the browser and retry',
      );
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return make(ClientErrorCode.MEDIA_DEVICE_NOT_FOUND, 'No camera/microphone was found');
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      // An `exact` deviceId that matches nothing is reported as overconstrained:
      // for the user that is "the device is gone", not "bad resolution".
      if (e.constraint === 'deviceId' || e.constraint === 'groupId') {
        return make(ClientErrorCode.MEDIA_DEVICE_NOT_FOUND, 'The selected device was not found');
      }
      return make(
        ClientErrorCode.MEDIA_CONSTRAINTS,
        `The device cannot satisfy the requested ${typeof e.constraint === 'string' && e.constraint !== '' ? e.constraint : 'settings'}`,
      );
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return make(
        ClientErrorCode.MEDIA_DEVICE_IN_USE,
        'The camera/microphone could not be started (in use by another application?)',
      );
    case 'TypeError':
      // getUserMedia throws TypeError for an empty or all-false constraint set.
      return make(ClientErrorCode.MEDIA_CONSTRAINTS, 'Invalid media constraints');
    case 'NotSupportedError':
      return make(ClientErrorCode.MEDIA_UNSUPPORTED, 'This browser cannot capture media');
    default:
      return make(ClientErrorCode.MEDIA_UNSUPPORTED, 'Camera/microphone could not be started');
  }
}

/**
 * A getDisplayMedia failure. Cancelling the picker is NotAllowedError, the
 * same as a refused camera: MEDIA_PERMISSION_DENIED. No support at all, or
 * constraints the browser cannot do for screens: SCREEN_SHARE_UNSUPPORTED.
 */
export function screenShareErrorFromDomException(err: unknown): ParleyError {
  if (err instanceof ParleyError) return err;
  const e: MediaErrorLike = typeof err === 'object' && err !== null ? (err as MediaErrorLike) : {};
  const name = typeof e.name === 'string' ? e.name : '';
  const detail = typeof e.message === 'string' && e.message !== '' ? `: ${e.message}` : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
    case 'InvalidStateError': // not started from a user gesture (Safari)
      return new ParleyError(
        ClientErrorCode.MEDIA_PERMISSION_DENIED,
        `Screen sharing was not allowed${detail}`,
        { cause: err },
      );
    case 'NotSupportedError':
    case 'TypeError':
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new ParleyError(
        ClientErrorCode.SCREEN_SHARE_UNSUPPORTED,
        `This browser cannot share the screen${detail}`,
        { cause: err },
      );
    default:
      return mediaErrorFromDomException(err);
  }
}

/** The parts of the page environment that decide whether getUserMedia can work. */
export interface MediaEnvironment {
  /** `window.isSecureContext` (undefined on very old browsers). */
  isSecureContext: boolean | undefined;
  /** Whether `navigator.mediaDevices.getUserMedia` exists. */
  hasGetUserMedia: boolean;
  /** `location.protocol`, e.g. 'http:'. */
  protocol: string;
  /** `location.hostname`. */
  hostname: string;
}

/** Hosts browsers treat as potentially trustworthy even over plain http. */
export function isLocalhost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  );
}

/**
 * Why media capture cannot even be attempted here, or null if it can.
 * Browsers hide `navigator.mediaDevices` on insecure pages, which looks like
 * "unsupported"; the user's real fix is https, so say that.
 */
export function mediaSupportError(env: MediaEnvironment): ParleyError | null {
  const insecure =
    env.isSecureContext === false ||
    (!env.hasGetUserMedia && env.protocol === 'http:' && !isLocalhost(env.hostname));
  if (insecure) {
    return new ParleyError(
      ClientErrorCode.MEDIA_INSECURE_CONTEXT,
      'Camera and microphone need a secure page: open this site over https:// (or on localhost)',
    );
  }
  if (!env.hasGetUserMedia) {
    return new ParleyError(
      ClientErrorCode.MEDIA_UNSUPPORTED,
      'This browser does not support camera/microphone capture',
    );
  }
  return null;
}

/** The current page's environment (browser only). */
export function currentMediaEnvironment(): MediaEnvironment {
  const hasWindow = typeof window !== 'undefined';
  const hasNavigator = typeof navigator !== 'undefined';
  return {
    isSecureContext: hasWindow ? window.isSecureContext : undefined,
    hasGetUserMedia:
      hasNavigator &&
      typeof navigator.mediaDevices === 'object' &&
      navigator.mediaDevices !== null &&
      typeof navigator.mediaDevices.getUserMedia === 'function',
    protocol: hasWindow ? window.location.protocol : '',
    hostname: hasWindow ? window.location.hostname : '',
  };
}
