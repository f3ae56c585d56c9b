import { PROTOCOL_VERSION } from '@parley/protocol';
import WebSocket from 'ws';

/**
 * A raw Engine.IO v4 / Socket.IO v5 client over a bare WebSocket: sends
 * exactly the text frames it is given, as an attacker's client would,
 * including several in one write and frames no socket.io-client would ever
 * produce. Frames: "4" + Socket.IO packet ("0" connect, "1" disconnect,
 * "2" event, "3" ack, "5" binary event...).
 */
export class RawSocket {
  readonly received: string[] = [];
  #ws: WebSocket;
  #closed = false;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data: WebSocket.RawData) => {
      const text = data.toString();
      // Answer the server's heartbeat so the connection stays up.
      if (text === '2') ws.send('3');
      else this.received.push(text);
    });
    ws.on('close', () => {
      this.#closed = true;
    });
    ws.on('error', () => {
      this.#closed = true;
    });
  }

  get closed(): boolean {
    return this.#closed || this.#ws.readyState !== WebSocket.OPEN;
  }

  /** Open the transport and the Socket.IO namespace (handshake auth with our protocol version). */
  static async connect(httpUrl: string, auth: unknown = { protocolVersion: PROTOCOL_VERSION }) {
    const url = `${httpUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url);
    const raw = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await raw.waitFor((m) => m.startsWith('0{'));
    ws.send(`40${JSON.stringify(auth)}`);
    await raw.waitFor((m) => m.startsWith('40') || m.startsWith('44'));
    return raw;
  }

  /** Send each frame as its own WebSocket message, all in the same tick (one TCP write). */
  send(...frames: (string | Buffer)[]): void {
    if (this.closed) return;
    this.#ws.cork?.();
    for (const f of frames) this.#ws.send(f);
  }

  /** Send a Socket.IO event with an ack id; resolves with the ack's arguments. */
  async request(event: string, payload: unknown, id = Math.floor(Math.random() * 1e9)) {
    this.send(`42${id}${JSON.stringify([event, payload])}`);
    const ack = await this.waitFor((m) => m.startsWith(`43${id}`));
    return JSON.parse(ack.slice(`43${id}`.length)) as unknown[];
  }

  async waitFor(match: (message: string) => boolean, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(match);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error('raw socket: no matching message');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.#ws.terminate();
  }
}
