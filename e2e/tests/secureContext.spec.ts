import { byTestId } from '../support/app.js';
import { expect, test } from '../support/fixtures.js';

/**
 * Browsers give the camera only to secure pages. Opened over plain http from
 * a host name other than localhost (what a phone on the LAN gets with
 * http://<lan-ip>:3000), the lobby must say "use https", not "unsupported",
 * in the user's language. The name resolves to 127.0.0.1 inside this
 * browser only, so nothing leaves the machine.
 */

const HOST = 'parley-lan.test';
test.use({ chromiumOptions: { loopbackHostNames: [HOST] } });

function insecureUrl(serverUrl: string, room: string, lang: string): string {
  const url = new URL(`/r/${room}`, serverUrl);
  url.hostname = HOST;
  url.searchParams.set('name', 'Phone');
  url.searchParams.set('lang', lang);
  return url.toString();
}

for (const [lang, https] of [
  ['en', /https:\/\//],
  ['zh-CN', /https:\/\//],
] as const) {
  test(`Plain http from a LAN name: the lobby asks for https (${lang})`, async ({
    server,
    room,
    openChromium,
  }) => {
    const phone = await openChromium('Phone');
    await phone.ui.goto(insecureUrl(server.url, room, lang));
    expect(await phone.page.evaluate(() => window.isSecureContext)).toBe(false);

    const error = phone.page.getByTestId('lobby-error');
    await expect(error).toHaveAttribute('data-code', 'MEDIA_INSECURE_CONTEXT');
    await expect(error).toContainText(https);
    if (lang === 'zh-CN') await expect(error).toContainText(/[\u3400-\u9fff]/);
    // Nothing else breaks: the lobby is still there to read and act on.
    await expect(phone.page.locator(byTestId('join-button'))).toBeVisible();
  });
}
