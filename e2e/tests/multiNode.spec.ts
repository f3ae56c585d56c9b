import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROTOCOL_VERSION } from '@parley/protocol';
import { io } from 'socket.io-client';
import { startRedis, type TestRedis } from '../../packages/server/test/support/redisServer.js';
import { byTestId, enterRoom, waitForParticipant, waitForParticipantGone } from '../support/app.js';
import { expect, test, type ChromiumParticipant } from '../support/fixtures.js';
import { openChat, sendChat, shownMessages } from '../support/group.js';
import { readTimeline, longestFrameGapMs } from '../support/mediaTimeline.js';
import { metric } from '../support/metrics.js';
import {
  FAULT_SESSION_SECRET,
  FAULT_VIDEO,
  backInRoomAndCall,
  participantCount,
  sleep,
} from '../support/resilience.js';
import { establishCall } from '../support/scenarios.js';
import { startServer, type RunningServer } from '../support/server.js';
import { expectMediaFlowing } from '../support/stats.js';
import { startTimeline } from '../support/mediaTimeline.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

/**
 * Several signaling nodes (separate processes of the built server) sharing
 * one real Redis: calls across nodes, a node killed with SIGKILL mid-call,
 * Redis stopped for 10 s mid-call. Media stays peer to peer throughout.
 */

const GRACE_MS = 5000;

function nodeEnv(redis: TestRedis, name: string): Record<string, string> {
  return {
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'e2e:',
    NODE_ID: name,
    SESSION_SECRET: FAULT_SESSION_SECRET,
    RESUME_GRACE_MS: String(GRACE_MS),
    CLOSED_TAB_GRACE_MS: '2000',
  };
}

async function startNodes(redis: TestRedis, count: number): Promise<RunningServer[]> {
  const nodes: RunningServer[] = [];
  for (let i = 0; i < count; i++) nodes.push(await startServer(nodeEnv(redis, `node-${i}`)));
  // Each node's adapter sees the others before the test relies on cross-node delivery.
  await sleep(1500);
  return nodes;
}

/** Each participant enters from its own base URL (its node, or the balancer). */
async function enterFrom(
  entries: readonly (readonly [ChromiumParticipant, string])[],
  room: string,
): Promise<Record<string, string>> {
  for (const [p, url] of entries) await enterRoom(p.ui, url, room, p.name, { video: FAULT_VIDEO });
  const ids: Record<string, string> = {};
  for (const [observer] of entries) {
    for (const [other] of entries) {
      if (other !== observer) ids[other.name] = await waitForParticipant(observer.ui, other.name);
    }
  }
  return ids;
}

function idOf(ids: Record<string, string>, name: string): string {
  const id = ids[name];
  if (id === undefined) throw new Error(`no id for ${name}`);
  return id;
}

