/** Bytes of randomness in a generated room id: 128 bits cannot be guessed or enumerated. */
const ROOM_ID_BYTES = 16;

/** A new unguessable room id: 16 random bytes, base64url without padding (22 characters). */
export function newRoomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ROOM_ID_BYTES));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
