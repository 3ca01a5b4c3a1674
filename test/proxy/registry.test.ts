/**
 * The sidecar's registry.json source: it follows the runtime's atomic replace (rename), keeping
 * the last good version when a bad one arrives (logged and counted as rejected), and finds a
 * file whose directory appears later by polling. The schema itself: test/core/registry.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { waitFor } from '../helpers/netns.ts';
import { silentLogger, type Logger } from '../../src/core/log.ts';
import { FileRegistrySource } from '../../src/proxy/config/file-registry.ts';
import { registryWith, setPath, tempDir, writeAtomically } from './support.ts';

const tmp = tempDir('registry');
const sources: FileRegistrySource[] = [];
after(() => {
  for (const s of sources) s.close();
  tmp.cleanup();
});

const good = (): Record<string, unknown> => registryWith([{ ip: '10.250.0.5', ready: true, port: 9080 }]) as Record<string, unknown>;

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
