/**
 * `mizzen control` as a process: flags bound and validated (the bad one named), ports 0 for
 * free ports (reported on stdout), /ready, a real ADS client served, and SIGTERM closing the
 * stream with an OK status before a clean exit.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { TypeUrls } from '../../../src/core/xds/type-urls.ts';
import { repoRoot } from '../../helpers/paths.ts';
import { AdsTestClient, sidecarNode } from './ads-client.ts';
import { FIXTURE } from './bookinfo.ts';

const entry = join(repoRoot, 'test/fixtures/control-cli.ts');
const children: ChildProcess[] = [];
after(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

function run(args: string[]): { child: ChildProcess; stdout: Promise<string>; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [entry, 'control', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const stdout = new Promise<string>((resolve) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.on('close', () => resolve(out));
  });
  return { child, stdout, stderr: () => err, exit: new Promise((resolve) => child.on('close', (code) => resolve(code))) };
}

describe('mizzen control', () => {
  it('refuses a bad flag value, naming the flag', async () => {
    const bad = run(['--xds-port', '99999']);
    assert.equal(await bad.exit, 1);
    assert.match(bad.stderr(), /mizzen: invalid value for --xds-port: "99999": expected a port number/);
    const policy = run(['--outbound-traffic-policy', 'SOMETIMES']);
    assert.equal(await policy.exit, 1);
    assert.match(policy.stderr(), /--outbound-traffic-policy.*SOMETIMES.*ALLOW_ANY, REGISTRY_ONLY/);
  });

  it('serves ADS and the debug API, and on SIGTERM ends the streams with OK and exits 0', async () => {
    const cp = run(['--registry', join(FIXTURE, 'registry.json'), '-f', join(FIXTURE, 'config'), '--xds-port', '0', '--debug-port', '0',
      '--debug-address', '127.0.0.1', '--instance-id', 'istiod-cli-test', '--outbound-traffic-policy', 'REGISTRY_ONLY']);
    const line = await cp.stdout;
    const ports = JSON.parse(line) as { xdsPort: number; debugPort: number; instanceId: string };
    assert.equal(ports.instanceId, 'istiod-cli-test');
    assert.equal((await fetch(`http://127.0.0.1:${ports.debugPort}/ready`)).status, 200);
    const client = new AdsTestClient(ports.xdsPort, sidecarNode('productpage-v1-x', 'default', '10.250.0.2', { app: 'productpage' }));
    client.request(TypeUrls.listener);
    const lds = await client.next(TypeUrls.listener);
    assert.equal(lds.controlPlane, 'istiod-cli-test');
    assert.match(JSON.stringify(lds.resources.find((l) => l['name'] === 'virtualOutbound')), /BlackHoleCluster/);
    cp.child.kill('SIGTERM');
    assert.equal(await cp.exit, 0);
    for (let i = 0; i < 50 && !client.status; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(client.status?.code, grpc.status.OK, 'the stream was ended, not broken');
    client.close();
    assert.match(cp.stderr(), /SIGTERM: closing xDS streams/);
  });
});
