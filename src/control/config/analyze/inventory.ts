/**
 * What the analyzers know about the world besides Istio config: workloads (label sets, from
 * Pods and the pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs) and
 * services (hostnames and ports, from Services), read from the same input files and/or from a
 * running mesh's registry.json.
 */
import { CLUSTER_DOMAIN } from '../hosts.ts';
import { isPlainObject } from '../schema/schema.ts';
import type { KubeObject } from '../source/objects.ts';

export interface Workload {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  readonly hostname: string;
  readonly ports: readonly number[];
}

export interface Inventory {
  readonly workloads: readonly Workload[];
  readonly services: readonly ServiceInfo[];
  /** Whether any source of workloads (or services) was given at all: without one, checks that need it are skipped. */
  readonly workloadsKnown: boolean;
  readonly servicesKnown: boolean;
}

const TEMPLATED = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

const stringMap = (v: unknown): Record<string, string> =>
  (isPlainObject(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string> : {});

const get = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (isPlainObject(o) ? o[k] : undefined), v);

export function inventoryFromObjects(objects: readonly KubeObject[]): Inventory {
  const workloads: Workload[] = [];
  const services: ServiceInfo[] = [];
  for (const o of objects) {
    if (o.kind === 'Pod') workloads.push({ namespace: o.namespace, name: o.name, labels: stringMap(get(o.value, 'metadata', 'labels')) });
    if (TEMPLATED.has(o.kind)) {
      workloads.push({ namespace: o.namespace, name: o.name, labels: stringMap(get(o.value, 'spec', 'template', 'metadata', 'labels')) });
    }
    if (o.kind === 'Service') {
      const ports = get(o.value, 'spec', 'ports');
      services.push({
        namespace: o.namespace, name: o.name, hostname: `${o.name}.${o.namespace}.svc.${CLUSTER_DOMAIN}`,
        ports: Array.isArray(ports) ? ports.map((p) => get(p, 'port')).filter((n): n is number => typeof n === 'number') : [],
      });
    }
  }
  return { workloads, services, workloadsKnown: workloads.length > 0, servicesKnown: services.length > 0 };
}

export function mergeInventories(a: Inventory, b: Inventory): Inventory {
  return {
    workloads: [...a.workloads, ...b.workloads],
    services: [...a.services, ...b.services],
    workloadsKnown: a.workloadsKnown || b.workloadsKnown,
    servicesKnown: a.servicesKnown || b.servicesKnown,
  };
}

/** Whether `labels` carry every key=value of `selector` (an empty selector selects everything). */
export const selects = (selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** A label selector as Kubernetes prints it: sorted `k=v` pairs joined by commas. */
export const selectorString = (selector: Readonly<Record<string, string>>): string =>
  Object.keys(selector).sort().map((k) => `${k}=${selector[k] ?? ''}`).join(',');
