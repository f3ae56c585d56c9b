import { byTestId, join, openLobby, waitForParticipant } from '../support/app.js';
import { expect, test } from '../support/fixtures.js';

/**
 * A room with a password: the lobby asks for it (English and Chinese),
 * wrong or missing passwords are refused with their own message, the link
 * never carries it; members can lock the room and remove the password.
 */

test('The lobby asks for the password of a protected room; lock and removal work from the room', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(60_000);
  const alice = await openChromium('Alice');
  await openLobby(alice.ui, server.url, room, { name: 'Alice' });
  // Creating the room: the password field is optional and protects it.
  await alice.page.getByTestId('password-input').fill('clinic-secret');
  await join(alice.ui);
  await expect(alice.page.getByTestId('room-access')).toHaveAttribute('data-password', 'true');
  expect(alice.page.url()).not.toContain('clinic-secret');

  const bob = await openChromium('Bob');
  await openLobby(bob.ui, server.url, room, { name: 'Bob' });
  const password = bob.page.getByTestId('password-input');
  await expect(password).toHaveAttribute('data-required', 'true');
  await expect(bob.page.locator('label[for="password-input"]')).toHaveText('Room password');
  await bob.page.getByTestId('join-button').click();
  await expect(bob.page.getByTestId('lobby-error')).toHaveAttribute(
    'data-code',
    'PASSWORD_REQUIRED',
  );
  await password.fill('wrong-secret');
  await bob.page.getByTestId('join-button').click();
  await expect(bob.page.getByTestId('lobby-error')).toHaveAttribute('data-code', 'WRONG_PASSWORD');
  await expect(bob.page.getByTestId('lobby-error')).toHaveText('Wrong password. Try again.');
  await password.fill('clinic-secret');
  await join(bob.ui);
  await waitForParticipant(bob.ui, 'Alice');
  expect(bob.page.url()).not.toContain('secret');

  // 中文: the same prompt and errors, translated.
  const carol = await openChromium('Carol');
  await openLobby(carol.ui, server.url, room, { name: 'Carol', lang: 'zh-CN' });
  await expect(carol.page.locator('label[for="password-input"]')).toHaveText('房间密码');
  await carol.page.getByTestId('password-input').fill('nope-nope');
  await carol.page.getByTestId('join-button').click();
  await expect(carol.page.getByTestId('lobby-error')).toHaveText('密码错误。请重试。');

  // Alice locks the room: even the right password does not let anyone new in.
  await alice.page.getByTestId('lock-button').click();
  await expect(bob.page.getByTestId('room-access')).toHaveAttribute('data-locked', 'true');
  await carol.page.getByTestId('password-input').fill('clinic-secret');
  await carol.page.getByTestId('join-button').click();
  await expect(carol.page.getByTestId('lobby-error')).toHaveAttribute('data-code', 'ROOM_LOCKED');

  // Unlocked and without a password, the room is open again.
  await alice.page.getByTestId('lock-button').click();
  await alice.page.getByTestId('room-password-remove').click();
  await expect(bob.page.getByTestId('room-access')).toHaveAttribute('data-password', 'false');
  await carol.page.getByTestId('password-input').fill('');
  await carol.ui.click(byTestId('join-button'));
  await carol.ui.waitFor(byTestId('leave-button'), 'visible');
  await waitForParticipant(carol.ui, 'Bob');
});
