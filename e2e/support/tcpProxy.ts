import { connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

/**
 * A load balancer in front of several nodes, on 127.0.0.1: each new TCP
 * connection goes to the upstream the test chose (`routeTo`), or, with
 * 'any', to the next one in turn; an upstream that refuses the connection
 * (a killed node) is skipped, as a balancer's health checks would. Pages
 * keep one origin (the proxy's), whichever node serves them.
 */
export interface TcpProxy {
  readonly url: string;
  readonly port: number;
  /** Send new connections to upstream `index`, or spread them over the live ones. */
  routeTo(target: number | 'any'): void;
  close(): Promise<void>;
}

export async function startTcpProxy(upstreamPorts: readonly number[]): Promise<TcpProxy> {
  let target: number | 'any' = 'any';
  let next = 0;
  const open = new Set<Socket>();

  const dial = (client: Socket, order: number[]): void => {
    const port = order.shift();
    if (port === undefined) {
      client.destroy();
      return;
    }
    const upstream = connect(port, '127.0.0.1');
    upstream.once('error', () => {
      upstream.destroy();
      if (!client.destroyed) dial(client, order);
    });
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      open.add(upstream);
      upstream.on('close', () => {
        open.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.on('error', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    const ports = [...upstreamPorts];
    let first: number;
    if (target === 'any') {
      first = next % ports.length;
      next += 1;
    } else {
      first = target;
    }
    // The chosen one first, then the others (a refused upstream is skipped).
    dial(client, [...ports.slice(first), ...ports.slice(0, first)]);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    routeTo: (t) => {
      target = t;
    },
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
