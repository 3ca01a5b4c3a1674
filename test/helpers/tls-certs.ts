/**
 * Test certificates made with openssl in a temporary directory: a CA, a server certificate for
 * the given DNS names signed by it, and a client certificate signed by it (for MUTUAL), plus a
 * client certificate from another CA that must be refused. PEM file paths are returned; the
 * files are world-readable so that a gateway running as uid 1337 can load them.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  readonly dir: string;
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly strangerCert: string;
  readonly strangerKey: string;
}

const openssl = (args: string[]): void => void execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

function selfSigned(dir: string, name: string): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
    '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`)]);
}

function signed(dir: string, ca: string, name: string, dnsNames: readonly string[]): void {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${dnsNames[0] ?? name}`, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.csr`)]);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, dnsNames.length > 0 ? `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(',')}\n` : 'extendedKeyUsage=clientAuth\n');
  openssl(['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', join(dir, `${ca}.pem`), '-CAkey', join(dir, `${ca}.key`), '-CAcreateserial',
    '-days', '2', '-extfile', ext, '-out', join(dir, `${name}.pem`)]);
}

export function makeTestCerts(dnsNames: readonly string[]): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'mizzen-tls-'));
  selfSigned(dir, 'ca');
  selfSigned(dir, 'other-ca');
  signed(dir, 'ca', 'server', dnsNames);
  signed(dir, 'ca', 'client', []);
  signed(dir, 'other-ca', 'stranger', []);
  chmodSync(dir, 0o755);
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
  const p = (n: string): string => join(dir, n);
  return {
    dir, ca: p('ca.pem'), serverCert: p('server.pem'), serverKey: p('server.key'), clientCert: p('client.pem'), clientKey: p('client.key'),
    strangerCert: p('stranger.pem'), strangerKey: p('stranger.key'),
  };
}
