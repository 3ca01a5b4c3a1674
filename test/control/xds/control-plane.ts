/**
 * A real control plane for protocol tests: the bookinfo fixture copied to a temp folder (so a
 * test can rewrite registry.json as the runtime does), ADS and debug servers on free ports, a
 * short debounce; and helpers to read the debug API.
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlOptions, type RawControlOptions } from '../../../src/control/bootstrap/options.ts';
import { startControlPlane, type ControlPlane } from '../../../src/control/bootstrap/server.ts';
import { FIXTURE } from './bookinfo.ts';

export interface TestControlPlane {
  readonly cp: ControlPlane;
  readonly dir: string;
  readonly registryPath: string;
  /** Rewrites registry.json through `edit` (temp file + rename, as the runtime does). */
  editRegistry(edit: (doc: RegistryDoc) => void): void;
  getJson<T = unknown>(path: string): Promise<T>;
  close(): Promise<void>;
}

export interface RegistryDoc {
  version: number;
  services: { name: string; namespace: string; ports: Record<string, unknown>[] }[];
  endpoints: { pod: string; service: string; ready: boolean; ip: string }[];
  workloads: unknown[];
}

export async function startTestControlPlane(raw: RawControlOptions = {}): Promise<TestControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'mz-control-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const registryPath = join(dir, 'registry.json');
  const cp = await startControlPlane(controlOptions({
    registry: registryPath, config: [join(dir, 'config')], xdsPort: 0, debugPort: 0, xdsAddress: '127.0.0.1', debugAddress: '127.0.0.1',
    debounce: '50ms', debounceMax: '500ms', instanceId: 'istiod-test', ...raw,
  }));
  return {
    cp, dir, registryPath,
    editRegistry(edit) {
      const doc = JSON.parse(readFileSync(registryPath, 'utf8')) as RegistryDoc;
      edit(doc);
      doc.version++;
      writeFileSync(`${registryPath}.tmp`, JSON.stringify(doc));
      renameSync(`${registryPath}.tmp`, registryPath);
    },
    async getJson<T>(path: string): Promise<T> {
      const res = await fetch(`http://127.0.0.1:${cp.debugPort}${path}`);
      return (await res.json()) as T;
    },
    async close() {
      await cp.close(500);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
