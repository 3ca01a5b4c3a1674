/**
 * `mizzen up -f PATH`: read and validate the manifests (nothing starts when they are wrong),
 * start the supervisor unless one already runs in the state directory, apply, and wait until
 * every pod of the apply is ready; fail naming each pod that is not, and why.
 */
import type { Logger } from '../../core/log.ts';
import { RuntimeErrors, runtimeError } from '../errors.ts';
import { loadManifests } from '../manifest/load.ts';
import { decodeManifests } from '../manifest/decode.ts';
import { parseCidr, cidrsOverlap } from '../plan/ipam.ts';
import { readMeshRecord } from '../state/mesh-record.ts';
import { statePaths } from '../state/paths.ts';
import type { ApplyOutcome } from '../supervisor/supervisor.ts';
import { callApi, meshRunning } from './api-client.ts';
import { invalidFlag } from '../../core/errors.ts';
import { startSupervisor, type StartRequest } from './start-supervisor.ts';
import { waitForPods } from './wait.ts';

/** What `up` needs beyond starting a supervisor (StartRequest): the manifests and the wait. */
export interface UpOptions extends StartRequest {
  readonly file: string;
  readonly wait: boolean;
  readonly timeoutMs: number;
}

export async function up(o: UpOptions, out: (line: string) => void, log: Logger): Promise<void> {
  const docs = loadManifests(o.file);
  const paths = statePaths(o.stateDir);
  const running = await meshRunning(paths.api);
  if (!running) {
    const pod = parseCidr('--pod-cidr', o.podCidr);
    const svc = parseCidr('--service-cidr', o.serviceCidr);
    if (cidrsOverlap(pod, svc)) throw invalidFlag('--service-cidr', o.serviceCidr, `overlaps the pod CIDR ${o.podCidr}`);
    if (!['ALLOW_ANY', 'REGISTRY_ONLY'].includes(o.outboundTrafficPolicy)) {
      throw invalidFlag('--outbound-traffic-policy', o.outboundTrafficPolicy, 'must be ALLOW_ANY or REGISTRY_ONLY');
    }
    // Validate before anything starts: the new mesh has only the default namespace.
    decodeManifests(docs);
    const old = readMeshRecord(paths.mesh);
    if (old) {
      throw runtimeError(RuntimeErrors.Conflict, `${o.stateDir} holds mesh ${old.id}, whose supervisor does not answer; run: mizzen down --state-dir ${o.stateDir}`);
    }
    await startSupervisor(o);
    log.debug(`started mesh ${o.meshId} in ${o.stateDir}`);
  }
  const outcome = await callApi<ApplyOutcome>(paths.api, 'POST', '/v1/apply', { documents: docs }, 120_000);
  for (const image of outcome.images) {
    log.warn(`image "${image}" cannot be pulled on this host; running the container's command and args instead`);
  }
  for (const w of outcome.warnings) log.warn(w);
  for (const line of outcome.results) out(line);
  if (o.wait && outcome.waitFor.length > 0) await waitForPods(paths, outcome.waitFor, o.timeoutMs);
}
