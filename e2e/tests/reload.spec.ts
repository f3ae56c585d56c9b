import { chromium } from '@playwright/test';
import {
  byTestId,
  enterRoom,
  participantSelector,
  waitForEndReason,
  waitForParticipant,
  waitForParticipantGone,
} from '../support/app.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, newParticipantContext } from '../support/browsers.js';
import { playwrightDriver } from '../support/driver.js';
import { expect, test } from '../support/fixtures.js';
import { readTimeline, startTimeline } from '../support/mediaTimeline.js';
import { metric } from '../support/metrics.js';
import { installPcProbe } from '../support/pcProbe.js';
import {
  FAULT_SESSION_SECRET,
  FAULT_VIDEO,
  callPair,
  participantCount,
} from '../support/resilience.js';
import { establishCall, joinAll } from '../support/scenarios.js';
import { expectMediaFlowing } from '../support/stats.js';

/**
 * A page reload is a short absence, not a leave: the reloaded page resumes
 * as the same participant (its resume token survives in sessionStorage) and
 * the call is connected anew. A closed tab, or a killed browser, is a leave
 * within seconds.
 */

test.use({ serverEnv: { MAX_ROOM_SIZE: '2', SESSION_SECRET: FAULT_SESSION_SECRET } });

test('Reload of one side: the other sees "reconnecting", not a leave; same participant, no ROOM_FULL, media back within 10 s', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(90_000);
  const { alice, bob, aliceId, bobId } = await callPair(openChromium, server.url, room);

  const reloadedAt = Date.now();
  await bob.page.reload();
  // Back in the room as himself (no lobby click: the stored session resumes it).
  await bob.ui.waitFor(byTestId('leave-button'), 'visible', 10_000);
  expect(await bob.ui.evaluate(() => window.__parley?.self?.id ?? null, undefined)).toBe(bobId);
  await expect(bob.page.getByTestId('lobby-error')).toHaveCount(0);
  await expectMediaFlowing(bob.ui, aliceId, 10_000);
  await expectMediaFlowing(alice.ui, bobId, 10_000);
  const backMs = Date.now() - reloadedAt;
  metric('reload-to-media-both-ways-ms', backMs);
  expect(backMs).toBeLessThan(10_000);

  const events = (await readTimeline(alice.ui)).events;
  expect(events.filter((e) => e.name === 'peerLeft')).toEqual([]);
  expect(events.map((e) => e.detail)).toContain(`${bobId}:reconnecting`);
  expect(await participantCount(alice)).toBe(1);
  await alice.ui.waitFor(`${participantSelector('Bob')}[data-connection="connected"]`, 'visible');
  await expect(alice.page.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  await expect(bob.page.getByTestId('call-state')).toHaveAttribute('data-state', 'active');

  // Closing the tab for good is a leave within a few seconds.
  await startTimeline(alice.ui);
  const closedAt = Date.now();
  await bob.page.close({ runBeforeUnload: true });
  await waitForParticipantGone(alice.ui, 'Bob', 10_000);
  const goneMs = Date.now() - closedAt;
  metric('tab-close-to-leave-ms', goneMs);
  expect(goneMs).toBeLessThan(8000);
  await waitForEndReason(alice.ui, ['disconnected', 'left']);
});

test('Killed browser: the other side is told within 20 s and no ghost stays in the room', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(90_000);
  const alice = await openChromium('Alice');
  // Bob in a browser of his own, so that its process can be killed (by its PID).
  const bobServer = await chromium.launchServer({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const bobBrowser = await chromium.connect(bobServer.wsEndpoint());
    const context = await newParticipantContext(bobBrowser, server.url);
    await context.addInitScript(installPcProbe);
    const page = await context.newPage();
    const bob = { name: 'Bob', page, context, ui: playwrightDriver(page, 'Bob (own chromium)') };
    const ids = await joinAll(server.url, room, [alice, bob], { video: FAULT_VIDEO });
    await establishCall(alice, bob, ids);
    await expectMediaFlowing(alice.ui, ids['Bob'] ?? '');

    const killedAt = Date.now();
    bobServer.process().kill('SIGKILL');
    await alice.ui.waitFor(
      `${participantSelector('Bob')}[data-connection="reconnecting"]`,
      'attached',
      5000,
    );
    metric('browser-kill-to-reconnecting-ms', Date.now() - killedAt);
    await waitForParticipantGone(alice.ui, 'Bob', 20_000);
    const toldMs = Date.now() - killedAt;
    metric('browser-kill-to-leave-ms', toldMs);
    expect(toldMs).toBeLessThan(20_000);
    await waitForEndReason(alice.ui, ['disconnected', 'left']);

    // No ghost: Carol gets the freed seat and sees exactly Alice.
    const carol = await openChromium('Carol');
    await enterRoom(carol.ui, server.url, room, 'Carol', { video: FAULT_VIDEO });
    await waitForParticipant(carol.ui, 'Alice');
    expect(await participantCount(carol)).toBe(1);
    const status = await carol.ui.evaluate(
      (r) => window.__parley?.checkRoom(r) ?? Promise.resolve(null),
      room,
    );
    expect(status).toMatchObject({ participants: 2, full: true });
  } finally {
    await bobServer.close().catch(() => undefined);
  }
});
