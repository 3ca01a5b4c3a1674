/**
 * The control plane for mode "mizzen": the real `mizzen control` (istiod's role) in the node
 * namespace, serving ADS on the bridge address (10.252.0.1:15010, which the pods reach through
 * their default route; the sidecars' uid 1337 traffic is not captured) and its debug API on the
 * node namespace's 127.0.0.1 only. Nothing listens in the host's namespace. It reads the
 * bench's registry.json and an Istio config folder, and runs pinned to the load CPU, so its CPU
 * time is never counted as the sidecars' (it is reported on its own).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliEntry } from './capture.ts';
import { waitFor, type Netns, type Proc } from './netns.ts';

export const XDS_PORT = 15010;
const DEBUG_PORT = 15014;

export interface ControlPlane {
  readonly proc: Proc;
  /** host:port for PILOT_DISCOVERY_ADDRESS. */
  readonly discoveryAddress: string;
}

export interface ControlPlaneStart {
  readonly node: Netns;
  /** The node namespace's bridge address, which the pods route through. */
  readonly address: string;
  readonly registry: string;
  readonly dir: string;
  readonly cpus: string;
}

export async function startControlPlane(o: ControlPlaneStart): Promise<ControlPlane> {
  const configDir = join(o.dir, 'istio-config');
  mkdirSync(configDir, { recursive: true });
  const logFile = join(o.dir, 'mizzen-control.log');
  const proc = o.node.start([process.execPath, cliEntry, 'control', '--registry', o.registry, '-f', configDir,
    '--xds-address', o.address, '--xds-port', String(XDS_PORT), '--debug-address', '127.0.0.1', '--debug-port', String(DEBUG_PORT),
    '--instance-id', 'istiod-bench'], { cpus: o.cpus, logFile });
  await waitFor(() => {
    if (!proc.running()) throw new Error(`mizzen control exited; see ${logFile}`);
    return o.node.tryExec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${DEBUG_PORT}/ready`]).stdout === '200';
  }, 20_000, 'mizzen control to be ready');
  return { proc, discoveryAddress: `${o.address}:${XDS_PORT}` };
}
