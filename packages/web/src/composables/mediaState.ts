import { MediaEvent, type DeviceList, type ParleyClient } from '@parley/client';
import type { MediaState } from '@parley/protocol';
import { readonly, ref, shallowRef, type ShallowRef } from 'vue';
import type { UiError } from '../i18n/describeError';
import { toUiError } from './notices';

/**
 * Our own media as the UI sees it, over the SDK's LocalMedia: the local
 * stream and its mute/camera state, the devices and the chosen ones, the
 * screen share and the speaker; with the actions that change them. Split
 * out of useParley, which composes it, so capture (and its one in-flight
 * start) lives in one piece. Media failures show as `mediaError`; the rest
 * go to the room's `notice`, which useParley shares with it.
 */

function copyMediaState(state: MediaState): MediaState {
  return { audio: state.audio, video: state.video, screen: state.screen };
}

/** Media failures where the microphone alone may still work. */
const AUDIO_ONLY_FALLBACK: ReadonlySet<string> = new Set([
  'MEDIA_DEVICE_NOT_FOUND',
  'MEDIA_DEVICE_IN_USE',
  'MEDIA_CONSTRAINTS',
]);

export function createMediaState(client: ParleyClient, notice: ShallowRef<UiError | null>) {
  const media = client.media;
  const localStream = shallowRef<MediaStream | null>(media.stream);
  const mediaState = ref<MediaState>(copyMediaState(media.state));
  const mediaStarting = ref(false);
  const mediaError = shallowRef<UiError | null>(null);
  const screenStream = shallowRef<MediaStream | null>(media.screenStream);
  /** Phones (and old browsers) have no getDisplayMedia: no screen-share button there. */
  const screenShareSupported =
    typeof navigator !== 'undefined' &&
    typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  const audioOutputSupported = media.audioOutputSupported;
  const devices = shallowRef<DeviceList>({ audioinput: [], videoinput: [], audiooutput: [] });
  const cameraId = ref('');
  const micId = ref('');
  /** The chosen audio output; every audible media element applies it through the SDK. */
  const speakerId = ref(media.selectedDevices.audiooutput ?? '');

  media.on(MediaEvent.StreamChanged, (stream) => {
    localStream.value = stream;
  });
  media.on(MediaEvent.StateChanged, (state) => {
    mediaState.value = copyMediaState(state);
  });
  media.on(MediaEvent.DevicesChanged, (list) => {
    devices.value = list;
  });
  media.on(MediaEvent.ScreenChanged, (stream) => {
    screenStream.value = stream;
  });
  media.on(MediaEvent.AudioOutputChanged, () => {
    speakerId.value = media.selectedDevices.audiooutput ?? '';
  });

  async function refreshDevices(): Promise<void> {
    try {
      devices.value = await media.listDevices();
    } catch (error) {
      console.warn('Could not list media devices', error);
    }
    const selected = media.selectedDevices;
    cameraId.value = selected.videoinput ?? '';
    micId.value = selected.audioinput ?? '';
  }

  /** The capture in progress: a second caller (a resume racing the lobby's preview) waits for it. */
  let mediaStart: Promise<void> | null = null;

  /**
   * Start camera and microphone. If the camera is the problem (missing, busy,
   * unable to satisfy the constraints) fall back to the microphone alone, so
   * the user can still talk; the camera error stays visible either way.
   */
  function startMedia(): Promise<void> {
    if (mediaStart) return mediaStart;
    mediaStarting.value = true;
    mediaStart = captureMedia().finally(() => {
      mediaStart = null;
      mediaStarting.value = false;
    });
    return mediaStart;
  }

  async function captureMedia(): Promise<void> {
    const devicesChosen = {
      ...(cameraId.value ? { videoDeviceId: cameraId.value } : {}),
      ...(micId.value ? { audioDeviceId: micId.value } : {}),
    };
    try {
      await media.start(devicesChosen);
      mediaError.value = null;
    } catch (error) {
      mediaError.value = toUiError(error);
      if (AUDIO_ONLY_FALLBACK.has(mediaError.value.code)) {
        try {
          await media.start({ ...devicesChosen, video: false });
        } catch {
          // No microphone either: the first error says what to fix.
        }
      }
    }
    localStream.value = media.stream;
    mediaState.value = copyMediaState(media.state);
    await refreshDevices();
  }

  async function toggleScreenShare(): Promise<void> {
    notice.value = null;
    try {
      if (media.screenStream) await media.stopScreenShare();
      else await media.startScreenShare();
    } catch (error) {
      const uiError = toUiError(error);
      // Refusing the browser's picker is a choice, not a broken camera: say it plainly.
      notice.value =
        uiError.code === 'MEDIA_PERMISSION_DENIED' ? { code: 'SCREEN_SHARE_DENIED' } : uiError;
    }
    screenStream.value = media.screenStream;
  }

  async function selectSpeaker(deviceId: string): Promise<void> {
    try {
      await media.selectAudioOutput(deviceId);
    } catch (error) {
      notice.value = toUiError(error);
    }
    speakerId.value = media.selectedDevices.audiooutput ?? '';
  }

  /** Route an audible element to the chosen speaker (a no-op where unsupported). */
  function applyAudioOutput(element: HTMLMediaElement): void {
    media.applyAudioOutput(element).catch((error: unknown) => {
      console.warn('Could not switch the audio output', error);
    });
  }

  /** Mute/unmute or camera on/off: `change` asks the SDK; the state shown is what it did. */
  async function setTrackEnabled(change: () => Promise<unknown>): Promise<void> {
    try {
      await change();
    } catch (error) {
      notice.value = toUiError(error);
    }
    mediaState.value = copyMediaState(media.state);
  }

  /** Switch one input while capturing (`switchInput`); with no stream yet, start capture with it. */
  async function switchInput(switchTo: () => Promise<unknown>): Promise<void> {
    if (!media.stream) return startMedia();
    try {
      await switchTo();
      mediaError.value = null;
    } catch (error) {
      mediaError.value = toUiError(error);
    }
    localStream.value = media.stream;
  }

  function switchCamera(deviceId: string): Promise<void> {
    cameraId.value = deviceId;
    return switchInput(() => media.switchVideoInput(deviceId));
  }

  function switchMic(deviceId: string): Promise<void> {
    micId.value = deviceId;
    return switchInput(() => media.switchAudioInput(deviceId));
  }

  return {
    localStream,
    screenStream,
    screenShareSupported,
    audioOutputSupported,
    mediaState: readonly(mediaState),
    mediaStarting: readonly(mediaStarting),
    mediaError,
    devices,
    cameraId: readonly(cameraId),
    micId: readonly(micId),
    speakerId: readonly(speakerId),
    startMedia,
    refreshDevices,
    toggleScreenShare,
    selectSpeaker,
    applyAudioOutput,
    setMicEnabled: (enabled: boolean) => setTrackEnabled(() => media.setAudioEnabled(enabled)),
    setCameraEnabled: (enabled: boolean) => setTrackEnabled(() => media.setVideoEnabled(enabled)),
    switchCamera,
    switchMic,
  };
}

export type MediaStateStore = ReturnType<typeof createMediaState>;
