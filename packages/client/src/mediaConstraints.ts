/** getUserMedia constraints (pure, unit-tested). */

export interface VideoConstraintOptions {
  width?: number | undefined;
  height?: number | undefined;
  frameRate?: number | undefined;
}

export interface MediaStartOptions {
  /** Capture the microphone (default true). */
  audio?: boolean | undefined;
  /** Capture the camera (default true). */
  video?: boolean | undefined;
  /** Microphone to use (exact); default: the browser's default one. */
  audioDeviceId?: string | undefined;
  /** Camera to use (exact); default: the browser's default one. */
  videoDeviceId?: string | undefined;
  /**
   * Ideal capture size/rate. The defaults suit a real call (1280x720 at
   * 30 fps); tests with fake cameras may ask for less.
   */
  videoConstraints?: VideoConstraintOptions | undefined;
}

export const DEFAULT_VIDEO_CONSTRAINTS: { width: number; height: number; frameRate: number } = {
  width: 1280,
  height: 720,
  frameRate: 30,
};

/** Voice processing on: a call without echo cancellation is unusable on laptops. */
export const DEFAULT_AUDIO_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/**
 * Track constraints for one kind. Sizes are `ideal` (a camera that cannot do
 * 720p still works); a chosen device is `exact` (silently getting another
 * camera would be worse than an error).
 */
export function trackConstraints(
  kind: 'audio' | 'video',
  deviceId: string | undefined,
  video: VideoConstraintOptions = {},
): MediaTrackConstraints {
  const base: MediaTrackConstraints =
    kind === 'audio'
      ? { ...DEFAULT_AUDIO_CONSTRAINTS }
      : {
          width: { ideal: video.width ?? DEFAULT_VIDEO_CONSTRAINTS.width },
          height: { ideal: video.height ?? DEFAULT_VIDEO_CONSTRAINTS.height },
          frameRate: { ideal: video.frameRate ?? DEFAULT_VIDEO_CONSTRAINTS.frameRate },
        };
  if (deviceId !== undefined && deviceId !== '') base.deviceId = { exact: deviceId };
  return base;
}

/** Full getUserMedia constraints for start(). */
export function startConstraints(options: MediaStartOptions): MediaStreamConstraints {
  return {
    audio: options.audio === false ? false : trackConstraints('audio', options.audioDeviceId),
    video:
      options.video === false
        ? false
        : trackConstraints('video', options.videoDeviceId, options.videoConstraints),
  };
}
