// The textbook mesh meeting the meeting benchmark compares Parley with: the
// newcomer offers to everyone already in the room, one RTCPeerConnection per
// pair, trickle ICE over a bare Socket.IO relay (meshRelay in
// baselineServer.mjs), no perfect negotiation, no validation, no call state.
// Messages of each pair are applied in arrival order (a promise chain), the
// least a working tutorial does.
/* global io */
const socket = io('/mesh', { transports: ['websocket'] });
const peers = new Map(); // socket id -> { pc, chain }
let stream = null;

window.bench = { ready: false };

function peer(id) {
  let p = peers.get(id);
  if (p) return p;
  const pc = new RTCPeerConnection();
  p = { pc, chain: Promise.resolve() };
  peers.set(id, p);
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  pc.onicecandidate = (e) =>
    socket.emit('signal', { to: id, candidate: e.candidate && e.candidate.toJSON() });
  pc.ontrack = (e) => {
    let video = document.getElementById(`v-${id}`);
    if (!video) {
      video = document.createElement('video');
      video.id = `v-${id}`;
      // Not muted: a meeting plays everyone's voice (Parley's tiles do too,
      // and Chromium decodes received audio only for a page that plays it).
      video.autoplay = true;
      video.playsInline = true;
      document.getElementById('remotes').append(video);
    }
    video.srcObject = e.streams[0];
  };
  return p;
}

const inOrder = (p, fn) => (p.chain = p.chain.then(fn).catch(console.error));

socket.on('signal', ({ from, description, candidate }) => {
  const p = peer(from);
  inOrder(p, async () => {
    if (description) {
      await p.pc.setRemoteDescription(description);
      if (description.type === 'offer') {
        await p.pc.setLocalDescription();
        socket.emit('signal', { to: from, description: p.pc.localDescription.toJSON() });
      }
    } else if (candidate) {
      await p.pc.addIceCandidate(candidate);
    }
  });
});

// Enter the meeting (the benchmark calls this at the moment it "clicks"):
// the relay answers with who is there, and we offer to each of them.
window.join = (room) =>
  new Promise((resolve) => {
    socket.emit('join', room, (others) => {
      for (const id of others) {
        const p = peer(id);
        inOrder(p, async () => {
          await p.pc.setLocalDescription();
          socket.emit('signal', { to: id, description: p.pc.localDescription.toJSON() });
        });
      }
      resolve(others.length);
    });
  });

(async () => {
  // The same capture as Parley's defaults (packages/client/src/mediaConstraints.ts).
  stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
  });
  await new Promise((r) => (socket.connected ? r() : socket.once('connect', r)));
  window.bench.ready = true;
})();
