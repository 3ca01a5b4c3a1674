/**
 * Cross-resource analysis and `mizzen analyze`: the bookinfo sample with its ingress gateway is
 * clean; the broken fixture shows the four problems (missing subset, missing Gateway, selector
 * matching no workload, two VirtualServices for one host on one gateway) plus a DestinationRule
 * for a host no service has; a registry.json supplies workloads; schema errors are IST0106.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyze, analyzePaths } from '../../../src/control/config/analyze/analyze.ts';
import { formatMessage } from '../../../src/control/config/analyze/messages.ts';
import { loadText } from '../../../src/control/config/source/load.ts';
import { repoRoot } from '../../helpers/paths.ts';

const fixtures = join(repoRoot, 'test', 'fixtures', 'istio');
const lines = async (paths: string[], registry?: string): Promise<string[]> =>
  (await analyzePaths(paths, registry ? { registry } : {})).messages.map((m) => formatMessage(m).replaceAll(`${repoRoot}/`, ''));

const BROKEN = [
  'Error [IST0101] (VirtualService default/reviews test/fixtures/istio/broken/routes.yaml:27) Referenced host+subset in destinationrule not found: "reviews+v4"',
  'Error [IST0101] (Gateway default/shop-gateway test/fixtures/istio/broken/routes.yaml:36) Referenced selector not found: "istio=shop-ingress"',
  'Error [IST0109] (VirtualService default/shop-a test/fixtures/istio/broken/routes.yaml:44) The VirtualServices default/shop-a,default/shop-b associated with '
    + 'gateway default/shop-gateway define the same host shop.example.com which can lead to undefined behavior. This can be fixed by merging the '
    + 'conflicting VirtualServices into a single resource.',
  'Error [IST0109] (VirtualService default/shop-b test/fixtures/istio/broken/routes.yaml:57) The VirtualServices default/shop-a,default/shop-b associated with '
    + 'gateway default/shop-gateway define the same host shop.example.com which can lead to undefined behavior. This can be fixed by merging the '
    + 'conflicting VirtualServices into a single resource.',
  'Error [IST0101] (VirtualService default/orders test/fixtures/istio/broken/routes.yaml:71) Referenced gateway not found: "orders-gateway"',
  'Warning [MZA0001] (DestinationRule default/payments test/fixtures/istio/broken/routes.yaml:81) DestinationRule host not found in the service registry: "payments"',
];

describe('analyze', () => {
  it('finds nothing wrong in bookinfo with its ingress gateway', async () => {
    assert.deepEqual(await lines([join(fixtures, 'bookinfo'), join(fixtures, 'mesh')]), []);
  });

  it('reports a Gateway whose selector matches no workload (bookinfo without the ingress gateway)', async () => {
    assert.deepEqual(await lines([join(fixtures, 'bookinfo')]), [
      'Error [IST0101] (Gateway default/bookinfo-gateway test/fixtures/istio/bookinfo/bookinfo-gateway.yaml:10) Referenced selector not found: "istio=ingressgateway"',
    ]);
  });

  it('finds the cross-resource problems of the broken fixture', async () => {
    assert.deepEqual(await lines([join(fixtures, 'broken')]), BROKEN);
  });

  it('takes workloads and services from a running mesh\'s registry.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mizzen-analyze-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const registry = join(dir, 'registry.json');
    writeFileSync(registry, JSON.stringify({
      version: 3,
      services: [{ name: 'payments', namespace: 'default', hostname: 'payments.default.svc.cluster.local', ports: [{ name: 'http', port: 80 }] }],
      endpoints: [],
      workloads: [{ pod: 'shop-ingress-1', namespace: 'istio-system', ip: '10.250.0.9', labels: { istio: 'shop-ingress' }, sidecar: false }],
    }));
    const got = await lines([join(fixtures, 'broken')], registry);
    assert.deepEqual(got, BROKEN.filter((l) => !l.includes('shop-gateway test') && !l.includes('MZA0001')));
  });

  it('reports schema errors as IST0106 and other messages from the valid resources', () => {
    const f = loadText([
      'apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: reviews}', 'spec:', '  hosts: [reviews]', '  http:',
      '  - route:', '    - destination: {host: reviews, subset: v1}', '    timeout: 3 seconds', '---',
      'apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: ratings}', 'spec:', '  hosts: [ratings]',
      '  gateways: [mesh, istio-system/public]', '  http:', '  - route:', '    - destination: {host: ratings}',
    ].join('\n'), 'vs.yaml');
    assert.deepEqual(analyze({ resources: f.resources, issues: f.issues, objects: f.objects }).map(formatMessage), [
      'Error [IST0106] (VirtualService default/reviews vs.yaml:9) Schema validation error: spec.http[0].timeout = "3 seconds": invalid duration: '
        + 'expected a number with a unit (h, m, s, ms, us, ns), such as "1s", "0.5s", "100ms" or "1m30s"',
      'Error [IST0101] (VirtualService default/ratings vs.yaml:16) Referenced gateway not found: "istio-system/public"',
    ]);
  });

  it('reports conflicting hosts on the mesh gateway with Istio\'s wording, and several Sidecars without selector', () => {
    const doc = (kind: string, name: string, spec: string): string => `apiVersion: networking.istio.io/v1\nkind: ${kind}\nmetadata: {name: ${name}}\nspec: ${spec}\n`;
    const route = '{hosts: [reviews], http: [{route: [{destination: {host: reviews}}]}]}';
    const f = loadText([
      doc('VirtualService', 'a', route), doc('VirtualService', 'b', route.replace('[reviews]', '[reviews.default.svc.cluster.local]')),
      doc('Sidecar', 's1', '{egress: [{hosts: ["./*"]}]}'), doc('Sidecar', 's2', '{egress: [{hosts: ["istio-system/*"]}]}'),
    ].join('---\n'), 'mesh.yaml');
    assert.deepEqual(analyze({ resources: f.resources }).map(formatMessage), [
      'Error [IST0109] (VirtualService default/a mesh.yaml:3) The VirtualServices default/a,default/b associated with mesh gateway define the same host '
        + 'reviews.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.',
      'Error [IST0109] (VirtualService default/b mesh.yaml:8) The VirtualServices default/a,default/b associated with mesh gateway define the same host '
        + 'reviews.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.',
      'Error [IST0111] (Sidecar default/s1 mesh.yaml:13) The Sidecars [s1 s2] in namespace "default" have no workload selector, which can lead to undefined behavior.',
      'Error [IST0111] (Sidecar default/s2 mesh.yaml:18) The Sidecars [s1 s2] in namespace "default" have no workload selector, which can lead to undefined behavior.',
    ]);
  });
});

/** The command as main.ts will wire it: a commander program with registerAnalyze, in a child process. */
function runAnalyze(args: string[]): { code: number; stdout: string; stderr: string } {
  const entry = join(repoRoot, 'src', 'cli', 'analyze.ts');
  const script = `import { Command } from 'commander';
import { registerAnalyze } from ${JSON.stringify(entry)};
const program = new Command('mizzen').exitOverride();
registerAnalyze(program);
try { await program.parseAsync(process.argv.slice(1), { from: 'user' }); } catch (err) { process.stderr.write(String(err.message) + '\\n'); process.exitCode = err.exitCode ?? 1; }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

describe('mizzen analyze', () => {
  it('prints istioctl-style lines and exits 79 when there is an error', () => {
    const r = runAnalyze(['analyze', '-f', relative(repoRoot, join(fixtures, 'broken'))]);
    assert.equal(r.code, 79, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), BROKEN);
  });

  it('exits 0 and says so when nothing is wrong', () => {
    const clean = runAnalyze(['analyze', 'test/fixtures/istio/bookinfo', '-f', 'test/fixtures/istio/mesh']);
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(clean.stdout, '\u2714 No validation issues found when analyzing 10 resources in 5 files.\n');
  });

  it('regression: reads a folder\'s subfolders only with -R, as istioctl (examples/bookinfo/scenarios was analyzed too)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mizzen-analyze-r-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'scenarios'));
    writeFileSync(join(dir, 'scenarios', 'dr.yaml'), 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: payments}\nspec: {host: payments}\n');
    assert.equal(runAnalyze(['analyze', dir]).stdout, '\u2714 No validation issues found when analyzing 0 resources in 0 files.\n');
    assert.equal(runAnalyze(['analyze', '-R', dir]).stdout, '\u2714 No validation issues found when analyzing 1 resources in 1 files.\n');
  });

  it('fails on warnings only when --failure-threshold says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mizzen-analyze-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'x.yaml'), [
      'apiVersion: v1', 'kind: Service', 'metadata: {name: reviews}', 'spec: {ports: [{port: 9080}]}', '---',
      'apiVersion: networking.istio.io/v1', 'kind: DestinationRule', 'metadata: {name: payments}', 'spec: {host: payments}',
    ].join('\n'));
    const warning = `Warning [MZA0001] (DestinationRule default/payments ${join(dir, 'x.yaml')}:9) DestinationRule host not found in the service registry: "payments"\n`;
    const byDefault = runAnalyze(['analyze', dir]);
    assert.deepEqual([byDefault.code, byDefault.stdout], [0, warning]);
    const strict = runAnalyze(['analyze', dir, '--failure-threshold', 'warning']);
    assert.deepEqual([strict.code, strict.stdout], [79, warning]);
    const quiet = runAnalyze(['analyze', dir, '--output-threshold', 'Error']);
    assert.deepEqual([quiet.code, quiet.stdout], [0, '']);
  });

  it('prints istioctl\'s JSON with -o json', () => {
    const r = runAnalyze(['analyze', '-f', 'test/fixtures/istio/broken/routes.yaml', '-o', 'json']);
    assert.equal(r.code, 79);
    const json = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(json[0], {
      code: 'IST0101', level: 'Error', origin: 'VirtualService default/reviews', reference: 'test/fixtures/istio/broken/routes.yaml:27',
      message: 'Referenced host+subset in destinationrule not found: "reviews+v4"',
      documentationUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/',
    });
  });

  it('refuses a bad threshold and an empty path list', () => {
    const bad = runAnalyze(['analyze', '-f', 'x', '--failure-threshold', 'Fatal']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid value for --failure-threshold: "Fatal": expected one of Info, Warning, Error/);
    assert.equal(runAnalyze(['analyze']).code, 1);
  });
});
