import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCoturnConfig } from './coturnConfig.js';
import {
  CoturnEnvSchema,
  coturnOptionsFromEnv,
  coturnPaths,
  parseCoturnEnv,
  TURN_ENV_DOCS,
  turnUrlsFromEnv,
  type CoturnEnv,
} from './coturnEnv.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const minimal = { TURN_SECRET: SECRET, TURN_RELAY_IP: '93.184.215.7' };

function env(extra: Record<string, string | undefined> = {}): CoturnEnv {
  const r = parseCoturnEnv({ ...minimal, ...extra });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.env;
}

function errorsOf(source: Record<string, string | undefined>): string[] {
  const r = parseCoturnEnv(source);
  if (r.ok) throw new Error('expected the environment to be refused');
  return r.errors;
}

describe('coturn environment', () => {
  it('applies the documented defaults', () => {
    const e = env();
    expect(e.TURN_REALM).toBe('parley');
    expect(e.TURN_LISTEN_IPS).toEqual(['0.0.0.0']);
    expect(e.TURN_RELAY_IP).toEqual(['93.184.215.7']);
    expect(e.TURN_EXTERNAL_IP).toEqual([]);
    expect([e.TURN_PORT, e.TURNS_PORT, e.TURN_MIN_PORT, e.TURN_MAX_PORT]).toEqual([
      3478, 5349, 49160, 49200,
    ]);
    expect([e.TURN_USER_QUOTA, e.TURN_TOTAL_QUOTA]).toEqual([12, 1200]);
    expect(e.TURN_CONFIG_DIR).toBe('.turn');
  });

  it('treats empty variables as unset', () => {
    const e = env({ TURN_REALM: '', TURN_PORT: ' ', TURN_EXTERNAL_IP: '', TURN_TLS_CERT: '' });
    expect(e.TURN_REALM).toBe('parley');
    expect(e.TURN_PORT).toBe(3478);
    expect(e.TURN_TLS_CERT).toBeUndefined();
  });

  it('requires TURN_SECRET, at least 32 bytes, without surrounding spaces', () => {
    expect(errorsOf({ TURN_RELAY_IP: '93.184.215.7' }).join('\n')).toMatch(
      /^TURN_SECRET: .*openssl rand -hex 32/m,
    );
    expect(errorsOf({ ...minimal, TURN_SECRET: 'x'.repeat(31) }).join('\n')).toMatch(
      /TURN_SECRET: must be at least 32 bytes/,
    );
    expect(errorsOf({ ...minimal, TURN_SECRET: `${SECRET} ` }).join('\n')).toMatch(
      /TURN_SECRET: .*spaces/,
    );
    expect(env({ TURN_SECRET: 'x'.repeat(32) }).TURN_SECRET).toHaveLength(32);
  });

  it('requires TURN_RELAY_IP and says how to find it', () => {
    const errors = errorsOf({ TURN_SECRET: SECRET }).join('\n');
    expect(errors).toMatch(/^TURN_RELAY_IP: is required/m);
    expect(errors).toContain('ip -brief address');
    expect(errors).toContain('TURN_EXTERNAL_IP');
    expect(errorsOf({ ...minimal, TURN_RELAY_IP: '0.0.0.0' }).join('\n')).toMatch(
      /TURN_RELAY_IP: must name a real address/,
    );
    expect(errorsOf({ ...minimal, TURN_RELAY_IP: '10.0.0.0/8' }).join('\n')).toMatch(
      /TURN_RELAY_IP.*IP address/,
    );
  });

  it('parses address lists and external mappings', () => {
    const e = env({
      TURN_LISTEN_IPS: '0.0.0.0, ::',
      TURN_RELAY_IP: '10.0.0.5,2001:db8::5',
      TURN_EXTERNAL_IP: '93.184.215.7/10.0.0.5',
    });
    expect(e.TURN_LISTEN_IPS).toEqual(['0.0.0.0', '::']);
    expect(e.TURN_RELAY_IP).toEqual(['10.0.0.5', '2001:db8::5']);
    expect(e.TURN_EXTERNAL_IP).toEqual([{ publicIp: '93.184.215.7', privateIp: '10.0.0.5' }]);
    expect(errorsOf({ ...minimal, TURN_EXTERNAL_IP: 'example.com' }).join('\n')).toMatch(
      /TURN_EXTERNAL_IP/,
    );
    expect(errorsOf({ ...minimal, TURN_LISTEN_IPS: 'localhost' }).join('\n')).toMatch(
      /TURN_LISTEN_IPS/,
    );
  });

  it('checks ports and TLS settings together', () => {
    expect(errorsOf({ ...minimal, TURN_PORT: '70000' }).join('\n')).toMatch(/TURN_PORT/);
    expect(
      errorsOf({ ...minimal, TURN_MIN_PORT: '50000', TURN_MAX_PORT: '49000' }).join('\n'),
    ).toMatch(/TURN_MIN_PORT/);
    expect(errorsOf({ ...minimal, TURN_PORT: '49170' }).join('\n')).toMatch(/relay port range/);
    expect(
      errorsOf({ ...minimal, TURN_TLS_CERT: '/c.pem', TURN_HOST: 'turn.example.com' }).join('\n'),
    ).toMatch(/TURN_TLS_KEY: .*together/);
    expect(
      errorsOf({ ...minimal, TURN_TLS_CERT: '/c.pem', TURN_TLS_KEY: '/k.pem' }).join('\n'),
    ).toMatch(/TURN_HOST: is required with TLS/);
    expect(errorsOf({ ...minimal, TURN_HOST: 'https://turn.example.com' }).join('\n')).toMatch(
      /TURN_HOST/,
    );
  });

  it('documents every variable it reads', () => {
    expect(TURN_ENV_DOCS.map((d) => d.name).sort()).toEqual(
      Object.keys(CoturnEnvSchema.shape).sort(),
    );
    for (const d of TURN_ENV_DOCS) expect(d.description.length, d.name).toBeGreaterThan(10);
  });

  it('matches the table in docs/turn.md (name and default)', () => {
    const doc = readFileSync(new URL('../../../../docs/turn.md', import.meta.url), 'utf8');
    for (const d of TURN_ENV_DOCS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${d.name}\` `));
      expect(row, d.name).toBeDefined();
      const cells = (row ?? '').split('|').map((c) => c.trim().replace(/`/g, ''));
      expect(cells[2], d.name).toBe(d.default);
    }
  });
});

describe('TURN URLs for the Parley server', () => {
  it('lists UDP and TCP on the relay address', () => {
    expect(turnUrlsFromEnv(env())).toEqual([
      'turn:93.184.215.7:3478?transport=udp',
      'turn:93.184.215.7:3478?transport=tcp',
    ]);
  });

  it('prefers TURN_HOST, then the external address; brackets IPv6', () => {
    expect(turnUrlsFromEnv(env({ TURN_HOST: 'turn.example.com' }))[0]).toBe(
      'turn:turn.example.com:3478?transport=udp',
    );
    expect(
      turnUrlsFromEnv(env({ TURN_RELAY_IP: '10.0.0.5', TURN_EXTERNAL_IP: '93.184.215.7' }))[0],
    ).toBe('turn:93.184.215.7:3478?transport=udp');
    expect(turnUrlsFromEnv(env({ TURN_RELAY_IP: '2001:db8::5' }))[1]).toBe(
      'turn:[2001:db8::5]:3478?transport=tcp',
    );
  });

  it('adds turns: on the TLS port with the certificate host name', () => {
    const urls = turnUrlsFromEnv(
      env({
        TURN_TLS_CERT: '/c.pem',
        TURN_TLS_KEY: '/k.pem',
        TURN_HOST: 'turn.example.com',
        TURNS_PORT: '443',
      }),
    );
    expect(urls).toEqual([
      'turn:turn.example.com:3478?transport=udp',
      'turn:turn.example.com:3478?transport=tcp',
      'turns:turn.example.com:443?transport=tcp',
    ]);
  });
});

describe('environment to turnserver.conf', () => {
  it('renders the hardened config from the environment', () => {
    const e = env({ TURN_CONFIG_DIR: '/srv/turn', TURN_USER_QUOTA: '6' });
    const paths = coturnPaths(e);
    expect(paths).toEqual({
      dir: '/srv/turn',
      configFile: '/srv/turn/turnserver.conf',
      pidFile: '/srv/turn/turnserver.pid',
      userDbFile: '/srv/turn/turndb',
    });
    const text = renderCoturnConfig(coturnOptionsFromEnv(e, paths));
    expect(text).toContain('\nrelay-ip=93.184.215.7\n');
    expect(text).toContain('\nlistening-ip=0.0.0.0\n');
    expect(text).toContain('\nuser-quota=6\n');
    expect(text).toContain('\nno-tls\n');
    expect(text).toContain(`\nstatic-auth-secret=${SECRET}\n`);
  });
});
