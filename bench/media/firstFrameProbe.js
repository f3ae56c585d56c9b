// Injected into the pages of the media benchmarks (Parley's app and the
// textbook pages) before any of their scripts, so that the first remote frame
// is observed in exactly the same way on both: every RTCPeerConnection the
// page makes is remembered, and once armed, a 2 ms poll reads the video
// receivers' synchronization sources. Chromium fills them in when a decoded
// frame is delivered; the read is synchronous (no getStats round trip to the
// media threads, which would itself delay the media it measures).
// It also keeps, per connection, when it was made and when it connected
// (DTLS), and the page's long tasks, for the meetings' breakdown.
(() => {
  const Native = window.RTCPeerConnection;
  const pcs = [];
  const trace = new Map(); // pc -> { createdAt, connectedAt, firstFrameAt }
  class Probed extends Native {
    constructor(...args) {
      super(...args);
      pcs.push(this);
      const t = {
        createdAt: Date.now(),
        localAt: null,
        remoteAt: null,
        iceAt: null,
        connectedAt: null,
        firstFrameAt: null,
      };
      trace.set(this, t);
      this.addEventListener('iceconnectionstatechange', () => {
        if (this.iceConnectionState === 'connected' && t.iceAt === null) t.iceAt = Date.now();
      });
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected' && t.connectedAt === null)
          t.connectedAt = Date.now();
      });
    }
    // When the first local / remote description was applied (offer or answer).
    async setLocalDescription(...args) {
      await super.setLocalDescription(...args);
      const t = trace.get(this);
      if (t.localAt === null) t.localAt = Date.now();
    }
    async setRemoteDescription(...args) {
      await super.setRemoteDescription(...args);
      const t = trace.get(this);
      if (t.remoteAt === null) t.remoteAt = Date.now();
    }
  }
  window.RTCPeerConnection = Probed;
  window.__benchPcs = pcs;
  const longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        longTasks.push({ at: performance.timeOrigin + e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: false });
  } catch {
    // No long-task timing in this browser: the breakdown goes without it.
  }
  const decodes = (pc) =>
    pc
      .getReceivers()
      .some((r) => r.track.kind === 'video' && r.getSynchronizationSources().length > 0);
  window.__benchFirstFrameAt = null;
  window.__benchArmFirstFrame = () => {
    window.__benchFirstFrameAt = null;
    const tick = () => {
      for (const pc of pcs) {
        if (pc.connectionState === 'closed') continue;
        if (decodes(pc)) {
          window.__benchFirstFrameAt = Date.now();
          return;
        }
      }
      setTimeout(tick, 2);
    };
    tick();
  };
  /**
   * Remote peers whose video this page decodes (one per open connection). A
   * connection counts from its first decoded frame on and is not read again:
   * each read is a blocking hop to the media thread, and polling the flows
   * that already run would load the pages it measures.
   */
  const decodingFlows = () => {
    let flows = 0;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const t = trace.get(pc);
      if (t.firstFrameAt === null && decodes(pc)) t.firstFrameAt = Date.now();
      if (t.firstFrameAt !== null) flows += 1;
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
  /** What happened on this page since `since` (epoch ms): the connections made and the long tasks. */
  window.__benchTrace = (since) => ({
    pcs: pcs
      .filter((pc) => pc.connectionState !== 'closed' && trace.get(pc).createdAt >= since)
      .map((pc) => trace.get(pc)),
    longTasks: longTasks.filter((l) => l.at >= since),
  });
})();
