/**
 * Watching files: a change on disk reaches the store (debounced, one event), a bad edit keeps the
 * last good version and is reported, a fix applies, a deleted file takes its resources along.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConfigChange, ConfigRejection } from '../../../src/control/config/events.ts';
import { watchConfig, type ConfigWatcher } from '../../../src/control/config/source/watch.ts';
import { ConfigStore } from '../../../src/control/config/store.ts';

const vs = (subset: string, extra = ''): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: ${subset}}
${extra}`;

function next<E extends 'change' | 'rejected'>(store: ConfigStore, event: E, ms = 5000): Promise<E extends 'change' ? ConfigChange : ConfigRejection> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} event within ${ms} ms`)), ms);
    const off = store.on(event, (ev) => {
      clearTimeout(timer);
      off();
      resolve(ev as E extends 'change' ? ConfigChange : ConfigRejection);
    });
  });
}

const subsetOf = (store: ConfigStore): string | undefined => store.get('VirtualService', 'default', 'reviews')?.spec.http?.[0]?.route?.[0]?.destination.subset;

describe('watching config files', () => {
  let dir: string;
  let store: ConfigStore;
  let watcher: ConfigWatcher;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mizzen-watch-'));
    mkdirSync(join(dir, 'routes'));
    writeFileSync(join(dir, 'routes', 'reviews.yaml'), vs('v1'));
    store = new ConfigStore();
    watcher = await watchConfig([dir], store, { debounceMs: 30 });
  });
  after(() => {
    watcher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the folder at start', () => {
    assert.equal(subsetOf(store), 'v1');
  });

  it('picks up a file change', async () => {
    const changed = next(store, 'change');
    writeFileSync(join(dir, 'routes', 'reviews.yaml'), vs('v2'));
    const ev = await changed;
    assert.deepEqual([...ev.changed], ['VirtualService/default/reviews']);
    assert.equal(subsetOf(store), 'v2');
  });

  it('keeps the last good version when an edit is invalid, and reports it', async () => {
    const rejected = next(store, 'rejected');
    writeFileSync(join(dir, 'routes', 'reviews.yaml'), vs('v3', '    timeout: 10x\n'));
    const ev = await rejected;
    assert.deepEqual(ev.kept, ['VirtualService/default/reviews']);
    assert.deepEqual(ev.issues.map((i) => i.message), [
      `${join(dir, 'routes', 'reviews.yaml')}:10: VirtualService default/reviews: spec.http[0].timeout = "10x": invalid duration: `
      + 'expected a number with a unit (h, m, s, ms, us, ns), such as "1s", "0.5s", "100ms" or "1m30s"',
    ]);
    assert.equal(subsetOf(store), 'v2');
    assert.equal(store.issues().length, 1);
  });

  it('keeps everything from a file that no longer parses', async () => {
    const rejected = next(store, 'rejected');
    writeFileSync(join(dir, 'routes', 'reviews.yaml'), `${vs('v3')}\n  : : [`);
    await rejected;
    assert.equal(subsetOf(store), 'v2');
  });

  it('applies the fixed file, also when saved by rename as editors do', async () => {
    const changed = next(store, 'change');
    writeFileSync(join(dir, 'routes', '.reviews.yaml.swp'), vs('v3'));
    renameSync(join(dir, 'routes', '.reviews.yaml.swp'), join(dir, 'routes', 'reviews.yaml'));
    await changed;
    assert.equal(subsetOf(store), 'v3');
    assert.equal(store.issues().length, 0);
  });

  it('picks up new files in new folders, and removes the resources of a deleted file', async () => {
    let changed = next(store, 'change');
    mkdirSync(join(dir, 'more'));
    writeFileSync(join(dir, 'more', 'dr.json'), JSON.stringify({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews' }, spec: { host: 'reviews' } }));
    assert.deepEqual([...(await changed).changed], ['DestinationRule/default/reviews']);
    changed = next(store, 'change');
    rmSync(join(dir, 'routes', 'reviews.yaml'));
    const ev = await changed;
    assert.deepEqual(ev.deleted, ['VirtualService/default/reviews']);
    assert.deepEqual(store.all().map((r) => r.kind), ['DestinationRule']);
  });
});

describe('watching a single file', () => {
  it('follows the file through its folder, ignoring its neighbours', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mizzen-watch-file-'));
    const file = join(dir, 'reviews.yaml');
    writeFileSync(file, vs('v1'));
    const store = new ConfigStore();
    const watcher = await watchConfig([file], store, { debounceMs: 20 });
    try {
      assert.equal(subsetOf(store), 'v1');
      writeFileSync(join(dir, 'other.yaml'), vs('v9').replace('name: reviews', 'name: other'));
      const changed = next(store, 'change');
      writeFileSync(`${file}.tmp`, vs('v2'));
      renameSync(`${file}.tmp`, file);
      await changed;
      assert.equal(subsetOf(store), 'v2');
      assert.equal(store.get('VirtualService', 'default', 'other'), undefined);
    } finally {
      watcher.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
