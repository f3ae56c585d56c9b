import type { UiDriver } from './driver.js';

/**
 * What a participant's page looks like at a failure: the call UI attributes,
 * the SDK's view of the call, and every peer connection's states. Printed
 * with the diagnostics so that a failure report says where it stopped.
 */
export async function pageSnapshot(ui: UiDriver): Promise<string> {
  try {
    const snapshot = await ui.evaluate(async () => {
      const el = document.querySelector('[data-testid="call-state"]');
      const call = window.__parley?.call ?? null;
      const pcs = await Promise.all(
        (window.__e2ePcProbe?.pcs ?? []).map(async (pc) => {
          const candidates: string[] = [];
          const pairs: string[] = [];
          if (pc.signalingState !== 'closed') {
            const report = await pc.getStats();
            report.forEach((s: Record<string, unknown>) => {
              if (s['type'] === 'local-candidate' || s['type'] === 'remote-candidate') {
                candidates.push(`${s['type']}:${s['candidateType']}:${s['address']}:${s['port']}`);
              }
              if (s['type'] === 'candidate-pair')
                pairs.push(`${s['state']}${s['nominated'] ? '*' : ''}`);
            });
          }
          return {
            connection: pc.connectionState,
            ice: pc.iceConnectionState,
            gathering: pc.iceGatheringState,
            signaling: pc.signalingState,
            transportPolicy: pc.getConfiguration().iceTransportPolicy,
            iceServers: (pc.getConfiguration().iceServers ?? []).map((s) => s.urls),
            candidates,
            pairs,
          };
        }),
      );
      return {
        url: location.href,
        ui: el
          ? { state: el.getAttribute('data-state'), reason: el.getAttribute('data-reason') }
          : null,
        testids: [...document.querySelectorAll('[data-testid]')]
          .map((e) => e.getAttribute('data-testid'))
          .filter((id, i, all) => all.indexOf(id) === i),
        sdk: {
          self: window.__parley?.self?.id ?? null,
          participants: [...(window.__parley?.participants.values() ?? [])].map((p) => p.name),
          call: call ? { id: call.id, state: call.state, endReason: call.endReason } : null,
        },
        pcs,
        trace: window.__e2ePcProbe?.trace ?? [],
      };
    }, undefined);
    return `${ui.label}: ${JSON.stringify(snapshot, null, 1)}`;
  } catch (error) {
    return `${ui.label}: no snapshot (${String(error)})`;
  }
}
