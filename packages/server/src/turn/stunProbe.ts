import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;

/**
 * Sends one STUN Binding request over UDP and resolves true when an answer
 * with the same transaction id arrives within `timeoutMs` (any class: an
 * answer at all proves the listener is up). Used to know when coturn is ready.
 */
export async function stunAnswers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  const transactionId = randomBytes(12);
  const request = Buffer.alloc(20);
  request.writeUInt16BE(BINDING_REQUEST, 0);
  request.writeUInt16BE(0, 2);
  request.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(request, 8);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      socket.on('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
      socket.on('message', (msg: Buffer) => {
        const matches =
          msg.length >= 20 &&
          msg.readUInt32BE(4) === MAGIC_COOKIE &&
          msg.subarray(8, 20).equals(transactionId);
        if (!matches) return;
        clearTimeout(timer);
        resolve(true);
      });
      socket.send(request, port, host);
    });
  } finally {
    socket.close();
  }
}
