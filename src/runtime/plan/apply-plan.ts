/**
 * One apply, planned against what the mesh already holds, before anything changes: objects
 * identical to existing ones are "unchanged", different ones are refused (updates are not
 * supported), new services get ClusterIPs, Deployments expand into pods, every pod is planned
 * (injection included) and given an address, a namespace name and a veth name. Pure: the
 * supervisor applies the result.
 */
import type { Deployment, KubeObject, Labels, Namespace, ServiceAccount } from '../model/objects.ts';
import { objectRef } from '../model/objects.ts';
import type { PlannedPod } from '../model/planned-pod.ts';
import type { ServiceView } from '../model/views.ts';
import type { ManifestSet } from '../manifest/set.ts';
import { RuntimeErrors, runtimeError } from '../errors.ts';
import { allocate, cidrContains, nthAddress, type Cidr } from './ipam.ts';
import { podNetns, podVeth } from './names.ts';
import { planPod } from './pod-plan.ts';
import { barePod, expandDeployment, type PodIntent } from './replicas.ts';
import type { SidecarOptions } from './sidecar.ts';

export interface MeshSnapshot {
  /** Namespace name -> labels. */
  readonly namespaces: ReadonlyMap<string, Labels>;
  /** "Kind ns/name" -> the object's JSON, for unchanged/conflict detection. */
  readonly objects: ReadonlyMap<string, string>;
  readonly clusterIPs: ReadonlySet<string>;
  readonly podIPs: ReadonlySet<string>;
  /** "ns/name" of every pod. */
  readonly pods: ReadonlySet<string>;
  /** "ns/deployment" -> its pods' keys. */
  readonly deploymentPods: ReadonlyMap<string, readonly string[]>;
}

export interface ApplyOptions {
  readonly meshId: string;
  readonly podCidr: Cidr;
  readonly serviceCidr: Cidr;
  readonly sidecar: SidecarOptions;
  readonly random: () => number;
}

export interface PlannedPodPlacement {
  readonly planned: PlannedPod;
  readonly netns: string;
  readonly veth: string;
  readonly ip: string;
}

export interface ApplyPlan {
  readonly namespaces: readonly Namespace[];
  readonly serviceAccounts: readonly ServiceAccount[];
  readonly services: readonly ServiceView[];
  readonly deployments: readonly { deployment: Deployment; pods: readonly string[] }[];
  readonly pods: readonly PlannedPodPlacement[];
  /** Pods `mizzen up` waits for: the new ones and those of unchanged objects. */
  readonly waitFor: readonly string[];
  /** kubectl-style lines: "deployment.apps/web created", "service/web unchanged". */
  readonly results: readonly string[];
  readonly warnings: readonly string[];
  /** The objects this apply creates, to be remembered. */
  readonly created: readonly KubeObject[];
}

const RESOURCE: Record<string, string> = { Namespace: 'namespace', ServiceAccount: 'serviceaccount', Service: 'service', Deployment: 'deployment.apps', Pod: 'pod' };

