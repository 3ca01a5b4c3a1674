/**
 * The state directory's layout (MIZZEN_STATE_DIR, default /var/run/mizzen; one mesh each):
 * mesh.json, api.sock, registry.json, supervisor.log, pods/<ns>/<pod>/<container>.log and
 * istio-config/ (one YAML file per Istio resource, watched by the control plane).
 */
import { join, resolve } from 'node:path';

export const DEFAULT_STATE_DIR = '/var/run/mizzen';

export interface StatePaths {
  readonly dir: string;
  readonly mesh: string;
  readonly api: string;
  readonly registry: string;
  readonly supervisorLog: string;
  readonly pods: string;
  readonly istioConfig: string;
}

export function stateDirFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env['MIZZEN_STATE_DIR'] ?? DEFAULT_STATE_DIR);
}

export function statePaths(dir: string): StatePaths {
  return {
    dir,
    mesh: join(dir, 'mesh.json'),
    api: join(dir, 'api.sock'),
    registry: join(dir, 'registry.json'),
    supervisorLog: join(dir, 'supervisor.log'),
    pods: join(dir, 'pods'),
    istioConfig: join(dir, 'istio-config'),
  };
}

export function podLogDir(paths: StatePaths, namespace: string, pod: string): string {
  return join(paths.pods, namespace, pod);
}

export function containerLog(paths: StatePaths, namespace: string, pod: string, container: string): string {
  return join(podLogDir(paths, namespace, pod), `${container}.log`);
}
