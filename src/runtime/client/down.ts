/**
 * `mizzen down`: asks the supervisor to stop every pod and remove the mesh; then, whether it
 * answered or not (a crashed supervisor), removes whatever is left from mesh.json and the mesh
 * id's name prefix. Says what it found.
 */
import { readMeshRecord } from '../state/mesh-record.ts';
import { statePaths } from '../state/paths.ts';
import { isAlive } from '../host/processes.ts';
import { findSupervisors, listNetns, teardownMesh } from '../host/teardown.ts';
import { ownedBy } from '../plan/names.ts';
import { callApi, meshRunning } from './api-client.ts';

export interface DownOptions {
  readonly stateDir: string;
  /** From --mesh-id, else mesh.json, else the state directory's default id. */
  readonly meshId: string | undefined;
  readonly defaultMeshId: string;
  readonly gracePeriodSeconds: number;
}

export async function down(o: DownOptions, out: (line: string) => void): Promise<void> {
  const paths = statePaths(o.stateDir);
  const record = readMeshRecord(paths.mesh);
  const meshId = o.meshId ?? record?.id ?? o.defaultMeshId;
  const leftovers = (await listNetns()).filter((n) => ownedBy(meshId, n));
  if (!record && leftovers.length === 0 && findSupervisors(o.stateDir).length === 0 && !(await meshRunning(paths.api))) {
    out(`no mesh in ${o.stateDir} (mesh id ${meshId}); nothing to remove`);
    return;
  }
  if (await meshRunning(paths.api)) {
    await callApi(paths.api, 'POST', '/v1/down', { gracePeriodSeconds: o.gracePeriodSeconds }, (o.gracePeriodSeconds + 60) * 1000);
    const pid = record?.supervisorPid ?? -1;
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  }
  await teardownMesh({
    meshId, stateDir: o.stateDir, record: readMeshRecord(paths.mesh) ?? record,
    stateFiles: [paths.mesh, paths.registry, paths.pods, paths.istioConfig, paths.supervisorLog, paths.api],
  });
  out(`mesh ${meshId} is down`);
}
