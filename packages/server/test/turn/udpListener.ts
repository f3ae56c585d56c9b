import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/** A UDP socket on loopback that records what arrives, standing in for a service the relay must not reach. */
export interface UdpListener {
  socket: Socket;
  port: number;
  /**
   * The next datagram, or null if none arrives within `timeoutMs` (used to
   * prove that nothing was relayed: the wait is bounded, the event is awaited).
   */
  next(timeoutMs: number): Promise<{ data: Buffer; from: RemoteInfo } | null>;
  close(): Promise<void>;
}

export async function openUdpListener(host: '127.0.0.1' | '::1'): Promise<UdpListener> {
  const socket = createSocket(host === '::1' ? 'udp6' : 'udp4');
  const queue: { data: Buffer; from: RemoteInfo }[] = [];
  let waiter: (() => void) | null = null;
  socket.on('message', (data: Buffer, from: RemoteInfo) => {
    queue.push({ data, from });
    waiter?.();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  return {
    socket,
    port: socket.address().port,
    next: (timeoutMs) =>
      new Promise((resolve) => {
        const take = (): void => {
          const item = queue.shift();
          if (item === undefined) return;
          clearTimeout(timer);
          waiter = null;
          resolve(item);
        };
        const timer = setTimeout(() => {
          waiter = null;
          resolve(null);
        }, timeoutMs);
        waiter = take;
        take();
      }),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
