/**
 * The API's objects in Kubernetes' JSON shapes, so `-o json` reads like kubectl's: Pods (spec
 * and status with container states), Services with their ClusterIP, and Endpoints with ready
 * and not-ready addresses.
 */
import type { Container, Probe } from '../model/objects.ts';
import type { ContainerState, ContainerStatus } from '../model/status.ts';
import type { Endpoint, ServiceView } from '../model/views.ts';
import type { PodRuntime } from './pod-runtime.ts';

function probeJson(p: Probe | undefined): unknown {
  if (!p) return undefined;
  const { httpGet, ...rest } = p;
  if (!httpGet) return rest;
  const { httpHeaders, ...h } = httpGet;
  return { ...rest, httpGet: httpHeaders.length > 0 ? { ...h, httpHeaders } : h };
}

export function containerJson(c: Container, uid: number, gid: number): Record<string, unknown> {
  return {
    name: c.name,
    image: c.image,
    command: c.command,
    ...(c.args.length > 0 ? { args: c.args } : {}),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    ...(c.env.length > 0 ? { env: c.env.map((e) => (e.fieldPath !== undefined ? { name: e.name, valueFrom: { fieldRef: { fieldPath: e.fieldPath } } } : { name: e.name, value: e.value ?? '' })) } : {}),
    ...(c.ports.length > 0 ? { ports: c.ports } : {}),
    securityContext: { runAsUser: uid, runAsGroup: gid },
    ...(c.readinessProbe ? { readinessProbe: probeJson(c.readinessProbe) } : {}),
    ...(c.livenessProbe ? { livenessProbe: probeJson(c.livenessProbe) } : {}),
    ...(c.startupProbe ? { startupProbe: probeJson(c.startupProbe) } : {}),
  };
}

function stateJson(s: ContainerState | undefined): Record<string, unknown> {
  if (!s) return {};
  if (s.kind === 'running') return { running: { startedAt: s.startedAt } };
  if (s.kind === 'waiting') return { waiting: { reason: s.reason, ...(s.message ? { message: s.message } : {}) } };
  const { kind: _k, ...rest } = s;
  return { terminated: rest };
}

function statusJson(s: ContainerStatus, image: string): Record<string, unknown> {
  return {
    name: s.name, state: stateJson(s.state), lastState: stateJson(s.lastState), ready: s.ready, restartCount: s.restartCount,
    started: s.started, image, imageID: '', ...(s.pid ? { containerID: `mizzen://${s.pid}` } : {}),
    ...(s.lastMessage ? { lastMessage: s.lastMessage } : {}),
  };
}

export function podJson(p: PodRuntime, nodeName: string, hostIP: string): Record<string, unknown> {
  const m = p.planned.metadata;
  const cond = (type: string, ok: boolean): Record<string, string> => ({ type, status: ok ? 'True' : 'False' });
  const containersReady = p.containers.every((c) => c.status.ready);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: m.name, namespace: m.namespace, labels: m.labels, annotations: m.annotations, creationTimestamp: p.createdAt,
      ...(p.terminating ? { deletionTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
      ...(p.planned.replicaSet ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: p.planned.replicaSet, controller: true }] } : {}),
    },
    spec: {
      ...(p.init.length > 0 ? { initContainers: p.init.map((c) => containerJson(c.planned.spec, c.planned.uid, c.planned.gid)) } : {}),
      containers: p.containers.map((c) => containerJson(c.planned.spec, c.planned.uid, c.planned.gid)),
      restartPolicy: p.planned.spec.restartPolicy,
      serviceAccountName: p.planned.spec.serviceAccountName,
      terminationGracePeriodSeconds: p.planned.spec.terminationGracePeriodSeconds,
      nodeName,
    },
    status: {
      phase: p.phase,
      ...(p.failure ? { reason: p.failure.reason, message: p.failure.message } : {}),
      conditions: [cond('Initialized', p.initialized), cond('Ready', p.ready), cond('ContainersReady', containersReady), cond('PodScheduled', true)],
      hostIP,
      ...(p.sandboxReady ? { podIP: p.address.ip, podIPs: [{ ip: p.address.ip }] } : {}),
      ...(p.startTime ? { startTime: p.startTime } : {}),
      ...(p.init.length > 0 ? { initContainerStatuses: p.init.map((c) => statusJson(c.status, c.planned.spec.image)) } : {}),
      containerStatuses: p.containers.map((c) => statusJson(c.status, c.planned.spec.image)),
    },
  };
}

/** `ingress`: the host address a Service is exposed on (the ingress gateway's), shown as its load balancer. */
export function serviceJson(v: ServiceView, createdAt: string, ingress?: { ip: string; port: number }): Record<string, unknown> {
  const s = v.service;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.metadata.name, namespace: s.metadata.namespace, labels: s.metadata.labels, annotations: s.metadata.annotations, creationTimestamp: createdAt },
    spec: { type: s.spec.type, clusterIP: v.clusterIP, clusterIPs: [v.clusterIP], selector: s.spec.selector, ports: s.spec.ports },
    ...(ingress ? { status: { loadBalancer: { ingress: [{ ip: ingress.ip, ports: [{ port: ingress.port, protocol: 'TCP' }] }] } } } : {}),
  };
}

export function endpointsJson(v: ServiceView, endpoints: readonly Endpoint[], createdAt: string): Record<string, unknown> {
  const s = v.service;
  const groups = new Map<string, Endpoint[]>();
  for (const e of endpoints) {
    const key = JSON.stringify(e.ports);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const address = (e: Endpoint): Record<string, unknown> => ({ ip: e.ip, targetRef: { kind: 'Pod', name: e.pod, namespace: e.namespace } });
  const subsets = [...groups.values()].map((eps) => {
    const ready = eps.filter((e) => e.ready).map(address);
    const notReady = eps.filter((e) => !e.ready).map(address);
    return {
      ...(ready.length > 0 ? { addresses: ready } : {}),
      ...(notReady.length > 0 ? { notReadyAddresses: notReady } : {}),
      ports: eps[0]?.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol })) ?? [],
    };
  });
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: s.metadata.name, namespace: s.metadata.namespace, labels: s.metadata.labels, creationTimestamp: createdAt },
    ...(subsets.length > 0 ? { subsets } : {}),
  };
}
