/**
 * Loading config from text, files and folders: the bookinfo sample loads whole, typed and
 * frozen; non-Istio objects are noted and kept aside; syntax errors carry their line; `List`
 * documents and JSON files work; one bad resource does not stop the others.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { keyOf } from '../../../src/control/config/resource.ts';
import { lineOfField, loadPaths, loadText } from '../../../src/control/config/source/load.ts';
import { repoRoot } from '../../helpers/paths.ts';

const bookinfo = join(repoRoot, 'test', 'fixtures', 'istio', 'bookinfo');

describe('loading the bookinfo sample', () => {
  it('loads every resource of the sample, with no issue', async () => {
    const r = await loadPaths([bookinfo]);
    assert.deepEqual(r.issues.map((i) => i.message), []);
    assert.deepEqual(r.resources.map(keyOf).sort(), [
      'DestinationRule/default/details', 'DestinationRule/default/productpage', 'DestinationRule/default/ratings', 'DestinationRule/default/reviews',
      'Gateway/default/bookinfo-gateway',
      'VirtualService/default/bookinfo', 'VirtualService/default/details', 'VirtualService/default/productpage', 'VirtualService/default/ratings',
      'VirtualService/default/reviews',
    ]);
    assert.equal(r.files.length, 4);
    assert.equal(r.notes.length, 14, 'the Services, ServiceAccounts and Deployments are noted');
    assert.ok(r.notes.some((n) => n.message === 'ignored apps/v1 Deployment default/reviews-v2 (not Istio config)'));
    assert.equal(r.objects.filter((o) => o.kind === 'Deployment').length, 6);
  });

  it('keeps the fields as written: the jason header route and the reviews load balancing', async () => {
    const r = await loadPaths([bookinfo]);
    const reviews = r.resources.find((x) => x.kind === 'VirtualService' && x.metadata.name === 'reviews');
    assert.ok(reviews?.kind === 'VirtualService');
    assert.equal(reviews.apiVersion, 'networking.istio.io/v1alpha3');
    assert.deepEqual(reviews.spec.http?.[0]?.match?.[0]?.headers?.['end-user'], { exact: 'jason' });
    assert.deepEqual(reviews.spec.http?.map((h) => h.route?.[0]?.destination.subset), ['v2', 'v3']);
    const dr = r.resources.find((x) => x.kind === 'DestinationRule' && x.metadata.name === 'reviews');
    assert.ok(dr?.kind === 'DestinationRule');
    assert.equal(dr.spec.trafficPolicy?.loadBalancer?.simple, 'RANDOM');
    assert.deepEqual(dr.spec.subsets?.map((s) => [s.name, s.trafficPolicy?.loadBalancer?.simple ?? '-']), [['v1', '-'], ['v2', 'ROUND_ROBIN'], ['v3', '-']]);
    assert.ok(Object.isFrozen(dr.spec.subsets?.[1]?.labels));
    assert.throws(() => { (dr.spec as { host: string }).host = 'x'; }, TypeError);
    const gw = r.resources.find((x) => x.kind === 'Gateway');
    assert.ok(gw?.kind === 'Gateway');
    assert.deepEqual(gw.spec.servers[0]?.port, { number: 8080, name: 'http', protocol: 'HTTP' });
    assert.deepEqual(gw.source, { file: join(bookinfo, 'bookinfo-gateway.yaml'), line: 3 });
    assert.equal(lineOfField(gw, ['spec', 'selector', 'istio']), 10);
  });
});

describe('valid config is not refused', () => {
  it('loads the valid corpus (every kind, every field family) with no error and no warning', async () => {
    const r = await loadPaths([join(repoRoot, 'test', 'fixtures', 'istio', 'valid')]);
    assert.deepEqual(r.issues.map((i) => i.message), []);
    assert.equal(r.resources.length, 19);
    assert.deepEqual([...new Set(r.resources.map((x) => x.kind))].sort(), ['AuthorizationPolicy', 'DestinationRule', 'Gateway', 'PeerAuthentication',
      'RequestAuthentication', 'ServiceEntry', 'Sidecar', 'VirtualService', 'WorkloadEntry']);
  });

  it('reads YAML merge keys as kubectl does, and warns about a VirtualService with no hosts', () => {
    const f = loadText([
      'apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: reviews-v2}', 'spec:',
      '  http:', '  - route:', '    - &dest', '      destination: {host: reviews, subset: v2}', '      weight: 50', '    - <<: *dest', '      weight: 50',
    ].join('\n'), 'delegate.yaml');
    assert.equal(f.resources.length, 1);
    assert.deepEqual(f.issues.map((i) => `${i.severity} ${i.message}`),
      ['warning delegate.yaml:4: VirtualService default/reviews-v2: spec.hosts: no hosts: this VirtualService only takes effect as the delegate of another VirtualService']);
  });
});

describe('loading text', () => {
  it('reports a YAML syntax error with its line and keeps the documents that parse', () => {
    const f = loadText([
      'apiVersion: networking.istio.io/v1', 'kind: Gateway', 'metadata: {name: gw}', 'spec:', '  servers:',
      '  - port: {number: 80, name: http, protocol: HTTP}', '    hosts: ["*"]', '---', 'apiVersion: v1', 'kind: Service', 'kind: Pod',
    ].join('\n'), 'gw.yaml');
    assert.equal(f.failed, true);
    assert.equal(f.resources.length, 1);
    assert.equal(f.issues.length, 1);
    assert.deepEqual(f.issues.map((i) => i.message), ['gw.yaml:11: invalid YAML: Map keys must be unique']);
  });

  it('names the file and line of each field error, and refuses only the bad resource', () => {
    const f = loadText([
      'apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata:', '  name: ratings', '  namespace: prod', 'spec:',
      '  hosts: [ratings]', '  http:', '  - route:', '    - destination: {host: ratings, subset: v1}', '      weight: 80',
      '    - destination: {host: ratings, subset: v2}', '      weight: 30', '---', 'apiVersion: networking.istio.io/v1',
      'kind: DestinationRule', 'metadata: {name: ratings, namespace: prod}', 'spec: {host: ratings}',
    ].join('\n'), 'ratings.yaml');
    assert.deepEqual(f.issues.map((i) => i.message), [
      'ratings.yaml:9: VirtualService prod/ratings: spec.http[0].route = [80,30]: the weights of the 2 destinations must sum to 100, they sum to 110',
    ]);
    assert.deepEqual(f.resources.map(keyOf), ['DestinationRule/prod/ratings']);
    assert.deepEqual(f.rejected, ['VirtualService/prod/ratings']);
    assert.deepEqual(f.issues[0]?.resource, { kind: 'VirtualService', namespace: 'prod', name: 'ratings' });
    assert.equal(f.issues[0]?.path, 'spec.http[0].route');
  });

  it('opens kind: List documents, notes unsupported Istio kinds, and refuses non-objects', () => {
    const f = loadText(JSON.stringify({
      apiVersion: 'v1', kind: 'List', items: [
        { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } },
        { apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name: 'lua' }, spec: {} },
        42,
      ],
    }), 'list.json');
    assert.deepEqual(f.resources.map(keyOf), ['PeerAuthentication/istio-system/default']);
    assert.deepEqual(f.notes.map((n) => n.message), ['ignored networking.istio.io/v1alpha3 EnvoyFilter default/lua (Istio kind not served by Mizzen)']);
    assert.deepEqual(f.objects, [], 'Istio kinds are not kept as Kubernetes objects');
    assert.deepEqual(f.issues.map((i) => i.message), ['list.json:1: expected a Kubernetes object (a mapping with apiVersion, kind, metadata, spec), got a number']);
  });

  it('warns when one file defines a resource twice, and keeps the later one', () => {
    const doc = (host: string): string => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\nspec: {host: ${host}}\n`;
    const f = loadText(`${doc('a')}---\n${doc('b')}`, 'dup.yaml');
    assert.equal(f.resources.length, 1);
    assert.equal(f.resources[0]?.kind === 'DestinationRule' ? f.resources[0].spec.host : '', 'b');
    assert.deepEqual(f.issues.map((i) => `${i.severity} ${i.message}`),
      ['warning dup.yaml:6: DestinationRule default/r: defined again (first at line 1); the later definition wins']);
  });
});

describe('loading folders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mizzen-load-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('searches folders recursively for .yaml, .yml and .json, skips other files and hidden folders', async () => {
    const pa = { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name: 'pa' }, spec: {} };
    writeFileSync(join(dir, 'a.json'), JSON.stringify(pa));
    mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'nested', 'deeper', 'b.yml'), JSON.stringify({ ...pa, metadata: { name: 'pb' } }));
    writeFileSync(join(dir, '.git', 'c.yaml'), JSON.stringify({ ...pa, metadata: { name: 'pc' } }));
    writeFileSync(join(dir, 'README.md'), '# not config');
    const r = await loadPaths([dir, join(dir, 'missing.yaml')]);
    assert.deepEqual(r.resources.map(keyOf).sort(), ['PeerAuthentication/default/pa', 'PeerAuthentication/default/pb']);
    assert.deepEqual(r.pathIssues.map((i) => i.message), [`${join(dir, 'missing.yaml')}: cannot read: ENOENT`]);
  });

  it('loads a file named twice once, and reports a resource defined in two files (the later file wins)', async () => {
    const doc = (host: string): string => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: same}\nspec: {host: ${host}}\n`;
    writeFileSync(join(dir, 'one.yaml'), doc('one'));
    writeFileSync(join(dir, 'two.yaml'), doc('two'));
    const r = await loadPaths([join(dir, 'one.yaml'), join(dir, '.', 'one.yaml'), join(dir, 'two.yaml')]);
    assert.equal(r.files.length, 2);
    assert.deepEqual(r.resources.map((x) => (x.kind === 'DestinationRule' ? x.spec.host : '')), ['two']);
    assert.deepEqual(r.issues.map((i) => i.message),
      [`${join(dir, 'two.yaml')}:1: DestinationRule default/same: defined again (first at ${join(dir, 'one.yaml')}:1); the later definition wins`]);
  });
});
