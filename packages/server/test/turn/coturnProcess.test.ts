import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { CoturnStartError, findConfigErrors, startCoturn } from '../../src/turn/coturnProcess.js';
import { stunAnswers } from '../../src/turn/stunProbe.js';
import {
  freeListeningPort,
  requireCoturnHost,
  startTestCoturn,
  testCoturnConfig,
} from './coturnHarness.js';
import {
  decodeMessage,
  encodeMessage,
  MessageClass,
  Method,
  newTransactionId,
  read,
} from './stun.js';

/**
 * startCoturn must refuse to report a coturn that started with part of its
 * config dropped (coturn 4.6.1 logs "Wrong address format" and runs anyway).
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts coturn with the test config edited by `edit` and expects CoturnStartError. */
async function expectStartFailure(edit: (text: string) => string): Promise<CoturnStartError> {
  const binary = requireCoturnHost();
  const config = await testCoturnConfig();
  cleanups.push(() => rm(config.dir, { recursive: true, force: true }));
  const error = await startCoturn({
    configText: edit(config.configText),
    dir: config.dir,
    binary,
  }).then(
    () => {
      throw new Error('coturn started although its config was broken');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CoturnStartError);
  // The process was stopped: nothing answers on the port and the pid is gone.
  expect(await stunAnswers('127.0.0.1', config.port, 300)).toBe(false);
  const pidFile = join(config.dir, 'turnserver.pid');
  if (existsSync(pidFile))
    expect(isAlive(Number((await readFile(pidFile, 'utf8')).trim()))).toBe(false);
  return error as CoturnStartError;
}

describe('startCoturn', () => {
  it('starts the rendered config cleanly, writes it 0600, and stop() ends the process', async () => {
    const coturn = await startTestCoturn();
    cleanups.push(() => coturn.stop());
    expect(findConfigErrors(coturn.turn.log())).toEqual([]);
    expect(statSync(coturn.turn.configFile).mode & 0o777).toBe(0o600);
    expect(await readFile(coturn.turn.configFile, 'utf8')).toBe(coturn.configText);
    expect(await stunAnswers('127.0.0.1', coturn.port, 1000)).toBe(true);
    expect(await stunAnswers('::1', coturn.port, 1000)).toBe(true);
    expect(isAlive(coturn.turn.pid)).toBe(true);

    await coturn.turn.stop();
    const exit = await coturn.turn.exited;
    expect(exit.code !== null || exit.signal !== null).toBe(true);
    expect(isAlive(coturn.turn.pid)).toBe(false);
    expect(await stunAnswers('127.0.0.1', coturn.port, 300)).toBe(false);
    await coturn.turn.stop(); // idempotent
  });

  it('fails on a CIDR deny line that coturn would silently drop', async () => {
    const error = await expectStartFailure((t) => `${t}denied-peer-ip=10.0.0.0/8\n`);
    expect(error.message).toMatch(/configuration error/);
    expect(error.logExcerpt).toContain('Wrong address format: 10.0.0.0/8');
  });

  it('fails on an unknown directive', async () => {
    const error = await expectStartFailure((t) => `${t}no-such-option\n`);
    expect(error.logExcerpt).toMatch(/Bad configuration format: no-such-option/);
  });

  it('fails when the user DB cannot be created (every credential would get 401)', async () => {
    const error = await expectStartFailure((t) =>
      t.replace(/^userdb=.*$/m, 'userdb=/nonexistent-parley-dir/turndb'),
    );
    expect(error.message).toMatch(/userdb/);
  });
});

describe('TURN over TLS', () => {
  it('serves STUN over TLS (1.2 or newer) with the configured certificate', async () => {
    const certDir = await mkdtemp(join(tmpdir(), 'parley-turn-tls-'));
    cleanups.push(() => rm(certDir, { recursive: true, force: true }));
    const certFile = join(certDir, 'cert.pem');
    const keyFile = join(certDir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
    const tlsPort = await freeListeningPort();
    const coturn = await startTestCoturn({ tls: { port: tlsPort, certFile, keyFile } });
    cleanups.push(() => coturn.stop());
    expect(coturn.configText).toContain(`tls-listening-port=${tlsPort}`);

    const socket = connect({
      host: '127.0.0.1',
      port: tlsPort,
      servername: 'localhost',
      ca: await readFile(certFile),
    });
    cleanups.push(async () => {
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    expect(['TLSv1.2', 'TLSv1.3']).toContain(socket.getProtocol());
    const tid = newTransactionId();
    socket.write(
      encodeMessage(Method.Binding, MessageClass.Request, tid, [], { fingerprint: true }),
    );
    const answer = await new Promise<Buffer>((resolve, reject) => {
      socket.once('data', resolve);
      socket.once('error', reject);
    });
    const m = decodeMessage(answer);
    expect(m.cls).toBe(MessageClass.Success);
    expect(m.transactionId.equals(tid)).toBe(true);
    expect(read.xorMappedAddress(m)?.ip).toBe('127.0.0.1');
  });
});
