import {
  accept,
  byTestId,
  callParticipant,
  hangUp,
  openLobby,
  participantSelector,
  waitForActiveCall,
  waitForEndReason,
  waitForIncomingCall,
  waitForParticipant,
  waitForParticipantGone,
} from '../support/app.js';
import { expect, test } from '../support/fixtures.js';
import { expectMediaFlowing } from '../support/stats.js';

/**
 * A consultation with a waiting room: the patient waits and sees nothing of
 * the room until the doctor (the room's host) admits them; a stranger is
 * turned away; the doctor calls, media flows both ways, the doctor ends it
 * and can remove a participant, who then needs admission to come back.
 */

const waitingGuest = (name: string) => `${byTestId('waiting-guest')}[data-name="${name}"]`;

test('Waiting room: the host admits the patient, turns a stranger away, ends the call and removes', async ({
  server,
  room,
  openChromium,
}) => {
  test.setTimeout(90_000);
  const doctor = await openChromium('Doctor');
  await openLobby(doctor.ui, server.url, room, { name: 'Doctor' });
  await doctor.page.getByTestId('waiting-room-option').check();
  await doctor.ui.click(byTestId('join-button'));
  await doctor.ui.waitFor(byTestId('leave-button'), 'visible');
  await expect(doctor.page.getByTestId('waiting-room')).toBeVisible();

  const patient = await openChromium('Patient');
  await openLobby(patient.ui, server.url, room, { name: 'Patient' });
  await patient.ui.click(byTestId('join-button'));
  await expect(patient.page.getByTestId('waiting-view')).toBeVisible();
  // Waiting: not in the room, nothing of it known.
  expect(
    await patient.ui.evaluate(
      () => ({
        room: window.__parley?.self ?? null,
        peers: window.__parley?.participants.size ?? 0,
      }),
      undefined,
    ),
  ).toEqual({ room: null, peers: 0 });
  await expect(doctor.page.getByTestId('participant')).toHaveCount(0);

  await doctor.page.locator(`${waitingGuest('Patient')} ${byTestId('admit-button')}`).click();
  await patient.ui.waitFor(byTestId('leave-button'), 'visible');
  const patientId = await waitForParticipant(doctor.ui, 'Patient');
  const doctorId = await waitForParticipant(patient.ui, 'Doctor');

  // A stranger waits too and is turned away.
  const stranger = await openChromium('Stranger');
  await openLobby(stranger.ui, server.url, room, { name: 'Stranger' });
  await stranger.ui.click(byTestId('join-button'));
  await expect(stranger.page.getByTestId('waiting-view')).toBeVisible();
  await doctor.page.locator(`${waitingGuest('Stranger')} ${byTestId('deny-button')}`).click();
  await expect(stranger.page.getByTestId('lobby-error')).toHaveAttribute(
    'data-code',
    'ENTRY_DENIED',
  );
  await expect(patient.page.locator(participantSelector('Stranger'))).toHaveCount(0);

  // The consultation: media both ways, then the doctor ends it.
  await callParticipant(doctor.ui, 'Patient');
  await waitForIncomingCall(patient.ui, 'Doctor');
  await accept(patient.ui);
  await waitForActiveCall(doctor.ui, patientId);
  await waitForActiveCall(patient.ui, doctorId);
  await expectMediaFlowing(doctor.ui, patientId);
  await expectMediaFlowing(patient.ui, doctorId);
  await hangUp(doctor.ui);
  await waitForEndReason(patient.ui, 'hung-up');

  // Removed: told why, out, and back only through the waiting room.
  await doctor.page
    .locator(`${participantSelector('Patient')} ${byTestId('remove-button')}`)
    .click();
  await expect(patient.page.getByTestId('lobby-error')).toHaveAttribute(
    'data-code',
    'ENTRY_DENIED',
  );
  await waitForParticipantGone(doctor.ui, 'Patient');
  await patient.ui.click(byTestId('join-button'));
  await expect(patient.page.getByTestId('waiting-view')).toBeVisible();
  await expect(doctor.page.locator(waitingGuest('Patient'))).toBeVisible();
});
