/**
 * `mizzen proxy-status` (alias `ps`), as istioctl proxy-status: one row per connected proxy with
 * CDS/LDS/EDS/RDS as SYNCED, NOT SENT, STALE or NACKED and how long ago, the control-plane
 * instance and the proxy's version, read from istiod's /debug/syncz. In a one-host mesh the
 * request runs in the node namespace against Service istiod:15014; --istiod-address asks any
 * reachable `mizzen control` directly.
 */
import type { Command } from 'commander';
import { invalidFlag } from '../core/errors.ts';
import { callApi } from '../runtime/client/api-client.ts';
import { humanDuration } from '../runtime/client/pod-status.ts';
import { httpGetInNetns } from '../runtime/client/pod-http.ts';
import { table } from '../runtime/client/table.ts';
import { readMeshRecord } from '../runtime/state/mesh-record.ts';
import { stateDirFrom, statePaths } from '../runtime/state/paths.ts';

interface TypeStatus {
  readonly status: string;
  readonly lastPush?: string | null;
}

export { humanDuration };

export interface SyncStatus {
  readonly name: string;
  readonly clusterId?: string;
  readonly istiod?: string;
  readonly istioVersion?: string;
  readonly types: Readonly<Record<string, TypeStatus | undefined>>;
}


function cell(t: TypeStatus | undefined, now: number): string {
  if (!t || t.status === 'NOT SENT') return 'NOT SENT';
  const when = t.lastPush ? Date.parse(t.lastPush) : NaN;
  return Number.isNaN(when) ? t.status : `${t.status} (${humanDuration(now - when)})`;
}

export function proxyStatusTable(rows: readonly SyncStatus[], now = Date.now()): string {
  const body = [...rows].sort((a, b) => a.name.localeCompare(b.name)).map((p) => [
    p.name, p.clusterId ?? 'Kubernetes', cell(p.types['CDS'], now), cell(p.types['LDS'], now), cell(p.types['EDS'], now),
    cell(p.types['RDS'], now), 'IGNORED', p.istiod ?? '', p.istioVersion ?? '',
  ]);
  return table(['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION'], body);
}

async function fetchSyncz(f: { istiodAddress?: string; stateDir?: string }): Promise<SyncStatus[]> {
  if (f.istiodAddress !== undefined) {
    if (!/^[^:\s]+:\d+$/.test(f.istiodAddress)) throw invalidFlag('--istiod-address', f.istiodAddress, 'expected HOST:PORT of the debug API');
    const res = await fetch(`http://${f.istiodAddress}/debug/syncz`);
    if (!res.ok) throw invalidFlag('--istiod-address', f.istiodAddress, `GET /debug/syncz answered ${res.status}`);
    return (await res.json()) as SyncStatus[];
  }
  const stateDir = stateDirFrom(f.stateDir);
  const mesh = readMeshRecord(statePaths(stateDir).mesh);
  if (!mesh) throw invalidFlag('--state-dir', stateDir, 'no mesh runs here; start one with mizzen up, or give --istiod-address');
  const svcs = await callApi<{ items: { metadata: { name: string; namespace: string }; spec: { clusterIP: string } }[] }>(statePaths(stateDir).api, 'GET', '/v1/services');
  const istiod = svcs.items.find((s) => s.metadata.name === 'istiod' && s.metadata.namespace === 'istio-system');
  if (!istiod) throw invalidFlag('--state-dir', stateDir, 'this mesh runs no control plane (Service istio-system/istiod)');
  return JSON.parse(await httpGetInNetns(mesh.nodeNetns, `http://${istiod.spec.clusterIP}:15014/debug/syncz`)) as SyncStatus[];
}

export function registerProxyStatus(program: Command): void {
  program
    .command('proxy-status')
    .alias('ps')
    .description("each proxy's xDS sync state with the control plane, as istioctl proxy-status")
    .argument('[pod]', 'only this proxy (POD.NAMESPACE)')
    .option('--istiod-address <host:port>', "a control plane's debug API (default: the mesh's istiod)")
    .option('-o, --output <format>', 'table or json', 'table')
    .option('--state-dir <dir>', 'the mesh state directory (default $MIZZEN_STATE_DIR or /var/run/mizzen)')
    .action(async (pod: string | undefined, f: { istiodAddress?: string; stateDir?: string; output: string }) => {
      if (!['table', 'json'].includes(f.output)) throw invalidFlag('-o/--output', f.output, 'expected table or json');
      const all = await fetchSyncz(f);
      const rows = pod ? all.filter((p) => p.name === pod || p.name.startsWith(`${pod}.`)) : all;
      process.stdout.write(f.output === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : proxyStatusTable(rows));
    });
}
