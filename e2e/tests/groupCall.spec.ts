import {
  accept,
  callParticipant,
  enterRoom,
  hangUp,
  waitForCallState,
  waitForEndReason,
  waitForIncomingCall,
  waitForParticipant,
} from '../support/app.js';
import { cpuSample, cpuUse, measureCpu } from '../support/cpu.js';
import { expect, test, type ChromiumParticipant } from '../support/fixtures.js';
import {
  GROUP_CHROMIUM_OPTIONS,
  SMALL_VIDEO,
  acceptFrom,
  callParticipants,
  enterMeetingRoom,
  expectTiles,
  inviteIntoCall,
  joinRoomCall,
  tileSelector,
} from '../support/group.js';
import { expectCameraFlowsFrom, waitForAllFlowsStarted } from '../support/meshStats.js';
import { metric } from '../support/metrics.js';
import { joinAll, peerId } from '../support/scenarios.js';

/**
 * Group (full-mesh) calls through the web app: every participant decodes
 * video and receives audio from every other (getStats per peer connection).
 * Small camera pictures (?video=160x120@10, fake devices at 10 fps) so that
 * five pages fit on this machine's two cores; metrics are printed, not asserted.
 */

test.use({ chromiumOptions: GROUP_CHROMIUM_OPTIONS });

const LINK = { video: SMALL_VIDEO } as const;

async function openAll(
  openChromium: (name: string) => Promise<ChromiumParticipant>,
  names: readonly string[],
): Promise<ChromiumParticipant[]> {
  const out: ChromiumParticipant[] = [];
  for (const name of names) out.push(await openChromium(name));
  return out;
}

/** Everyone in `group` decodes camera + microphone from every other member of `group`. */
async function expectMesh(group: readonly ChromiumParticipant[], ids: Record<string, string>) {
  await Promise.all(
    group.map((p) =>
      expectCameraFlowsFrom(
        p.ui,
        group.filter((o) => o !== p).map((o) => peerId(ids, o.name)),
      ),
    ),
  );
}

/** For waitForAllFlowsStarted: each page and the peers it must hear from. */
function flowsOf(group: readonly ChromiumParticipant[], ids: Record<string, string>) {
  return group.map((p) => ({
    ui: p.ui,
    from: group.filter((o) => o !== p).map((o) => peerId(ids, o.name)),
  }));
}

