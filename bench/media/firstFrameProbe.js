// Injected into the pages of the media benchmarks (Parley's app and the
// textbook pages) before any of their scripts, so that the first remote frame
// is observed in exactly the same way on both: every RTCPeerConnection the
// page makes is remembered, and once armed, a 2 ms poll reads the video
// receivers' synchronization sources. Chromium fills them in when a decoded
// frame is delivered; the read is synchronous (no getStats round trip to the
// media threads, which would itself delay the media it measures).
(() => {
  const Native = window.RTCPeerConnection;
  const pcs = [];
  class Probed extends Native {
    constructor(...args) {
      super(...args);
      pcs.push(this);
    }
  }
  window.RTCPeerConnection = Probed;
  window.__benchFirstFrameAt = null;
  window.__benchArmFirstFrame = () => {
    window.__benchFirstFrameAt = null;
    const tick = () => {
      for (const pc of pcs) {
        if (pc.connectionState === 'closed') continue;
        for (const r of pc.getReceivers()) {
          if (r.track.kind === 'video' && r.getSynchronizationSources().length > 0) {
            window.__benchFirstFrameAt = Date.now();
            return;
          }
        }
      }
      setTimeout(tick, 2);
    };
    tick();
  };
  /** Remote peers whose video this page decodes now (one per connection). */
  const decodingFlows = () => {
    let flows = 0;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      if (
        pc
          .getReceivers()
          .some((r) => r.track.kind === 'video' && r.getSynchronizationSources().length > 0)
      )
        flows += 1;
    }
    return flows;
  };
  window.__benchFlows = decodingFlows;
  // Meetings: the moment this page decodes the video of `count` peers.
  window.__benchAllFlowsAt = null;
  window.__benchArmFlows = (count) => {
    window.__benchAllFlowsAt = null;
    const tick = () => {
      if (decodingFlows() >= count) window.__benchAllFlowsAt = Date.now();
      else setTimeout(tick, 2);
    };
    tick();
  };
})();
