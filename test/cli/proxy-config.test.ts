/**
 * `mizzen proxy-config` over a saved config_dump in Envoy's own (snake_case) shape: istioctl's
 * short tables for listeners (HTTP, TCP and inbound filter chains), clusters (subsets and their
 * DestinationRule), routes (with the VirtualService), endpoints (health), the filters, and JSON
 * output in proto3 (camelCase) form with user maps left as they are.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { repoRoot } from '../helpers/paths.ts';

const file = join(repoRoot, 'test', 'fixtures', 'proxy-config', 'productpage.json');
const pc = async (...args: string[]): Promise<string> => {
  const r = await runCli(['proxy-config', ...args, '--file', file]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
};
const rows = (text: string): string[][] => text.trim().split('\n').map((l) => l.split(/\s{2,}/));

describe('mizzen proxy-config (istioctl proxy-config)', () => {
  it('listeners: one row per filter chain, with istioctl MATCH and DESTINATION', async () => {
    assert.deepEqual(rows(await pc('listener')), [
      ['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION'],
      ['10.96.0.7', '3306', 'ALL', 'Cluster: outbound|3306||mysql.default.svc.cluster.local'],
      ['0.0.0.0', '9080', 'ALL', 'Route: 9080'],
      ['0.0.0.0', '15006', 'Trans: raw_buffer; Addr: *:9080', 'Cluster: inbound|9080||'],
      ['0.0.0.0', '15006', 'ALL', 'InboundPassthroughCluster'],
    ]);
    assert.equal(rows(await pc('listener', '--port', '15006')).length, 3);
    assert.equal(rows(await pc('listener', '--type', 'HTTP')).length, 2);
  });

  it('clusters: FQDN, port, subset, direction, type and DestinationRule', async () => {
    const out = rows(await pc('cluster'));
    assert.deepEqual(out[0], ['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE']);
    assert.ok(out.some((r) => r.join('|') === 'reviews.default.svc.cluster.local|9080|v2|outbound|EDS|reviews.default'));
    assert.ok(out.some((r) => r[1] === '9080' && r[2] === '-' && r[3] === 'inbound' && r[4] === 'ORIGINAL_DST'));
    assert.equal(rows(await pc('cluster', '--fqdn', 'reviews', '--subset', 'v2')).length, 2);
    assert.equal(rows(await pc('cluster', '--direction', 'inbound')).length, 2);
  });

  it('routes: domains shortened as istioctl does, and the VirtualService', async () => {
    const out = rows(await pc('route'));
    assert.deepEqual(out[1], ['9080', 'reviews.default.svc.cluster.local:9080', 'reviews.default.svc.cluster.local, reviews + 1 more...', '/*', 'reviews.default']);
  });

  it('endpoints: status and cluster, filterable by status', async () => {
    assert.deepEqual(rows(await pc('endpoint', '--status', 'UNHEALTHY')), [
      ['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER'],
      ['10.250.0.10:9080', 'UNHEALTHY', 'OK', 'outbound|9080|v2|reviews.default.svc.cluster.local'],
    ]);
  });

  it('-o json prints proto3 JSON (camelCase) and keeps user maps as they are', async () => {
    const listeners = JSON.parse(await pc('listener', '--port', '15006', '-o', 'json')) as { name: string; address: { socketAddress: { portValue: number } } }[];
    assert.equal(listeners[0]?.name, 'virtualInbound');
    assert.equal(listeners[0]?.address.socketAddress.portValue, 15006);
    const boot = JSON.parse(await pc('bootstrap', '-o', 'json')) as { node: { metadata: { LABELS: Record<string, string> } } };
    assert.deepEqual(boot.node.metadata.LABELS, { app_name: 'productpage' });
  });

  it('bad input names the flag', async () => {
    const r = await runCli(['proxy-config', 'listener', '--file', file, '-o', 'xml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /-o\/--output: "xml"/);
    const t = await runCli(['proxy-config', 'secrets', '--file', file]);
    assert.match(t.stderr, /TYPE: "secrets"/);
  });
});
