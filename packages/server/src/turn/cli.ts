import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeniedPeer, renderCoturnConfig } from './coturnConfig.js';
import {
  coturnOptionsFromEnv,
  coturnPaths,
  parseCoturnEnv,
  turnUrlsFromEnv,
  type CoturnEnv,
} from './coturnEnv.js';
import {
  findTurnserver,
  probeTargetsFromConfig,
  startCoturn,
  CoturnStartError,
} from './coturnProcess.js';
import { stunAnswers } from './stunProbe.js';

/**
 * `npm run turn`: validate the TURN_* environment, install Debian's coturn
 * if it is missing (as root), write a hardened turnserver.conf and run
 * turnserver in the foreground until SIGINT/SIGTERM.
 */

const log = (line: string): void => console.info(`[turn] ${line}`);
const fail = (line: string): void => console.error(`[turn] ${line}`);

function installCoturn(): string | null {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    fail("turnserver is not installed. Install Debian's coturn package, then run again:");
    fail('  sudo apt-get update && sudo apt-get install -y coturn');
    return null;
  }
  log("turnserver not found; installing Debian's coturn package (apt-get install -y coturn)...");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'coturn']]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      fail(`apt-get ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}).`);
      return null;
    }
  }
  // The package ships a system service with its own config; two turnservers would share the port.
  const svc = spawnSync('systemctl', ['is-active', '--quiet', 'coturn'], { stdio: 'ignore' });
  if (svc.status === 0) {
    fail("Debian started its own coturn service; stop it so only Parley's config runs:");
    fail('  systemctl disable --now coturn');
  }
  return findTurnserver();
}

/** Refuses certificates that cannot work: unreadable, expired, or for another host name. */
function checkTls(env: CoturnEnv): string[] {
  if (env.TURN_TLS_CERT === undefined || env.TURN_HOST === undefined) return [];
  const problems: string[] = [];
  try {
    readFileSync(env.TURN_TLS_KEY ?? '');
  } catch (e) {
    problems.push(`TURN_TLS_KEY: cannot read ${env.TURN_TLS_KEY}: ${(e as Error).message}`);
  }
  try {
    const cert = new X509Certificate(readFileSync(env.TURN_TLS_CERT));
    if (Date.parse(cert.validTo) < Date.now())
      problems.push(`TURN_TLS_CERT: expired on ${cert.validTo}`);
    const matches =
      cert.checkHost(env.TURN_HOST) !== undefined || cert.checkIP(env.TURN_HOST) !== undefined;
    if (!matches) problems.push(`TURN_TLS_CERT: not valid for TURN_HOST=${env.TURN_HOST}`);
  } catch (e) {
    problems.push(
      `TURN_TLS_CERT: cannot read a PEM certificate from ${env.TURN_TLS_CERT}: ${(e as Error).message}`,
    );
  }
  return problems;
}

export async function runTurnCli(source: Record<string, string | undefined>): Promise<number> {
  const parsed = parseCoturnEnv(source);
  if (!parsed.ok) {
    fail('invalid TURN environment (see docs/turn.md):');
    for (const e of parsed.errors) fail(`  ${e}`);
    return 2;
  }
  const env = parsed.env;
  const tlsProblems = checkTls(env);
  if (tlsProblems.length > 0) {
    tlsProblems.forEach(fail);
    return 2;
  }
  const binary = findTurnserver() ?? installCoturn();
  if (binary === null) return 1;

  const paths = coturnPaths(env);
  const dir = resolve(paths.dir);
  const configText = renderCoturnConfig(
    coturnOptionsFromEnv(env, {
      pidFile: resolve(paths.pidFile),
      userDbFile: resolve(paths.userDbFile),
    }),
  );

  // coturn binds with SO_REUSEPORT: a second turnserver on the same port starts
  // "fine" and the two share the traffic. Refuse instead.
  for (const t of probeTargetsFromConfig(configText)) {
    if (await stunAnswers(t.host, t.port, 500)) {
      fail(
        `something already answers STUN on ${t.host}:${t.port} (Debian's coturn service? systemctl disable --now coturn)`,
      );
      return 1;
    }
  }
  for (const ip of env.TURN_EXTERNAL_IP.length > 0
    ? env.TURN_EXTERNAL_IP.map((e) => e.publicIp)
    : env.TURN_RELAY_IP) {
    if (isDeniedPeer(ip)) {
      log(`note: relay address ${ip} is not public; clients outside its network cannot reach it`);
      log('      (behind 1:1 NAT set TURN_EXTERNAL_IP to the public address).');
    }
  }

  const turn = await startCoturn({
    configText,
    dir,
    binary,
    onOutput: (chunk) => process.stdout.write(chunk),
  }).catch((e: unknown) => {
    fail(e instanceof CoturnStartError ? e.message : `cannot start turnserver: ${String(e)}`);
    return null;
  });
  if (turn === null) return 1;

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping turnserver (pid ${turn.pid})`);
    void turn.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const urls = turnUrlsFromEnv(env).join(',');
  const relayPorts = `${env.TURN_MIN_PORT}-${env.TURN_MAX_PORT}/udp`;
  const tlsPort = env.TURN_TLS_CERT === undefined ? '' : `, ${env.TURNS_PORT}/tcp`;
  log(`turnserver running (pid ${turn.pid}), config ${turn.configFile}`);
  log('Set on the Parley server:');
  log(`  TURN_URLS=${urls}`);
  log(`  TURN_SECRET=<the same TURN_SECRET>  TURN_REALM=${env.TURN_REALM}`);
  log(`Open in the firewall: ${env.TURN_PORT}/udp, ${env.TURN_PORT}/tcp${tlsPort}, ${relayPorts}`);
  // A stable line for scripts that start this CLI and need the URLs.
  console.info(`TURN_URLS=${urls}`);

  const exit = await turn.exited;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (stopping) return 0;
  fail(`turnserver exited unexpectedly (code ${exit.code}, signal ${exit.signal})`);
  return exit.code === null || exit.code === 0 ? 1 : exit.code;
}

// Run when executed directly (`node dist/turn/cli.js`); scripts/turn.mjs imports runTurnCli.
if (
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(resolve(process.argv[1])).href
) {
  process.exitCode = await runTurnCli(process.env);
}
