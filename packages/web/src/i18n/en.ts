/**
 * English UI strings: the reference shape every other locale must match
 * (zh-CN.ts is typed against it, so a missing key fails the type check).
 *
 * vue-i18n treats `{ } @ $ |` as syntax: none may appear literally here.
 */
const en = {
  app: {
    title: 'Parley',
    tagline: 'Audio and video calls in your browser',
    reconnecting: 'Connection to the server lost. Reconnecting…',
    disconnected: 'Not connected to the server.',
    reconnect: 'Reconnect',
    dismiss: 'Dismiss',
  },
  lang: {
    label: 'Language',
    en: 'English',
    'zh-CN': '中文（简体）',
  },
  lobby: {
    heading: 'Join a room',
    name: 'Your name',
    namePlaceholder: 'e.g. Alice',
    room: 'Room',
    roomPlaceholder: 'e.g. team-standup',
    roomHint: 'Letters, digits, - and _. Anyone with the room name can join.',
    createRoom: 'Create a new room',
    join: 'Join',
    joining: 'Joining…',
    preview: 'Your camera preview',
    noCamera: 'No camera',
    cameraIsOff: 'Your camera is off',
    turnCameraOn: 'Turn camera on',
    unmuteMic: 'Unmute microphone',
    startingMedia: 'Starting camera and microphone…',
    retryMedia: 'Try camera and microphone again',
    joinWithoutMedia: 'You can still join: others will not see or hear you until this is fixed.',
    devices: 'Devices',
    camera: 'Camera',
    mic: 'Microphone',
    speaker: 'Speaker',
    defaultDevice: 'Default',
    unnamedDevice: 'Device {n}',
  },
  validation: {
    INVALID_NAME: 'Enter your name (1 to {max} characters).',
    INVALID_ROOM: 'Enter a room name: letters, digits, - and _ only (up to {max} characters).',
  },
  room: {
    heading: 'Room {room}',
    you: 'You are {name}',
    shareLink: 'Invite link',
    copy: 'Copy link',
    copied: 'Link copied',
    copyFailed: 'Copy failed: select the link and copy it by hand.',
    leave: 'Leave room',
    participants: 'People in this room',
    empty: 'Nobody else is here yet. Send the invite link to someone.',
    call: 'Call',
    callPerson: 'Call {name}',
    micOn: 'Microphone on',
    micOff: 'Microphone off',
    cameraOn: 'Camera on',
    cameraOff: 'Camera off',
    mediaProblem: 'Your camera or microphone is not working:',
  },
  callState: {
    idle: 'No call',
    'ringing-out': 'Calling {name}…',
    'ringing-in': '{name} is calling you',
    connecting: 'Connecting to {name}…',
    active: 'In a call with {name}',
    reconnecting: 'Connection to {name} interrupted. Reconnecting…',
    ended: 'Call ended',
  },
  endReason: {
    declined: 'Call declined',
    busy: '{name} is busy in another call',
    missed: 'No answer',
    cancelled: 'Call cancelled',
    'hung-up': 'Call ended',
    left: '{name} left the room',
    disconnected: 'Call ended: the connection was lost',
    failed: 'The call could not be connected',
  },
  someone: 'the other person',
  outgoing: {
    heading: 'Calling {name}…',
    cancel: 'Cancel call',
  },
  incoming: {
    heading: '{name} is calling you',
    accept: 'Accept',
    decline: 'Decline',
  },
  inCall: {
    remoteVideo: 'Video of {name}',
    localVideo: 'Your camera',
    waitingVideo: 'Waiting for video from {name}…',
    mute: 'Mute',
    stopCamera: 'Camera off',
    hangup: 'Hang up',
    remoteMuted: '{name} is muted',
    remoteCameraOff: "{name}'s camera is off",
    controls: 'Call controls',
    iceFailed:
      'The connection to {name} failed: your networks cannot reach each other directly and no relay (TURN) is available. Ask your administrator to configure TURN, or try another network.',
  },
  connectionType: {
    label: 'Connection',
    direct: 'Direct',
    relay: 'Relayed (TURN)',
    unknown: 'Checking…',
  },
  networkTest: {
    heading: 'Network check',
    intro: 'Check whether calls from this network can connect directly or need a relay.',
    button: 'Test my network',
    running: 'Testing…',
    verdict: {
      direct: 'Direct connections should work',
      'relay-only': 'Your network blocks UDP: calls will be relayed',
      'no-relay': 'No relay reachable: calls across networks will fail',
      'local-only': 'No STUN/TURN configured: calls work on this network only',
    },
    checks: {
      stun: 'STUN',
      turnUdp: 'TURN over UDP',
      turnTcp: 'TURN over TCP',
      turnTls: 'TURN over TLS',
    },
    check: {
      ok: 'OK',
      failed: 'Failed',
      'not-configured': 'Not configured',
    },
  },
  errors: {
    // Wire error codes (@parley/protocol ErrorCode)
    INVALID_MESSAGE: 'The server rejected the request as malformed. Reload the page and try again.',
    PAYLOAD_TOO_LARGE: 'The request was too large for the server.',
    RATE_LIMITED: 'Too many requests in a short time. Wait a moment and try again.',
    ROOM_FULL: 'This room is full ({max} people max)',
    ROOM_FULL_NO_MAX: 'This room is full',
    NOT_IN_ROOM: 'You are no longer in the room. Join it again.',
    ALREADY_IN_ROOM: 'You are already in a room. Leave it first.',
    PEER_NOT_FOUND: 'That person is no longer in the room.',
    CALL_NOT_FOUND: 'That call no longer exists.',
    BUSY: 'That person is already in another call.',
    CALL_FULL: 'This call is full.',
    INVALID_STATE: 'That is not possible right now.',
    UNAUTHORIZED: 'The server refused the connection from this page.',
    PROTOCOL_VERSION_MISMATCH: 'This page is out of date. Reload it to get the current version.',
    INTERNAL: 'The server ran into a problem. Try again.',
    // SDK error codes (@parley/client ClientErrorCode)
    MEDIA_PERMISSION_DENIED:
      'Camera and microphone access is blocked. Click the camera icon or the lock in the address bar, allow camera and microphone for this site, then press “Try camera and microphone again”.',
    MEDIA_DEVICE_NOT_FOUND: 'No camera or microphone was found. Connect one and try again.',
    MEDIA_DEVICE_IN_USE:
      'Your camera or microphone is being used by another application. Close that application and try again.',
    MEDIA_INSECURE_CONTEXT:
      'Camera and microphone need a secure page: open this site over https:// (or on localhost)',
    MEDIA_UNSUPPORTED:
      'This browser cannot use a camera or microphone here. Try a current Chrome, Firefox or Safari.',
    MEDIA_CONSTRAINTS:
      'The selected device cannot provide the requested audio or video. Choose another device.',
    SIGNALING_UNAVAILABLE: 'Cannot reach the Parley server. Check your network and try again.',
    SIGNALING_TIMEOUT: 'The server did not answer in time. Try again.',
    NOT_CONNECTED: 'Not connected to the server yet. Try again in a moment.',
    ICE_FAILED:
      'The media connection failed: your networks cannot reach each other and no relay (TURN) is available.',
    UNKNOWN: 'Something went wrong (code {code}).',
  },
};

export default en;
export type MessageSchema = typeof en;
