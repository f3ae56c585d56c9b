import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { expect, test } from '../support/fixtures.js';
import { freePort, repoRoot, startServer, stopProcess } from '../support/server.js';
import type { UiDriver } from '../support/driver.js';

/**
 * examples/clinic, driven as its users would: the clinic app (its own login
 * and token endpoint, another origin) embeds a consultation with the SDK.
 * The patient waits, the doctor admits, media flows both ways, the doctor
 * ends the consultation.
 */

const SECRET = 'clinic-example-e2e-join-secret-0123456789';

/** Inbound video frames and audio packets over every peer connection of the page. */
function inbound(ui: UiDriver) {
  return ui.evaluate(async () => {
    let frames = 0;
    let packets = 0;
    for (const pc of window.__e2ePcProbe?.pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s['type'] !== 'inbound-rtp') return;
        if (s['kind'] === 'video') frames += Number(s['framesDecoded'] ?? 0);
        if (s['kind'] === 'audio') packets += Number(s['packetsReceived'] ?? 0);
      });
    }
    return { frames, packets };
  }, undefined);
}

async function expectFlowing(ui: UiDriver) {
  const first = await inbound(ui);
  await expect
    .poll(async () => {
      const now = await inbound(ui);
      return now.frames > first.frames && now.packets > first.packets;
    })
    .toBe(true);
}

test('Clinic example: the patient waits, the doctor admits, media both ways, the doctor ends it', async ({
  openChromium,
}) => {
  test.setTimeout(90_000);
  const clinicPort = await freePort();
  const clinicUrl = `http://127.0.0.1:${clinicPort}`;
  const parley = await startServer({
    JOIN_TOKEN_SECRET: SECRET,
    REQUIRE_JOIN_TOKEN: '1',
    ALLOWED_ORIGINS: clinicUrl,
  });
  const clinic = spawn(process.execPath, [path.join(repoRoot, 'examples/clinic/server.mjs')], {
    env: {
      ...process.env,
      CLINIC_PORT: String(clinicPort),
      PARLEY_URL: parley.url,
      JOIN_TOKEN_SECRET: SECRET,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await once(clinic.stdout!, 'data');
    const doctor = await openChromium('Doctor');
    const patient = await openChromium('Patient');
    await doctor.page.goto(clinicUrl);
    await doctor.page.getByTestId('login-doctor').click();
    await expect(doctor.page.getByTestId('status')).toHaveText('Waiting for the patient');
    await patient.page.goto(clinicUrl);
    await patient.page.getByTestId('login-patient').click();
    await expect(patient.page.getByTestId('status')).toHaveText(
      'Waiting for the doctor to let you in…',
    );

    await doctor.page.getByTestId('admit').click();
    await expect(patient.page.getByTestId('status')).toHaveText(
      'Admitted: the doctor will call you',
    );
    await doctor.page.getByTestId('call').click();
    await expect(doctor.page.getByTestId('status')).toHaveText('In consultation');
    await expect(patient.page.getByTestId('status')).toHaveText('In consultation');
    await expectFlowing(doctor.ui);
    await expectFlowing(patient.ui);

    await doctor.page.getByTestId('end').click();
    await expect(patient.page.getByTestId('status')).toHaveText('The consultation has ended');
  } finally {
    await stopProcess(clinic);
    await parley.stop();
  }
});
