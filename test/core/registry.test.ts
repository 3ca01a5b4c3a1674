/**
 * The shared registry.json schema: the contract example parses and is deep-frozen, the first
 * problem is named by its field path and value, optional fields and lists take their documented
 * defaults, and problems are found in the contract's order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRegistry } from '../../src/core/registry/parse.ts';

type Doc = Record<string, unknown> & { services: Record<string, unknown>[]; endpoints: Record<string, unknown>[]; workloads: Record<string, unknown>[] };

/** The example of docs/design/one-host-mesh.md. */
const contract = (): Doc => ({
  version: 12,
  services: [{
    name: 'reviews', namespace: 'default', hostname: 'reviews.default.svc.cluster.local', clusterIP: '10.96.0.12',
    labels: { app: 'reviews' }, selector: { app: 'reviews' },
    ports: [{ name: 'http', port: 9080, targetPort: 9080, protocol: 'TCP', appProtocol: null }],
  }],
  endpoints: [{ service: 'reviews', namespace: 'default', ip: '10.250.0.5', ready: true, pod: 'reviews-v1-7f9c-x2x1', ports: [{ name: 'http', port: 9080 }] }],
  workloads: [{
    pod: 'reviews-v1-7f9c-x2x1', namespace: 'default', ip: '10.250.0.5', workload: 'reviews-v1',
    labels: { app: 'reviews', version: 'v1' }, serviceAccount: 'bookinfo-reviews', sidecar: true,
  }],
});

/** The doc after `edit`, as text. */
const text = (edit: (d: Doc) => void): string => {
  const d = contract();
  edit(d);
  return JSON.stringify(d);
};
const first = <T>(xs: T[]): T => xs[0] as T;
const port0 = (d: Doc): Record<string, unknown> => first(first(d.services)['ports'] as Record<string, unknown>[]);

describe('registry.json schema', () => {
  it('accepts the contract example as written and freezes it deeply', () => {
    const r = parseRegistry(JSON.stringify(contract()), 'registry.json');
    assert.deepEqual(r, { ...contract(), services: [{ ...contract().services[0] }] });
    assert.ok(Object.isFrozen(r) && Object.isFrozen(r.services) && Object.isFrozen(r.services[0]?.ports[0]) && Object.isFrozen(r.workloads[0]?.labels));
    assert.throws(() => ((r.services as unknown as unknown[]).length = 0));
  });

  it('names the file, the field and the value that is wrong (MZ_INVALID_CONFIG_FILE)', () => {
    const cases: [(d: Doc) => void, RegExp][] = [
      [(d) => (first(d.services)['clusterIP'] = '10.96.0.999'), /services\[0\]\.clusterIP: "10\.96\.0\.999": expected an IP address/],
      [(d) => (port0(d)['targetPort'] = 70000), /services\[0\]\.ports\[0\]\.targetPort: 70000: expected a port number from 1 to 65535/],
      [(d) => (port0(d)['port'] = 0), /services\[0\]\.ports\[0\]\.port: 0: expected a port number/],
      [(d) => (port0(d)['name'] = 7), /services\[0\]\.ports\[0\]\.name: 7: expected a string or null/],
      [(d) => (port0(d)['protocol'] = ''), /services\[0\]\.ports\[0\]\.protocol: "": expected a non-empty string/],
      [(d) => (first(d.services)['hostname'] = ''), /services\[0\]\.hostname: "": expected a non-empty string/],
      [(d) => ((d as Record<string, unknown>)['services'] = 'nope'), /services: "nope": expected a list/],
      [(d) => (first(d.endpoints)['ready'] = 'yes'), /endpoints\[0\]\.ready: "yes": expected true or false/],
      [(d) => (first(d.endpoints)['ip'] = 'not-an-ip'), /endpoints\[0\]\.ip: "not-an-ip": expected an IP address/],
      [(d) => delete d['version'], /version: undefined: expected a number/],
      [(d) => (first(d.workloads)['labels'] = { app: 3 }), /workloads\[0\]\.labels\.app: 3: expected a string label value/],
      [(d) => (first(d.workloads)['serviceAccount'] = 1), /workloads\[0\]\.serviceAccount: 1: expected a string/],
      [(d) => d.services.push(first(d.services)), /services\[1\]: "default\/reviews": duplicate service/],
    ];
    for (const [edit, re] of cases) {
      assert.throws(() => parseRegistry(text(edit), '/x/registry.json'), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'MZ_INVALID_CONFIG_FILE');
        assert.match(err.message, /^registry \/x\/registry\.json: /);
        assert.match(err.message, re);
        return true;
      });
    }
    assert.throws(() => parseRegistry('{not json', 'r.json'), /registry r\.json: not valid JSON/);
    assert.throws(() => parseRegistry('[]', 'r.json'), /registry r\.json: registry: \[\]: expected an object/);
  });

  it('reports the first problem in the contract\'s order: services, duplicates, endpoints, workloads', () => {
    const bad = (edit: (d: Doc) => void): string => {
      try {
        parseRegistry(text(edit), 'r');
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    assert.match(bad((d) => {
      d.services.push(first(d.services));
      first(d.endpoints)['ip'] = 'x';
      first(d.workloads)['ip'] = 'y';
    }), /duplicate service/);
    assert.match(bad((d) => {
      first(d.endpoints)['ip'] = 'x';
      first(d.workloads)['ip'] = 'y';
    }), /endpoints\[0\]\.ip/);
  });

  it('fills the documented defaults: headless, hostname, protocol, targetPort, absent or null optional fields and lists', () => {
    for (const clusterIP of [undefined, null, '', 'None']) {
      assert.equal(parseRegistry(text((d) => (first(d.services)['clusterIP'] = clusterIP)), 'r').services[0]?.clusterIP, null);
    }
    const r = parseRegistry(JSON.stringify({
      version: 1,
      services: [{ name: 'db', namespace: 'x', ports: [{ port: 5432, protocol: null }] }, { name: 'Up', namespace: 'x', hostname: 'Up.X.svc.cluster.local', ports: null }],
      endpoints: [{ service: 'db', namespace: 'x', ip: '10.0.0.1', ready: false }],
      workloads: null,
    }), 'r');
    assert.deepEqual(r.services[0], {
      name: 'db', namespace: 'x', hostname: 'db.x.svc.cluster.local', clusterIP: null, labels: {}, selector: {},
      ports: [{ name: null, port: 5432, targetPort: 5432, protocol: 'TCP', appProtocol: null }],
    });
    assert.equal(r.services[1]?.hostname, 'up.x.svc.cluster.local');
    assert.deepEqual(r.services[1]?.ports, []);
    assert.deepEqual(r.endpoints[0], { service: 'db', namespace: 'x', ip: '10.0.0.1', ready: false, pod: '', ports: [] });
    assert.deepEqual(r.workloads, []);
    const w = parseRegistry(JSON.stringify({ version: 2, workloads: [{ pod: 'p', namespace: 'x', ip: 'fd00::5' }] }), 'r').workloads[0];
    assert.deepEqual(w, { pod: 'p', namespace: 'x', ip: 'fd00::5', workload: '', labels: {}, serviceAccount: '', sidecar: false });
  });
});
