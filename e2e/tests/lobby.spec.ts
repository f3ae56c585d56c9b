import { byTestId, join, openLobby, roomUrl } from '../support/app.js';
import { expect, test } from '../support/fixtures.js';

/** Share links, URL parameters and the UI language, in the lobby. */

const CJK = /[\u3400-\u9fff]/;

test('A share link fills in the name and the room', async ({ server, room, openChromium }) => {
  const zoe = await openChromium('Zoe');
  await openLobby(zoe.ui, server.url, room, { name: 'Zoe' });

  await expect(zoe.page.getByTestId('name-input')).toHaveValue('Zoe');
  await expect(zoe.page.getByTestId('room-input')).toHaveValue(room);

  // Once in, the room offers the same kind of link to pass on.
  await join(zoe.ui);
  const link = await zoe.ui.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (el instanceof HTMLAnchorElement) return el.href;
    if (el instanceof HTMLInputElement) return el.value;
    return el?.textContent ?? '';
  }, byTestId('share-link'));
  expect(new URL(link.trim()).pathname).toBe(`/r/${room}`);
});

test('Create room fills in a new unguessable room id', async ({ server, openChromium }) => {
  const zoe = await openChromium('Zoe');
  await zoe.ui.goto(new URL('/', server.url).toString());
  const roomInput = zoe.page.getByTestId('room-input');

  await zoe.page.getByTestId('create-room').click();
  await expect(roomInput).not.toHaveValue('');
  const first = await roomInput.inputValue();
  await zoe.page.getByTestId('create-room').click();
  await expect(roomInput).not.toHaveValue(first);
  const second = await roomInput.inputValue();

  for (const id of [first, second]) {
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(id.length).toBeGreaterThanOrEqual(16);
  }
});

test('?lang=zh-CN shows Chinese; lang-switch changes the language', async ({
  server,
  room,
  openChromium,
}) => {
  const user = await openChromium('Li');
  const joinButton = user.page.getByTestId('join-button');

  await openLobby(user.ui, server.url, room, { name: 'Li', lang: 'en' });
  const english = (await joinButton.textContent())?.trim() ?? '';
  expect(english).not.toBe('');
  expect(english).not.toMatch(CJK);

  await user.ui.goto(roomUrl(server.url, room, { name: 'Li', lang: 'zh-CN' }));
  await expect(joinButton).toHaveText(CJK);
  const chinese = (await joinButton.textContent())?.trim() ?? '';
  expect(chinese).not.toBe(english);
  await expect(user.page.getByTestId('lang-switch')).toHaveValue('zh-CN');

  await user.page.getByTestId('lang-switch').selectOption('en');
  await expect(joinButton).toHaveText(english);
  await user.page.getByTestId('lang-switch').selectOption('zh-CN');
  await expect(joinButton).toHaveText(chinese);
});
