import { enterRoom } from '../support/app.js';
import { expect, test } from '../support/fixtures.js';
import { openChat, sendChat, shownMessages } from '../support/group.js';
import { joinAll, peerId } from '../support/scenarios.js';

/** Room chat through the server: order, server-stamped names, history for late joiners, text only. */

const HOSTILE = '<img src=x onerror=alert(1)><b>bold</b>';

test('Chat: order and server-stamped names, late joiner gets history, HTML shows as text', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  const dialogs: string[] = [];
  for (const p of [alice, bob]) p.page.on('dialog', (d) => void dialogs.push(d.message()));
  const ids = await joinAll(server.url, room, [alice, bob]);
  const aliceId = peerId(ids, 'Alice');
  const bobId = peerId(ids, 'Bob');

  await openChat(alice);
  await openChat(bob);
  await sendChat(alice, 'first from Alice');
  await sendChat(bob, 'Bob answers');
  await sendChat(alice, 'second from Alice');
  await sendChat(alice, HOSTILE);

  const expected = [
    { from: aliceId, author: 'Alice', text: 'first from Alice' },
    { from: bobId, author: 'Bob', text: 'Bob answers' },
    { from: aliceId, author: 'Alice', text: 'second from Alice' },
    { from: aliceId, author: 'Alice', text: HOSTILE },
  ];
  await expect.poll(() => shownMessages(alice)).toEqual(expected);
  await expect.poll(() => shownMessages(bob)).toEqual(expected);
  // Cleared input after sending.
  await expect(alice.page.getByTestId('chat-input')).toHaveValue('');

  // The hostile text is text: no element made from it, no script run.
  for (const p of [alice, bob]) {
    const panel = p.page.getByTestId('chat-panel');
    await expect(panel.locator('img')).toHaveCount(0);
    await expect(panel.locator('b')).toHaveCount(0);
    await expect(p.page.getByTestId('chat-text').last()).toHaveText(HOSTILE);
  }

  // The name is the server's, whatever a client claims: Bob's SDK saw Alice's
  // messages stamped with the name Alice joined with.
  const onBob = await bob.ui.evaluate(
    () => (window.__parley?.chat ?? []).map((m) => ({ from: m.from, name: m.name })),
    undefined,
  );
  expect(onBob).toEqual(expected.map((m) => ({ from: m.from, name: m.author })));

  // A late joiner gets the history, in order, and can add to it.
  const carol = await openChromium('Carol');
  carol.page.on('dialog', (d) => void dialogs.push(d.message()));
  await enterRoom(carol.ui, server.url, room, 'Carol');
  await openChat(carol);
  await expect.poll(() => shownMessages(carol)).toEqual(expected);
  await expect(carol.page.getByTestId('chat-panel').locator('img')).toHaveCount(0);
  await sendChat(carol, 'hello from Carol');
  const carolId = await carol.ui.evaluate(() => window.__parley?.self?.id ?? '', undefined);
  const withCarol = [...expected, { from: carolId, author: 'Carol', text: 'hello from Carol' }];
  for (const p of [alice, bob, carol]) await expect.poll(() => shownMessages(p)).toEqual(withCarol);

  expect(dialogs).toEqual([]);
});

test('Chat: unread badge counts messages while the panel is closed', async ({
  server,
  room,
  openChromium,
}) => {
  const alice = await openChromium('Alice');
  const bob = await openChromium('Bob');
  await joinAll(server.url, room, [alice, bob]);

  // Bob's panel stays closed.
  await expect(bob.page.getByTestId('chat-panel')).toBeHidden();
  await openChat(alice);
  await sendChat(alice, 'one');
  await expect(bob.page.getByTestId('chat-unread')).toHaveText('1');
  await sendChat(alice, 'two');
  await sendChat(alice, 'three');
  await expect(bob.page.getByTestId('chat-unread')).toHaveText('3');
  // Own messages are not unread.
  await expect(alice.page.getByTestId('chat-unread')).toBeHidden();

  // Opening the panel reads them: the badge goes away, the messages are there.
  await openChat(bob);
  await expect(bob.page.getByTestId('chat-unread')).toBeHidden();
  await expect
    .poll(async () => (await shownMessages(bob)).map((m) => m.text))
    .toEqual(['one', 'two', 'three']);
  // Closed again, a new message counts from zero.
  await bob.page.getByTestId('chat-toggle').click();
  await expect(bob.page.getByTestId('chat-panel')).toBeHidden();
  await sendChat(alice, 'four');
  await expect(bob.page.getByTestId('chat-unread')).toHaveText('1');
});
