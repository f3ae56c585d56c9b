/**
 * Mint a join token for development (what an app's backend does for its
 * users), signed with JOIN_TOKEN_SECRET:
 *
 *   JOIN_TOKEN_SECRET=... npm run token -- --room consult-1 --name "Dr Li" --role host [--ttl 600] [--waiting-room]
 *
 * Prints the token on stdout. Give it to the SDK (`new ParleyClient({ joinToken })`):
 * it travels in the Socket.IO handshake, never in a URL.
 */
import { parseArgs } from 'node:util';
import { mintJoinToken } from '../packages/server/src/session/joinTokens.js';

const { values } = parseArgs({
  options: {
    room: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', default: 'guest' },
    ttl: { type: 'string', default: '600' },
    'waiting-room': { type: 'boolean', default: false },
  },
});
const secret = process.env['JOIN_TOKEN_SECRET'];
const fail = (message: string): never => {
  console.error(`npm run token: ${message}`);
  process.exit(2);
};
if (!secret || Buffer.byteLength(secret) < 32) fail('set JOIN_TOKEN_SECRET (at least 32 bytes)');
if (!values.room || !values.name) fail('--room and --name are required');
if (values.role !== 'host' && values.role !== 'guest') fail('--role is host or guest');
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) fail('--ttl is 1..86400 seconds');

const token = await mintJoinToken(secret as string, {
  room: values.room as string,
  name: values.name as string,
  role: values.role as 'host' | 'guest',
  ttlSeconds: ttl,
  ...(values['waiting-room'] ? { waitingRoom: true } : {}),
});
process.stdout.write(`${token}\n`);
