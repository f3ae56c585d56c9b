// Creates a self-signed certificate in .certs/ so that phones on the LAN can
// open Parley over https (browsers give camera and microphone only to secure
// pages: https, or http on localhost). The certificate names localhost and
// this machine's current LAN addresses; browsers will warn once because it
// is self-signed. For a real deployment use a certificate from a CA.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { networkInterfaces, hostname } from 'node:os';

const dir = '.certs';
const cert = `${dir}/cert.pem`;
const key = `${dir}/key.pem`;

const addresses = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a && !a.internal)
  .map((a) => a.address.split('%')[0]);
const san = [
  'DNS:localhost',
  `DNS:${hostname()}`,
  'IP:127.0.0.1',
  'IP:::1',
  ...addresses.map((a) => `IP:${a}`),
].join(',');

if (existsSync(cert) && existsSync(key) && !process.argv.includes('--force')) {
  console.info(`Using existing ${cert} (run with --force to recreate).`);
} else {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    console.error('openssl is needed to create the certificate: apt-get install -y openssl');
    process.exit(1);
  }
  const cnf = `${dir}/openssl.cnf`;
  writeFileSync(
    cnf,
    `[req]\ndistinguished_name=dn\nx509_extensions=ext\nprompt=no\n[dn]\nCN=Parley (self-signed)\n[ext]\nsubjectAltName=${san}\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
  );
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '365',
      '-keyout',
      key,
      '-out',
      cert,
      '-config',
      cnf,
    ],
    { stdio: 'inherit' },
  );
  console.info(`Created ${cert} for ${san}`);
}
for (const a of addresses.filter((a) => !a.includes(':'))) {
  console.info(`Phones on this network can open https://${a}:${process.env.PORT ?? 3000}`);
}
