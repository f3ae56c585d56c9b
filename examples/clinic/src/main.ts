// The clinic page's UI around the integration in consultation.ts.
import { ClientEvent } from '@parley/client';
import { joinConsultation } from './consultation';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => ($('status').textContent = text);

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  const user = (event as SubmitEvent).submitter?.getAttribute('value');
  void (async () => {
    await fetch('/api/login', { method: 'POST', body: JSON.stringify({ user }) });
    $('login').hidden = true;
    status(
      user === 'doctor'
        ? 'Opening the consultation room…'
        : 'Waiting for the doctor to let you in…',
    );
    const consultation = await joinConsultation((stream) => {
      $<HTMLVideoElement>('remote').srcObject = stream;
      status('In consultation');
    });
    const { client } = consultation;
    status(
      client.role === 'host' ? 'Waiting for the patient' : 'Admitted: the doctor will call you',
    );
    client.on(ClientEvent.WaitingChanged, (waiting) => {
      $('waiting').replaceChildren(
        ...waiting.map((guest) => {
          const li = document.createElement('li');
          const admit = document.createElement('button');
          admit.textContent = `Admit ${guest.name}`;
          admit.dataset['testid'] = 'admit';
          admit.onclick = () => void client.admit(guest.id);
          li.append(admit);
          return li;
        }),
      );
    });
    client.on(ClientEvent.PeerJoined, () => ($('call').hidden = client.role !== 'host'));
    client.on(ClientEvent.CallChanged, (call) => {
      $('end').hidden = call === null || client.role !== 'host';
      if (call === null) status('The consultation has ended');
      call?.on('ended', () => status('The consultation has ended'));
    });
    $('call').onclick = () => void consultation.start();
    $('end').onclick = () => void client.call?.hangup();
  })().catch((err: unknown) => status(`Could not join: ${String(err)}`));
});
