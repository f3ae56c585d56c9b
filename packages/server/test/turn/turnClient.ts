import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Family } from './stun.js';
import {
  attr,
  decodeMessage,
  encodeMessage,
  longTermKey,
  looksLikeStun,
  Method,
  MessageClass,
  newTransactionId,
  read,
  Transport,
  verifyFingerprint,
  verifyIntegrity,
  type StunAttribute,
  type StunMessage,
  type TransportAddress,
} from './stun.js';

/**
 * A TURN client over UDP (RFC 8656), one allocation per client, for tests:
 * Allocate with the 401/nonce dance, CreatePermission, ChannelBind, Send
 * indications and Refresh. Protocol answers are typed values; only a missing
 * answer (timeout) or a malformed one throws.
 */

export type TurnAnswer =
  | { ok: true; message: StunMessage }
  | { ok: false; code: number; reason: string; message: StunMessage };

export interface Allocation {
  relayed: TransportAddress[];
  mapped: TransportAddress | undefined;
  lifetime: number | undefined;
}

export type AllocateResult =
  ({ ok: true } & Allocation) | { ok: false; code: number; reason: string };

export interface Credentials {
  username: string;
  password: string;
}

export interface AllocateOptions {
  /** Omit to send an Allocate without any credentials (the server must answer 401). */
  credentials?: Credentials;
  family?: Family;
  transport?: number;
  lifetime?: number;
}

export interface DataIndication {
  peer: TransportAddress;
  data: Buffer;
}

export class TurnTimeoutError extends Error {
  override readonly name = 'TurnTimeoutError';
}

const DEFAULT_TIMEOUT_MS = 3000;

interface Pending {
  resolve: (m: StunMessage) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface Auth {
  username: string;
  realm: string;
  nonce: string;
  key: Buffer;
}

export class TurnClient {
  private readonly pending = new Map<string, Pending>();
  private auth: Auth | null = null;
  /** Data indications received and not yet taken by nextData(), oldest first. */
  private readonly dataIndications: DataIndication[] = [];
  private dataWaiter: (() => void) | null = null;

  private constructor(
    private readonly socket: Socket,
    readonly server: TransportAddress,
    private readonly timeoutMs: number,
  ) {
    socket.on('message', (buf: Buffer, rinfo: RemoteInfo) => this.onMessage(buf, rinfo));
  }

  static async open(server: TransportAddress, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TurnClient> {
    const socket = createSocket(isIPv6(server.ip) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, isIPv6(server.ip) ? '::1' : '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new TurnClient(socket, server, timeoutMs);
  }

  close(): void {
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error('client closed'));
    }
    this.pending.clear();
    this.socket.close();
  }

  private onMessage(buf: Buffer, rinfo: RemoteInfo): void {
    if (rinfo.port !== this.server.port || !looksLikeStun(buf)) return;
    let msg: StunMessage;
    try {
      msg = decodeMessage(buf);
    } catch {
      return;
    }
    if (msg.cls === MessageClass.Indication && msg.method === Method.Data) {
      const peer = read.xorPeerAddress(msg);
      const data = read.data(msg);
      if (peer !== undefined && data !== undefined) {
        this.dataIndications.push({ peer, data });
        this.dataWaiter?.();
      }
      return;
    }
    const id = msg.transactionId.toString('hex');
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(msg);
  }