test('Four in one call: 12 flows; one hangs up, 3 keep media; late joiners get everyone', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(240_000);
  const [alice, bob, carol, dave] = await openAll(openChromium, ['Alice', 'Bob', 'Carol', 'Dave']);
  if (!alice || !bob || !carol || !dave) throw new Error('pages not opened');
  const ids = await joinAll(server.url, room, [alice, bob, carol, dave], LINK);
  const id = (p: ChromiumParticipant) => peerId(ids, p.name);

  // A calls B, B accepts: a 1:1 call that grows.
  await callParticipant(alice.ui, 'Bob');
  await acceptFrom(bob, 'Alice');
  await waitForCallState(alice.ui, 'active');

  // A rings C, then D, into the same call.
  await inviteIntoCall(alice, 'Carol');
  await acceptFrom(carol, 'Alice');
  await inviteIntoCall(alice, 'Dave');
  await waitForIncomingCall(dave.ui, 'Alice');
  const cpuBefore = cpuSample();
  const fourthAcceptAt = Date.now();
  await accept(dave.ui);
  await waitForCallState(dave.ui, 'active');

  const four = [alice, bob, carol, dave];
  const allStartedAt = await waitForAllFlowsStarted(flowsOf(four, ids), 45_000);
  metric('mesh4-all-flows-ms', allStartedAt - fourthAcceptAt);
  const setupCpu = cpuUse(cpuBefore, cpuSample());
  metric('mesh4-setup-cpu-machine-pct', setupCpu.machinePct);

  // All 12 directed flows keep decoding.
  await expectMesh(four, ids);
  const steady = await measureCpu(8_000);
  metric('mesh4-steady-cpu-machine-pct', steady.machinePct);
  metric('mesh4-steady-cpu-browsers-pct', steady.browserPct);
  metric('mesh4-cpu-cores', steady.cores);
  for (const p of four) {
    await expectTiles(p, four.filter((o) => o !== p).map(id));
    expect(await callParticipants(p.ui)).toEqual(
      four
        .filter((o) => o !== p)
        .map(id)
        .sort(),
    );
  }

  // Quality: every remote tile on A's screen gets a measured level, and the
  // statistics panel lists the three others with measured values, direct route.
  const others = [bob, carol, dave].map(id);
  for (const peer of others) {
    await expect(
      alice.page.locator(`${tileSelector(peer)} [data-testid="quality-indicator"]`),
    ).not.toHaveAttribute('data-level', 'unknown');
  }
  await alice.page.getByTestId('stats-toggle').click();
  const rows = alice.page.getByTestId('stats-panel').getByTestId('stats-row');
  await expect(rows).toHaveCount(3);
  for (const peer of others) {
    const row = rows.and(alice.page.locator(`[data-peer-id="${peer}"]`));
    await expect(row).not.toHaveAttribute('data-level', 'unknown');
    await expect(row.locator('td[data-type="direct"]')).toHaveCount(1);
    await expect(row).toContainText(/\d+\s*ms/);
  }
  await alice.page.getByTestId('stats-toggle').click();

  // Pin (spotlight): B's tile large on A's screen, then back to the grid.
  const grid = alice.page.getByTestId('video-grid');
  await expect(grid).toHaveAttribute('data-layout', 'grid');
  await alice.page.locator(`${tileSelector(id(bob))} [data-testid="pin-button"]`).click();
  await expect(grid).toHaveAttribute('data-layout', 'spotlight');
  await expect(alice.page.locator(tileSelector(id(bob)))).toHaveAttribute('data-pinned', 'true');
  await alice.page.locator(`${tileSelector(id(bob))} [data-testid="pin-button"]`).click();
  await expect(grid).toHaveAttribute('data-layout', 'grid');

  // D hangs up: D's call ends, D's tile disappears everywhere, the other three keep media.
  await hangUp(dave.ui);
  await waitForEndReason(dave.ui, 'hung-up');
  const three = [alice, bob, carol];
  for (const p of three) {
    await expectTiles(p, three.filter((o) => o !== p).map(id), [id(dave)]);
    await waitForCallState(p.ui, 'active');
  }
  await expectMesh(three, ids);
  for (const p of three) {
    expect(await callParticipants(p.ui)).toEqual(
      three
        .filter((o) => o !== p)
        .map(id)
        .sort(),
    );
  }
  // D, still in the room, sees the ongoing call and can join it again.
  await expect(dave.page.getByTestId('join-call-button')).toBeVisible();

  // E enters late and joins the ongoing call without ringing.
  const erin = await openChromium('Erin');
  await enterRoom(erin.ui, server.url, room, 'Erin', LINK);
  ids['Erin'] = await waitForParticipant(alice.ui, 'Erin');
  for (const p of [bob, carol, dave]) await waitForParticipant(p.ui, 'Erin');
  const erinJoinAt = Date.now();
  await joinRoomCall(erin);
  const withErin = [alice, bob, carol, erin];
  metric(
    'late-join-all-flows-ms',
    (await waitForAllFlowsStarted(flowsOf(withErin, ids), 45_000)) - erinJoinAt,
  );
  await expectMesh(withErin, ids);
  await expect(dave.page.getByTestId('incoming-call')).toHaveCount(0);

  // D rejoins: five in the mesh, each decodes the four others (20 flows).
  const daveRejoinAt = Date.now();
  await joinRoomCall(dave);
  const five = [alice, bob, carol, dave, erin];
  metric(
    'mesh5-all-flows-ms',
    (await waitForAllFlowsStarted(flowsOf(five, ids), 45_000)) - daveRejoinAt,
  );
  await expectMesh(five, ids);
  const steady5 = await measureCpu(8_000);
  metric('mesh5-steady-cpu-machine-pct', steady5.machinePct);
  metric('mesh5-steady-cpu-browsers-pct', steady5.browserPct);
  for (const p of five) {
    await expectTiles(p, five.filter((o) => o !== p).map(id));
  }
});

test('Meeting room (join the call on entry): three people entering are in one call, no ringing', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(150_000);
  const [alice, bob, carol] = await openAll(openChromium, ['Alice', 'Bob', 'Carol']);
  if (!alice || !bob || !carol) throw new Error('pages not opened');
  // The first person creates the room with the option; the others just follow the link.
  await enterMeetingRoom(alice.ui, alice.page, server.url, room, 'Alice', LINK);
  await enterRoom(bob.ui, server.url, room, 'Bob', LINK);
  await enterRoom(carol.ui, server.url, room, 'Carol', LINK);
  const three = [alice, bob, carol];
  const ids: Record<string, string> = {};
  for (const p of three) {
    ids[p.name] = await p.ui.evaluate(() => window.__parley?.self?.id ?? '', undefined);
  }
  for (const p of three) await waitForCallState(p.ui, 'active');
  await expectMesh(three, ids);
  for (const p of three) {
    await expectTiles(
      p,
      three.filter((o) => o !== p).map((o) => peerId(ids, o.name)),
    );
    // Nobody was rung and nobody had to press a call or join button.
    await expect(p.page.getByTestId('incoming-call')).toHaveCount(0);
    await expect(p.page.getByTestId('outgoing-call')).toHaveCount(0);
    await expect(p.page.getByTestId('join-call-button')).toHaveCount(0);
  }
  const status = await bob.ui.evaluate(
    (r) => window.__parley?.checkRoom(r) ?? Promise.resolve(null),
    room,
  );
  expect(status).toMatchObject({ options: { joinCallOnEntry: true } });
});