export function planApply(set: ManifestSet, snap: MeshSnapshot, opts: ApplyOptions): ApplyPlan {
  const results: string[] = [];
  const warnings = [...set.warnings];
  const conflicts: string[] = [];
  const created: KubeObject[] = [];
  const isNew = (kind: string, obj: KubeObject): boolean => {
    const ref = objectRef(kind, obj.metadata);
    const before = snap.objects.get(ref);
    const line = `${RESOURCE[kind] ?? kind.toLowerCase()}/${obj.metadata.name}`;
    if (before === undefined) {
      results.push(`${line} created`);
      created.push(obj);
      return true;
    }
    if (before !== JSON.stringify(obj)) conflicts.push(`${ref}: already exists with a different spec (updates are not supported; run mizzen down first)`);
    else results.push(`${line} unchanged`);
    return false;
  };
  const namespaces = set.namespaces.filter((n) => isNew('Namespace', n));
  const serviceAccounts = set.serviceAccounts.filter((s) => isNew('ServiceAccount', s));
  const newServices = set.services.filter((s) => isNew('Service', s));
  const newDeployments = set.deployments.filter((d) => isNew('Deployment', d));
  const newPods = set.pods.filter((p) => isNew('Pod', p));
  const waitFor: string[] = [];
  for (const d of set.deployments.filter((x) => !newDeployments.includes(x))) {
    waitFor.push(...(snap.deploymentPods.get(`${d.metadata.namespace}/${d.metadata.name}`) ?? []));
  }
  for (const p of set.pods.filter((x) => !newPods.includes(x))) waitFor.push(`${p.metadata.namespace}/${p.metadata.name}`);

  const clusterIPs = new Set(snap.clusterIPs);
  const services: ServiceView[] = [];
  for (const s of newServices) {
    const asked = s.spec.clusterIP;
    const ref = objectRef('Service', s.metadata);
    const reserved = [nthAddress(opts.serviceCidr, 0), nthAddress(opts.serviceCidr, 1), nthAddress(opts.serviceCidr, opts.serviceCidr.size - 1)];
    if (asked !== undefined && (!cidrContains(opts.serviceCidr, asked) || clusterIPs.has(asked) || reserved.includes(asked))) {
      const why = clusterIPs.has(asked) ? 'already allocated' : reserved.includes(asked) ? 'reserved' : `not in the service CIDR ${opts.serviceCidr.text}`;
      conflicts.push(`${ref}: spec.clusterIP: "${asked}": ${why}`);
      continue;
    }
    const ip = asked ?? allocate(opts.serviceCidr, clusterIPs, 2);
    if (ip === undefined) {
      conflicts.push(`${ref}: the service CIDR ${opts.serviceCidr.text} is full`);
      continue;
    }
    clusterIPs.add(ip);
    services.push({ service: s, clusterIP: ip });
  }

  const taken = new Set(snap.pods);
  const intents: PodIntent[] = [];
  const deployments = newDeployments.map((d) => {
    const pods = expandDeployment(d, opts.random, taken);
    for (const p of pods) taken.add(`${p.pod.metadata.namespace}/${p.pod.metadata.name}`);
    intents.push(...pods);
    return { deployment: d, pods: pods.map((p) => `${p.pod.metadata.namespace}/${p.pod.metadata.name}`) };
  });
  for (const p of newPods) {
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    if (taken.has(key)) conflicts.push(`${objectRef('Pod', p.metadata)}: a pod of that name already exists`);
    taken.add(key);
    intents.push(barePod(p));
  }
  if (conflicts.length > 0) throw runtimeError(RuntimeErrors.Conflict, `the apply conflicts with the running mesh, nothing was applied:\n  ${conflicts.join('\n  ')}`);

  const nsLabels = new Map(snap.namespaces);
  for (const n of namespaces) nsLabels.set(n.metadata.name, n.metadata.labels);
  const podIPs = new Set(snap.podIPs);
  const pods: PlannedPodPlacement[] = [];
  for (const intent of intents) {
    const { name, namespace } = intent.pod.metadata;
    const ref = objectRef('Pod', intent.pod.metadata);
    const planned = planPod(intent, nsLabels.get(namespace) ?? {}, opts.sidecar, (w) => warnings.push(`${ref}: ${w}`));
    const ip = allocate(opts.podCidr, podIPs, 2);
    if (ip === undefined) throw runtimeError(RuntimeErrors.Conflict, `${ref}: the pod CIDR ${opts.podCidr.text} is full, nothing was applied`);
    podIPs.add(ip);
    pods.push({ planned, ip, netns: podNetns(opts.meshId, namespace, name), veth: podVeth(opts.meshId, namespace, name) });
    waitFor.push(`${namespace}/${name}`);
  }
  // kubectl reports in document order.
  const order = (line: string): number => set.objects.findIndex((o) => line.startsWith(`${RESOURCE[o.kind] ?? ''}/${o.metadata.name} `));
  results.sort((a, b) => order(a) - order(b));
  return { namespaces, serviceAccounts, services, deployments, pods, waitFor, results, warnings, created };
}