  /** Sends one request and waits for the answer with the same transaction id. */
  async request(
    method: Method,
    build: (transactionId: Buffer) => StunAttribute[],
    withAuth: boolean,
  ): Promise<TurnAnswer> {
    const transactionId = newTransactionId();
    const attributes = build(transactionId);
    const auth = withAuth ? this.auth : null;
    if (withAuth && auth === null) throw new Error('no allocation credentials yet');
    const packet = encodeMessage(
      method,
      MessageClass.Request,
      transactionId,
      auth === null
        ? attributes
        : [
            ...attributes,
            attr.username(auth.username),
            attr.realm(auth.realm),
            attr.nonce(auth.nonce),
          ],
      auth === null ? { fingerprint: true } : { integrityKey: auth.key, fingerprint: true },
    );
    const answer = await new Promise<StunMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transactionId.toString('hex'));
        reject(
          new TurnTimeoutError(
            `no answer to method 0x${method.toString(16)} from ${this.server.ip}:${this.server.port} within ${this.timeoutMs} ms`,
          ),
        );
      }, this.timeoutMs);
      this.pending.set(transactionId.toString('hex'), { resolve, reject, timer });
      this.socket.send(packet, this.server.port, this.server.ip, (err) => {
        if (err === null) return;
        clearTimeout(timer);
        this.pending.delete(transactionId.toString('hex'));
        reject(err);
      });
    });
    if (answer.method !== method)
      throw new Error(`answer for method 0x${answer.method.toString(16)}`);
    if (answer.cls === MessageClass.Success) {
      // coturn signs its success answers with the same key; a wrong signature means a broken client.
      if (auth !== null && !verifyIntegrity(answer, auth.key)) {
        throw new Error('success answer with a bad MESSAGE-INTEGRITY');
      }
      return { ok: true, message: answer };
    }
    if (answer.cls !== MessageClass.Error) throw new Error(`unexpected class ${answer.cls}`);
    const error = read.errorCode(answer);
    if (error === undefined) throw new Error('error answer without ERROR-CODE');
    return { ok: false, ...error, message: answer };
  }

  /**
   * Authenticated request that retries once on 438 Stale Nonce, as a real
   * client does.
   */
  private async authed(
    method: Method,
    build: (tid: Buffer) => StunAttribute[],
  ): Promise<TurnAnswer> {
    const first = await this.request(method, build, true);
    if (first.ok || first.code !== 438 || this.auth === null) return first;
    const nonce = read.nonce(first.message);
    if (nonce === undefined) return first;
    this.auth = { ...this.auth, nonce };
    return this.request(method, build, true);
  }

  /** The next Data indication (relayed from a peer), or null if none arrives within `timeoutMs`. */
  nextData(timeoutMs: number): Promise<DataIndication | null> {
    return new Promise((resolve) => {
      const take = (): void => {
        const item = this.dataIndications.shift();
        if (item === undefined) return;
        clearTimeout(timer);
        this.dataWaiter = null;
        resolve(item);
      };
      const timer = setTimeout(() => {
        this.dataWaiter = null;
        resolve(null);
      }, timeoutMs);
      this.dataWaiter = take;
      take();
    });
  }

  async binding(): Promise<TurnAnswer> {
    return this.request(Method.Binding, () => [], false);
  }

  async allocate(options: AllocateOptions = {}): Promise<AllocateResult> {
    const build = (): StunAttribute[] => {
      const attrs = [attr.requestedTransport(options.transport ?? Transport.UDP)];
      if (options.family !== undefined) attrs.push(attr.requestedAddressFamily(options.family));
      if (options.lifetime !== undefined) attrs.push(attr.lifetime(options.lifetime));
      return attrs;
    };
    // First attempt without credentials: the server answers 401 with REALM and NONCE.
    const challenge = await this.request(Method.Allocate, build, false);
    if (challenge.ok) return allocation(challenge.message);
    if (challenge.code !== 401 || options.credentials === undefined) return failure(challenge);
    const realm = read.realm(challenge.message);
    const nonce = read.nonce(challenge.message);
    if (realm === undefined || nonce === undefined) throw new Error('401 without REALM or NONCE');
    const { username, password } = options.credentials;
    this.auth = { username, realm, nonce, key: longTermKey(username, realm, password) };
    const answer = await this.authed(Method.Allocate, build);
    return answer.ok ? allocation(answer.message) : failure(answer);
  }

  async createPermission(peers: readonly TransportAddress[]): Promise<TurnAnswer> {
    return this.authed(Method.CreatePermission, (tid) =>
      peers.map((p) => attr.xorPeerAddress(p, tid)),
    );
  }

  async channelBind(channel: number, peer: TransportAddress): Promise<TurnAnswer> {
    return this.authed(Method.ChannelBind, (tid) => [
      attr.channelNumber(channel),
      attr.xorPeerAddress(peer, tid),
    ]);
  }

  /** Refresh; lifetime 0 deletes the allocation. */
  async refresh(lifetime: number): Promise<TurnAnswer> {
    return this.authed(Method.Refresh, () => [attr.lifetime(lifetime)]);
  }

  /** Send indication: no answer exists, the server relays or silently drops. */
  async sendIndication(peer: TransportAddress, data: Buffer): Promise<void> {
    const tid = newTransactionId();
    const packet = encodeMessage(
      Method.Send,
      MessageClass.Indication,
      tid,
      [attr.xorPeerAddress(peer, tid), attr.data(data)],
      { fingerprint: true },
    );
    await new Promise<void>((resolve, reject) =>
      this.socket.send(packet, this.server.port, this.server.ip, (err) =>
        err === null ? resolve() : reject(err),
      ),
    );
  }
}

function allocation(message: StunMessage): AllocateResult {
  if (!verifyFingerprint(message)) throw new Error('Allocate success without a valid FINGERPRINT');
  return {
    ok: true,
    relayed: read.xorRelayedAddresses(message),
    mapped: read.xorMappedAddress(message),
    lifetime: read.lifetime(message),
  };
}

function failure(answer: Extract<TurnAnswer, { ok: false }>): AllocateResult {
  return { ok: false, code: answer.code, reason: answer.reason };
}
