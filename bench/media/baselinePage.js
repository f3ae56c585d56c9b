// The textbook 1:1 call the media benchmark compares Parley with: one
// RTCPeerConnection, the caller offers when the callee accepts, trickle ICE
// over a bare Socket.IO relay, no perfect negotiation, no validation, no
// call state. Messages are applied in arrival order (a promise chain), the
// least a working tutorial does.
/* global io */
const socket = io({ transports: ['websocket'] });
const pc = new RTCPeerConnection();
let chain = Promise.resolve();
const inOrder = (fn) => (arg) => (chain = chain.then(() => fn(arg)).catch(console.error));

// The first decoded frame is observed by the benchmark's own probe, the
// same in this page and in Parley's (bench/media/firstFrameProbe.js).
window.bench = { acceptAt: null, ready: false };

pc.onicecandidate = (e) => socket.emit('candidate', e.candidate && e.candidate.toJSON());
pc.ontrack = (e) => {
  document.getElementById('remote').srcObject = e.streams[0];
};
socket.on(
  'offer',
  inOrder(async (offer) => {
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription();
    socket.emit('answer', pc.localDescription.toJSON());
  }),
);
socket.on(
  'answer',
  inOrder((answer) => pc.setRemoteDescription(answer)),
);
socket.on(
  'candidate',
  inOrder((c) => (c ? pc.addIceCandidate(c) : undefined)),
);
// Caller: the callee accepted, make the offer.
socket.on(
  'accepted',
  inOrder(async () => {
    await pc.setLocalDescription();
    socket.emit('offer', pc.localDescription.toJSON());
  }),
);

// Callee: accept (the benchmark calls this at the moment it "clicks").
window.accept = () => {
  window.bench.acceptAt = Date.now();
  socket.emit('accept');
};

(async () => {
  // The same capture as Parley's defaults (packages/client/src/mediaConstraints.ts),
  // so that both encode and decode the same pictures.
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
  });
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  await new Promise((r) => (socket.connected ? r() : socket.once('connect', r)));
  window.bench.ready = true;
})();
