import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RECOVERY_TIMING,
  decideOnDescription,
  isAnswerExpected,
  isCurrentGeneration,
  isIceRestart,
  isPolite,
  nextPeerSessionState,
  nextRestartDelayMs,
  type RestartTrigger,
  type PeerSessionInput,
  type PeerSessionState,
} from './negotiation.js';

describe('isPolite', () => {
  it('exactly one of two peers is polite, and both ends agree', () => {
    expect(isPolite('aaa', 'bbb')).toBe(true);
    expect(isPolite('bbb', 'aaa')).toBe(false);
    expect(isPolite('Zed', 'abe')).toBe(true); // code-unit order: 'Z' < 'a'
    expect(isPolite('abe', 'Zed')).toBe(false);
  });
});

describe('decideOnDescription (perfect negotiation)', () => {
  const stable = {
    descriptionType: 'offer' as const,
    polite: false,
    makingOffer: false,
    signalingState: 'stable' as RTCSignalingState,
    isSettingRemoteAnswerPending: false,
  };

  it('an offer in stable state is taken by either side', () => {
    expect(decideOnDescription(stable)).toEqual({ offerCollision: false, ignoreOffer: false });
    expect(decideOnDescription({ ...stable, polite: true })).toEqual({
      offerCollision: false,
      ignoreOffer: false,
    });
  });

  it('glare while making an offer: impolite ignores, polite yields (rolls back)', () => {
    const glare = { ...stable, makingOffer: true };
    expect(decideOnDescription(glare)).toEqual({ offerCollision: true, ignoreOffer: true });
    expect(decideOnDescription({ ...glare, polite: true })).toEqual({
      offerCollision: true,
      ignoreOffer: false,
    });
  });

  it('glare with our offer already applied (have-local-offer)', () => {
    const glare = { ...stable, signalingState: 'have-local-offer' as RTCSignalingState };
    expect(decideOnDescription(glare).ignoreOffer).toBe(true);
    expect(decideOnDescription({ ...glare, polite: true }).ignoreOffer).toBe(false);
  });

  it('no collision while an answer is being applied', () => {
    const d = decideOnDescription({
      ...stable,
      signalingState: 'have-local-offer',
      isSettingRemoteAnswerPending: true,
    });
    expect(d).toEqual({ offerCollision: false, ignoreOffer: false });
  });

  it('an answer never collides', () => {
    const d = decideOnDescription({
      ...stable,
      descriptionType: 'answer',
      makingOffer: true,
      signalingState: 'have-local-offer',
    });
    expect(d).toEqual({ offerCollision: false, ignoreOffer: false });
  });

  it('answers are only expected in have-local-offer', () => {
    expect(isAnswerExpected('have-local-offer')).toBe(true);
    for (const s of ['stable', 'have-remote-offer', 'closed'] as RTCSignalingState[]) {
      expect(isAnswerExpected(s)).toBe(false);
    }
  });
});

describe('ICE generations', () => {
  it('a remote offer with new credentials is an ICE restart', () => {
    expect(isIceRestart(new Set(['a']), new Set(['b']))).toBe(true);
    expect(isIceRestart(new Set(['a']), new Set(['a']))).toBe(false);
    expect(isIceRestart(new Set(), new Set(['a']))).toBe(false); // first offer
  });

  it('candidates of a replaced generation are not current', () => {
    const current = new Set(['new1']);
    expect(isCurrentGeneration('new1', current)).toBe(true);
    expect(isCurrentGeneration('old1', current)).toBe(false);
    expect(isCurrentGeneration(undefined, current)).toBe(true);
    expect(isCurrentGeneration(null, current)).toBe(true);
    expect(isCurrentGeneration('', current)).toBe(true);
    expect(isCurrentGeneration('x', new Set())).toBe(true);
  });
});

