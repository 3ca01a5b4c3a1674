/**
 * The registry: validation names the field that is wrong, snapshots are frozen, and the file
 * source follows the runtime's atomic replace (rename), keeping the last good version when a
 * bad one arrives.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { waitFor } from '../helpers/netns.ts';
import { silentLogger, type Logger } from '../../src/core/log.ts';
import { FileRegistrySource } from '../../src/proxy/config/file-registry.ts';
import { parseRegistry } from '../../src/proxy/config/registry-validate.ts';
import { registryWith, setPath, tempDir, writeAtomically } from './support.ts';

const tmp = tempDir('registry');
const sources: FileRegistrySource[] = [];
after(() => {
  for (const s of sources) s.close();
  tmp.cleanup();
});

const good = (): Record<string, unknown> => registryWith([{ ip: '10.250.0.5', ready: true, port: 9080 }]) as Record<string, unknown>;

describe('registry validation', () => {
  it('accepts the contract example and freezes it deeply', () => {
    const r = parseRegistry(JSON.stringify(good()), 'registry.json');
    assert.equal(r.version, 1);
    assert.equal(r.services[0]?.hostname, 'reviews.default.svc.cluster.local');
    assert.ok(Object.isFrozen(r) && Object.isFrozen(r.services) && Object.isFrozen(r.services[0]?.ports[0]));
    assert.throws(() => ((r.services as unknown as unknown[]).length = 0));
  });

  it('names the field and value that is wrong', () => {
    const cases: [string, unknown, RegExp][] = [
      ['services.0.clusterIP', '10.96.0.999', /services\[0\]\.clusterIP: "10\.96\.0\.999": expected an IP address/],
      ['services.0.ports.0.targetPort', 70000, /services\[0\]\.ports\[0\]\.targetPort: 70000: expected a port number/],
      ['endpoints.0.ready', 'yes', /endpoints\[0\]\.ready: "yes": expected true or false/],
      ['version', undefined, /version: undefined: expected a number/],
      ['workloads.0.labels', { app: 3 }, /workloads\[0\]\.labels\.app: 3: expected a string label value/],
      ['services.1', (good()['services'] as unknown[])[0], /services\[1\]: "default\/reviews": duplicate service/],
    ];
    for (const [path, value, re] of cases) {
      const doc = good();
      setPath(doc, path, value);
      assert.throws(() => parseRegistry(JSON.stringify(doc), '/x/registry.json'), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'MZ_INVALID_CONFIG_FILE');
        assert.match(err.message, /^registry \/x\/registry\.json: /);
        assert.match(err.message, re);
        return true;
      });
    }
    assert.throws(() => parseRegistry('{not json', 'r.json'), /registry r\.json: not valid JSON/);
  });

  it('treats a missing or "None" clusterIP as headless', () => {
    const doc = good();
    setPath(doc, 'services.0.clusterIP', 'None');
    assert.equal(parseRegistry(JSON.stringify(doc), 'r').services[0]?.clusterIP, null);
  });
});

describe('registry file source', () => {
  it('reloads on atomic replace, rejects a bad file and keeps the last good one', async () => {
    const path = join(tmp.dir, 'registry.json');
    writeAtomically(path, { ...good(), version: 1 });
    const errors: string[] = [];
    const log: Logger = { ...silentLogger, error: (m) => errors.push(m) };
    let rejected = 0;
    const src = new FileRegistrySource({ path, pollMs: 60_000, log, events: { applied() {}, rejected: () => rejected++ } });
    sources.push(src);
    const versions: number[] = [];
    src.onUpdate((s) => versions.push(s.version));
    src.start();
    await waitFor(() => src.current()?.version === 1, 5000, 'version 1');

    writeAtomically(path, { ...good(), version: 2 }); // fs.watch on the directory sees the rename
    await waitFor(() => src.current()?.version === 2, 5000, 'version 2 (watch)');

    const bad = good();
    setPath(bad, 'version', 3);
    setPath(bad, 'endpoints.0.ip', 'not-an-ip');
    writeAtomically(path, bad);
    await waitFor(() => rejected === 1, 5000, 'the bad registry to be rejected');
    assert.equal(src.current()?.version, 2, 'the last good version stays');
    assert.match(errors[0] ?? '', /registry rejected \(keeping version 2\): .*endpoints\[0\]\.ip: "not-an-ip": expected an IP address/);

    writeAtomically(path, { ...good(), version: 4 });
    await waitFor(() => src.current()?.version === 4, 5000, 'version 4');
    assert.deepEqual(versions, [1, 2, 4]);
  });

  it('finds the file by polling when its directory cannot be watched yet', async () => {
    const dir = join(tmp.dir, 'later');
    const path = join(dir, 'registry.json');
    const warnings: string[] = [];
    const src = new FileRegistrySource({ path, pollMs: 100, log: { ...silentLogger, warn: (m) => warnings.push(m) } });
    sources.push(src);
    src.start(); // the directory does not exist: no watch, polling only
    assert.match(warnings[0] ?? '', /cannot watch .*later yet, polling/);
    assert.equal(src.current(), undefined);
    mkdirSync(dir);
    writeAtomically(path, { ...good(), version: 7 });
    await waitFor(() => src.current()?.version === 7, 5000, 'version 7 by polling');
    writeAtomically(path, { ...good(), version: 8 });
    await waitFor(() => src.current()?.version === 8, 5000, 'version 8');
  });
});
