/**
 * A pod intent -> the pod the runtime runs: decide injection, add istio-init and istio-proxy,
 * rewrite app probes (unless sidecar.istio.io/rewriteAppHTTPProbers is "false"), and give each
 * container its role and user: apps run as runAsUser/runAsGroup (container, then pod), else
 * uid/gid 1000, never the proxy's 1337 by default; istio-init runs as root.
 */
import type { Container, Labels, PodSpec } from '../model/objects.ts';
import type { ContainerRole, PlannedContainer, PlannedPod } from '../model/planned-pod.ts';
import { rewriteAppProbes, type AppProbers } from './app-probers.ts';
import { injectionRequested, proxyConfig } from './inject-policy.ts';
import type { PodIntent } from './replicas.ts';
import { injectedMeta, istioInit, istioProxy, type SidecarOptions } from './sidecar.ts';

export const DEFAULT_APP_UID = 1000;

function planned(c: Container, role: ContainerRole, spec: PodSpec): PlannedContainer {
  const uid = c.runAsUser ?? spec.runAsUser ?? DEFAULT_APP_UID;
  const gid = c.runAsGroup ?? spec.runAsGroup ?? (c.runAsUser ?? spec.runAsUser ?? DEFAULT_APP_UID);
  return { spec: c, role, uid, gid };
}

export function planPod(intent: PodIntent, namespaceLabels: Labels, opts: SidecarOptions, warn: (msg: string) => void): PlannedPod {
  const { pod, workload } = intent;
  const rs = intent.replicaSet === undefined ? {} : { replicaSet: intent.replicaSet };
  const spec = pod.spec;
  if (!injectionRequested(pod.metadata, namespaceLabels)) {
    return {
      metadata: pod.metadata, spec, workload, ...rs, sidecar: false, holdApplicationUntilProxyStarts: false,
      initContainers: spec.initContainers.map((c) => planned(c, 'init', spec)),
      containers: spec.containers.map((c) => planned(c, 'app', spec)),
    };
  }
  const proxy = proxyConfig(pod.metadata.annotations, warn);
  const rewrite = pod.metadata.annotations['sidecar.istio.io/rewriteAppHTTPProbers'] !== 'false';
  const { containers: apps, probers } = rewrite ? rewriteAppProbes(spec.containers) : { containers: [...spec.containers], probers: {} as AppProbers };
  const sidecar = istioProxy({ meta: pod.metadata, workload, apps: spec.containers, probers, proxy }, opts);
  const init = istioInit(pod.metadata, opts);
  const hold = proxy.holdApplicationUntilProxyStarts;
  const containers = hold ? [sidecar, ...apps] : [...apps, sidecar];
  const finalSpec: PodSpec = { ...spec, initContainers: [init, ...spec.initContainers], containers };
  const role = (c: Container): ContainerRole => (c === sidecar ? 'sidecar' : 'app');
  return {
    metadata: injectedMeta(pod.metadata, workload, apps),
    spec: finalSpec,
    workload,
    ...rs,
    sidecar: true,
    holdApplicationUntilProxyStarts: hold,
    initContainers: finalSpec.initContainers.map((c) => planned(c, 'init', spec)),
    containers: containers.map((c) => planned(c, role(c), spec)),
  };
}
