// The whole Parley integration of the clinic app: a join token from our backend, then the SDK.
import { ClientEvent, ParleyClient, type Call } from '@parley/client';

export interface Consultation {
  client: ParleyClient;
  /** Doctor: ring the patient (the only other person in the room). */
  start(): Promise<Call>;
}

export async function joinConsultation(
  onRemote: (stream: MediaStream) => void,
): Promise<Consultation> {
  const { token, room, parleyUrl } = await (await fetch('/api/call-token')).json();
  const client = new ParleyClient({ url: parleyUrl, joinToken: token });
  await client.connect();
  await client.media.start();
  client.on(ClientEvent.CallChanged, (call) =>
    call?.on('remoteStream', (_peer, stream) => onRemote(stream)),
  );
  client.on(ClientEvent.IncomingCall, (call) => void call.accept()); // the patient answers
  await client.join(room, 'from-token'); // the token names us; guests wait to be admitted
  return {
    client,
    start: () => client.invite([...client.participants.keys()][0]!),
  };
}