describe('nextPeerSessionState', () => {
  const run = (inputs: PeerSessionInput[], from: PeerSessionState = 'new') =>
    inputs.reduce(nextPeerSessionState, from);

  it('new -> negotiating -> connected', () => {
    expect(run([{ type: 'signaling', state: 'have-local-offer' }])).toBe('negotiating');
    expect(run([{ type: 'connection', state: 'connecting' }])).toBe('negotiating');
    expect(
      run([
        { type: 'signaling', state: 'have-remote-offer' },
        { type: 'signaling', state: 'stable' },
        { type: 'connection', state: 'connecting' },
        { type: 'connection', state: 'connected' },
      ]),
    ).toBe('connected');
  });

  it('stable signaling alone does not leave new', () => {
    expect(run([{ type: 'signaling', state: 'stable' }])).toBe('new');
  });

  it('connected <-> recovering on disconnected/failed/restart', () => {
    expect(run([{ type: 'connection', state: 'disconnected' }], 'connected')).toBe('recovering');
    expect(run([{ type: 'connection', state: 'failed' }], 'connected')).toBe('recovering');
    expect(run([{ type: 'restarting' }], 'connected')).toBe('recovering');
    expect(run([{ type: 'connection', state: 'connecting' }], 'recovering')).toBe('recovering');
    expect(run([{ type: 'connection', state: 'connected' }], 'recovering')).toBe('connected');
  });

  it('renegotiation while connected keeps connected', () => {
    expect(run([{ type: 'signaling', state: 'have-local-offer' }], 'connected')).toBe('connected');
  });

  it('closed and failed are terminal', () => {
    expect(run([{ type: 'gaveUp' }], 'recovering')).toBe('failed');
    expect(run([{ type: 'close' }], 'connected')).toBe('closed');
    expect(run([{ type: 'connection', state: 'closed' }], 'connected')).toBe('closed');
    expect(run([{ type: 'signaling', state: 'closed' }], 'negotiating')).toBe('closed');
    for (const terminal of ['closed', 'failed'] as const) {
      expect(
        run(
          [
            { type: 'connection', state: 'connected' },
            { type: 'restarting' },
            { type: 'close' },
            { type: 'gaveUp' },
          ],
          terminal,
        ),
      ).toBe(terminal);
    }
  });
});

describe('nextRestartDelayMs (ICE recovery policy)', () => {
  const t = DEFAULT_RECOVERY_TIMING;
  const ctx = (trigger: RestartTrigger, restarts = 0, polite = false) => ({
    trigger,
    restarts,
    polite,
  });

  it('after a failure waits before the first restart, so one restart covers a long blackout', () => {
    expect(nextRestartDelayMs(ctx('failed'))).toBe(t.firstRestartDelayMs);
    expect(t.firstRestartDelayMs).toBeGreaterThanOrEqual(10_000);
  });

  it('retries at once when a restart failed, and when the network changed', () => {
    expect(nextRestartDelayMs(ctx('restart-failed', 1))).toBe(t.retryDelayMs);
    expect(nextRestartDelayMs(ctx('failed', 1))).toBe(t.retryDelayMs);
    expect(nextRestartDelayMs(ctx('network-changed', 1))).toBe(0);
    expect(nextRestartDelayMs(ctx('setup-timeout'))).toBe(0);
  });

  it('the polite side waits longer, so normally only the impolite side restarts', () => {
    for (const trigger of ['failed', 'restart-failed', 'network-changed'] as const) {
      expect(nextRestartDelayMs(ctx(trigger, 0, true))).toBe(
        (nextRestartDelayMs(ctx(trigger, 0, false)) ?? 0) + t.politeExtraDelayMs,
      );
    }
  });

  it('gives up after maxRestarts in one episode (bounded, no storm)', () => {
    expect(nextRestartDelayMs(ctx('restart-failed', t.maxRestarts - 1))).not.toBeNull();
    expect(nextRestartDelayMs(ctx('restart-failed', t.maxRestarts))).toBeNull();
    expect(nextRestartDelayMs(ctx('network-changed', t.maxRestarts))).toBeNull();
  });

  it('honours custom timing', () => {
    expect(
      nextRestartDelayMs(ctx('failed', 0, true), {
        ...t,
        firstRestartDelayMs: 100,
        politeExtraDelayMs: 10,
      }),
    ).toBe(110);
  });
});