async function alive(node: RunningServer): Promise<boolean> {
  try {
    process.kill(node.pid, 0);
    return (await fetch(`${node.url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

test.describe('multi-node (Redis)', () => {
  let redis: TestRedis;
  let dataDir: string;
  let nodes: RunningServer[] = [];
  let proxy: TcpProxy | null = null;

  test.beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'parley-redis-'));
    redis = await startRedis({ persistDir: dataDir });
  });

  test.afterEach(async () => {
    await proxy?.close();
    proxy = null;
    await Promise.all(nodes.map((n) => n.stop()));
    nodes = [];
    await redis.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('Two browsers on different nodes call each other: media, mute and chat cross', async ({
    room,
    openChromium,
  }) => {
    nodes = await startNodes(redis, 2);
    const [a, b] = nodes as [RunningServer, RunningServer];
    const alice = await openChromium('Alice');
    const bob = await openChromium('Bob');
    const ids = await enterFrom(
      [
        [alice, a.url],
        [bob, b.url],
      ],
      room,
    );
    await establishCall(alice, bob, ids);
    await expectMediaFlowing(alice.ui, idOf(ids, 'Bob'));
    await expectMediaFlowing(bob.ui, idOf(ids, 'Alice'));

    await alice.page.getByTestId('mic-toggle').click();
    await expect(bob.page.getByTestId('remote-muted')).toBeVisible();

    await openChat(alice);
    await openChat(bob);
    await sendChat(bob, 'from node 1');
    await sendChat(alice, 'from node 0');
    const expected = ['from node 1', 'from node 0'];
    await expect
      .poll(async () => (await shownMessages(alice)).map((m) => m.text))
      .toEqual(expected);
    await expect.poll(async () => (await shownMessages(bob)).map((m) => m.text)).toEqual(expected);
  });

  test('kill -9 of a node mid-call: its clients resume on a live node, the call goes on, no ghosts', async ({
    room,
    openChromium,
  }) => {
    test.setTimeout(90_000);
    nodes = await startNodes(redis, 2);
    const [a, b] = nodes as [RunningServer, RunningServer];
    proxy = await startTcpProxy([a.port, b.port]);
    const alice = await openChromium('Alice');
    const bob = await openChromium('Bob');
    proxy.routeTo(0);
    await enterRoom(alice.ui, proxy.url, room, 'Alice', { video: FAULT_VIDEO });
    proxy.routeTo(1);
    await enterRoom(bob.ui, proxy.url, room, 'Bob', { video: FAULT_VIDEO });
    const ids = {
      Alice: await waitForParticipant(bob.ui, 'Alice'),
      Bob: await waitForParticipant(alice.ui, 'Bob'),
    };
    await establishCall(alice, bob, ids);
    await expectMediaFlowing(alice.ui, ids.Bob);
    await expectMediaFlowing(bob.ui, ids.Alice);

    // Carol joins on the doomed node with a client that never comes back (a ghost if nobody adopts her).
    const carol = io(a.url, {
      transports: ['websocket'],
      auth: { protocolVersion: PROTOCOL_VERSION },
      reconnection: false,
    });
    const joined = await carol.timeout(5000).emitWithAck('room:join', { room, name: 'Carol' });
    expect(joined).toMatchObject({ ok: true });
    await waitForParticipant(bob.ui, 'Carol');
    await startTimeline(alice.ui);
    await startTimeline(bob.ui);

    proxy.routeTo('any');
    const killedAt = Date.now();
    const exit = await a.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');

    // Alice's SDK reconnects through the balancer to the live node and resumes there.
    await backInRoomAndCall(bob, 'Alice', 15_000);
    await backInRoomAndCall(alice, 'Bob', 15_000);
    metric('node-kill-to-resumed-ms', Date.now() - killedAt);
    expect(await alice.ui.evaluate(() => window.__parley?.self?.id ?? null, undefined)).toBe(
      ids.Alice,
    );
    await expectMediaFlowing(alice.ui, ids.Bob);
    await expectMediaFlowing(bob.ui, ids.Alice);
    const gap = longestFrameGapMs((await readTimeline(bob.ui)).frames, killedAt, Date.now());
    metric('node-kill-longest-frame-gap-ms', gap);
    expect(gap).toBeLessThan(1000);

    // Carol, who never came back, is adopted by the live node and leaves after her grace.
    await waitForParticipantGone(bob.ui, 'Carol', 6000 + GRACE_MS + 10_000);
    metric('node-kill-to-ghost-gone-ms', Date.now() - killedAt);
    expect(await participantCount(bob)).toBe(1);
    expect(await participantCount(alice)).toBe(1);
    const status = await bob.ui.evaluate(
      (r) => window.__parley?.checkRoom(r) ?? Promise.resolve(null),
      room,
    );
    expect(status).toMatchObject({ participants: 2 });
    await expect(bob.page.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
    carol.close();
  });

  test('Redis stopped for 10 s mid-call: no node exits, signaling resumes, chat neither lost nor doubled', async ({
    room,
    openChromium,
  }) => {
    test.setTimeout(90_000);
    nodes = await startNodes(redis, 2);
    const [a, b] = nodes as [RunningServer, RunningServer];
    const alice = await openChromium('Alice');
    const bob = await openChromium('Bob');
    const ids = await enterFrom(
      [
        [alice, a.url],
        [bob, b.url],
      ],
      room,
    );
    await establishCall(alice, bob, ids);
    await expectMediaFlowing(bob.ui, idOf(ids, 'Alice'));
    await openChat(alice);
    await openChat(bob);
    await sendChat(alice, 'before');
    await startTimeline(bob.ui);

    const stoppedAt = Date.now();
    await redis.stop();
    // Both nodes answer, say they are not ready (the balancer sends nobody new), and stay up.
    await expect
      .poll(async () => (await fetch(`${a.url}/readyz`)).status, { timeout: 5000 })
      .toBe(503);
    // A line sent while Redis is away is held by the SDK and sent once it is back.
    await sendChat(bob, 'during');
    await sleep(10_000 - (Date.now() - stoppedAt));
    expect(await alive(a)).toBe(true);
    expect(await alive(b)).toBe(true);
    await redis.start();
    const backAt = Date.now();
    await expect
      .poll(async () => (await fetch(`${b.url}/readyz`)).status, { timeout: 10_000 })
      .toBe(200);
    metric('redis-back-to-ready-ms', Date.now() - backAt);

    // The held line goes out once Redis is back, and reaches the other node once.
    const texts = async (p: ChromiumParticipant) => (await shownMessages(p)).map((m) => m.text);
    await expect.poll(() => texts(alice), { timeout: 15_000 }).toEqual(['before', 'during']);
    metric('redis-back-to-held-chat-delivered-ms', Date.now() - backAt);
    await sendChat(alice, 'after');
    const expected = ['before', 'during', 'after'];
    await expect.poll(() => texts(alice), { timeout: 15_000 }).toEqual(expected);
    await expect.poll(() => texts(bob), { timeout: 15_000 }).toEqual(expected);
    // Neither lost nor doubled in the SDKs either (the view could hide a duplicate id).
    for (const p of [alice, bob]) {
      const lines = await p.ui.evaluate(
        () => (window.__parley?.chat ?? []).map((m) => m.text),
        undefined,
      );
      expect(lines).toEqual(expected);
    }

    // Media never depended on Redis; the call and the room are as they were.
    const gap = longestFrameGapMs((await readTimeline(bob.ui)).frames, stoppedAt, Date.now());
    metric('redis-outage-longest-frame-gap-ms', gap);
    expect(gap).toBeLessThan(1000);
    await expect(alice.page.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
    await expect(bob.page.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
    expect(await participantCount(alice)).toBe(1);
    await expect(alice.page.locator(byTestId('lobby-error'))).toHaveCount(0);
    expect(await alive(a)).toBe(true);
    expect(await alive(b)).toBe(true);
  });
});
