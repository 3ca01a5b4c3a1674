/**
 * `mizzen up -f PATH`: read and validate the manifests (nothing starts when they are wrong),
 * start the supervisor unless one already runs in the state directory, apply, and wait until
 * every pod of the apply is ready; fail naming each pod that is not, and why. With a control
 * plane, also wait for the ingress gateway and print its address on the host.
 */
import type { Logger } from '../../core/log.ts';
import { RuntimeErrors, runtimeError } from '../errors.ts';
import { loadManifests } from '../manifest/load.ts';
import { decodeManifests } from '../manifest/decode.ts';
import { parseCidr, cidrsOverlap } from '../plan/ipam.ts';
import { readMeshRecord, type MeshRecord } from '../state/mesh-record.ts';
import { INGRESS_GATEWAY, INGRESS_LABELS } from '../istio/ingress-gateway.ts';
import { ISTIOD_NAMESPACE } from '../istio/istiod.ts';
import type { ListJson, PodJson } from './kube-json.ts';
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
  const mesh = await callApi<MeshRecord>(paths.api, 'GET', '/v1/mesh');
  if (mesh.ingressGateway) {
    if (o.wait) await waitForPods(paths, await ingressGatewayPods(paths.api), o.timeoutMs);
    out(`${INGRESS_GATEWAY}: ${mesh.ingressGateway}`);
    if (mesh.ingressGatewayHttps) out(`${INGRESS_GATEWAY}: ${mesh.ingressGatewayHttps}`);
  }
}

/** The ingress gateway's pods (`ns/name`). */
async function ingressGatewayPods(api: string): Promise<string[]> {
  const pods = await callApi<ListJson<PodJson>>(api, 'GET', '/v1/pods');
  return pods.items
    .filter((p) => p.metadata.namespace === ISTIOD_NAMESPACE && Object.entries(INGRESS_LABELS).every(([k, v]) => p.metadata.labels?.[k] === v))
    .map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
}
