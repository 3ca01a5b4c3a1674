/**
 * The ConfigStore: apply, get, list and delete by (kind, namespace, name); one typed change
 * event per change with the changed keys; an invalid update refused with the last valid version
 * kept; sources re-synced as a whole; batches.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/control/config/errors.ts';
import type { ConfigChange, ConfigRejection } from '../../../src/control/config/events.ts';
import { ConfigStore } from '../../../src/control/config/store.ts';
import { loadText } from '../../../src/control/config/source/load.ts';

const dr = (name: string, host: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, ...extra }, spec: { host },
});

function record(store: ConfigStore): { changes: ConfigChange[]; rejections: ConfigRejection[] } {
  const changes: ConfigChange[] = [];
  const rejections: ConfigRejection[] = [];
  store.on('change', (c) => changes.push(c));
  store.on('rejected', (r) => rejections.push(r));
  return { changes, rejections };
}

describe('ConfigStore', () => {
  it('applies, gets, lists and deletes by kind, namespace and name; "default" when no namespace', () => {
    const store = new ConfigStore();
    const ev = record(store);
    assert.equal(store.apply(dr('reviews', 'reviews')).status, 'created');
    assert.equal(store.apply(dr('ratings', 'ratings', { namespace: 'prod' })).status, 'created');
    assert.equal(store.get('DestinationRule', 'default', 'reviews')?.spec.host, 'reviews');
    assert.deepEqual(store.list('DestinationRule').map((r) => r.metadata.name), ['reviews', 'ratings'], 'sorted by key: namespace, then name');
    assert.deepEqual(store.list('DestinationRule', 'prod').map((r) => r.metadata.name), ['ratings']);
    assert.deepEqual(store.list('VirtualService'), []);
    assert.equal(store.delete('DestinationRule', 'prod', 'ratings'), true);
    assert.equal(store.delete('DestinationRule', 'prod', 'ratings'), false);
    assert.deepEqual(ev.changes.map((c) => [c.version, [...c.changed]]), [
      [1, ['DestinationRule/default/reviews']], [2, ['DestinationRule/prod/ratings']], [3, ['DestinationRule/prod/ratings']],
    ]);
    assert.deepEqual(ev.changes[2]?.deleted, ['DestinationRule/prod/ratings']);
    assert.deepEqual([...(ev.changes[0]?.kinds ?? [])], ['DestinationRule']);
    assert.equal(store.version, 3);
  });

  it('emits nothing for an unchanged re-apply (key order does not matter), "updated" for a real change', () => {
    const store = new ConfigStore();
    const ev = record(store);
    store.apply({ ...dr('r', 'reviews'), spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] } });
    assert.equal(store.apply({ spec: { subsets: [{ labels: { version: 'v1' }, name: 'v1' }], host: 'reviews' }, kind: 'DestinationRule',
      apiVersion: 'networking.istio.io/v1beta1', metadata: { name: 'r' } }).status, 'unchanged');
    assert.equal(store.apply(dr('r', 'reviews.default.svc.cluster.local')).status, 'updated');
    assert.deepEqual(ev.changes.map((c) => [c.created, c.updated]), [[['DestinationRule/default/r'], []], [[], ['DestinationRule/default/r']]]);
  });

  it('refuses an invalid update, keeps the last valid version, and reports why', () => {
    const store = new ConfigStore();
    const ev = record(store);
    store.apply(dr('r', 'reviews'));
    const bad = store.apply({ ...dr('r', 'reviews'), spec: { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'FASTEST' } } } });
    assert.equal(bad.status, 'rejected');
    assert.equal(bad.key, 'DestinationRule/default/r');
    assert.equal(store.get('DestinationRule', 'default', 'r')?.spec.trafficPolicy, undefined, 'the last valid version stays');
    assert.equal(ev.changes.length, 1);
    assert.deepEqual(ev.rejections.map((r) => [r.kept, r.issues.map((i) => i.message)]), [[['DestinationRule/default/r'], [
      'DestinationRule default/r: spec.trafficPolicy.loadBalancer.simple = "FASTEST": expected one of UNSPECIFIED, LEAST_CONN, RANDOM, PASSTHROUGH, ROUND_ROBIN, LEAST_REQUEST',
    ]]]);
    assert.equal(store.issues().length, 1, 'the refusal is outstanding');
    store.apply(dr('r', 'reviews'));
    assert.equal(store.issues().length, 0, 'a valid apply of the same resource clears it');
  });

  it('throws a ConfigError (a MizzenError) in strict mode', () => {
    const store = new ConfigStore();
    assert.throws(() => store.apply({ ...dr('r', 'reviews'), spec: {} }, { strict: true }), (err: unknown) =>
      err instanceof ConfigError && err.configCode === 'MZ_CONFIG_INVALID_SPEC' && err.code === 'MZ_INVALID_CONFIG_FILE'
      && err.message === 'DestinationRule default/r: spec.host: required field is missing');
  });

  it('syncs a source as a whole: puts what it has, deletes what it lost, keeps what it got wrong', () => {
    const store = new ConfigStore();
    const ev = record(store);
    const yaml = (hosts: string[]): string => hosts.map((h, i) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: dr${i}}\nspec: {host: ${h}}\n`).join('---\n');
    const snap = (text: string) => {
      const f = loadText(text, 'f.yaml');
      return { resources: f.resources, rejected: f.rejected, issues: f.issues, partial: f.failed };
    };
    store.sync('file:f', snap(yaml(['a', 'b', 'c'])));
    store.sync('file:f', snap(yaml(['a', 'B*x', 'c']).replace('name: dr2', 'name: dr9')));
    assert.deepEqual(store.all().map((r) => `${r.metadata.name}=${r.kind === 'DestinationRule' ? r.spec.host : ''}`), ['dr0=a', 'dr1=b', 'dr9=c']);
    assert.deepEqual(ev.changes.map((c) => [c.created, c.updated, c.deleted]), [
      [['DestinationRule/default/dr0', 'DestinationRule/default/dr1', 'DestinationRule/default/dr2'], [], []],
      [['DestinationRule/default/dr9'], [], ['DestinationRule/default/dr2']],
    ]);
    assert.deepEqual(ev.rejections.map((r) => r.kept), [['DestinationRule/default/dr1']]);
    store.sync('file:f', { resources: [], partial: true });
    assert.equal(store.all().length, 3, 'a partial snapshot deletes nothing');
    store.sync('file:f', { resources: [] });
    assert.equal(store.all().length, 0);
  });

  it('batches several changes into one event', () => {
    const store = new ConfigStore();
    const ev = record(store);
    store.batch(() => {
      store.apply(dr('a', 'a'));
      store.apply(dr('b', 'b'));
      store.delete('DestinationRule', 'default', 'a');
    });
    assert.deepEqual(ev.changes.map((c) => [...c.changed]), [['DestinationRule/default/b']]);
  });
});
