/**
 * registry.json mode's clusters, as specs for the cluster manager: `outbound|PORT||HOST` (EDS)
 * for every TCP service port with its endpoints (ready -> HEALTHY, else UNHEALTHY; the peer
 * from the registry's workloads), `inbound|PORT||` per declared container port (to INSTANCE_IP
 * from 127.0.0.6, with the service that targets the pod), PassthroughCluster,
 * InboundPassthroughCluster and BlackHoleCluster. Istio's defaults (HTTP/1.1 upstream, unlimited
 * request thresholds), the connect timeout flag.
 */
import { normalizeIp } from '../core/address.ts';
import { DEFAULT_MAX_CONNECTIONS, type ServiceMetadata } from '../cluster/cluster.ts';
import type { ClusterSpec } from '../cluster/cluster-config.ts';
import { ISTIO_DEFAULT_HTTP_OPTIONS } from '../cluster/http-options.ts';
import { BLACKHOLE, INBOUND_PASSTHROUGH, PASSTHROUGH, inboundClusterName, outboundClusterName } from '../cluster/names.ts';
import { emptyAssignment, noLocality, type EndpointAssignment } from '../endpoint/endpoint-config.ts';
import { workloadMetadata, type WorkloadMetadata } from '../stats/workload-metadata.ts';
import type { Labels, Service } from '../../core/registry/registry.ts';
import { endpointPortFor, serviceKey, type RegistrySnapshot } from './snapshot.ts';

/** This pod, as the inbound side needs it. */
export interface LocalPod {
  readonly instanceIp: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** Declared container ports: each gets an `inbound|PORT||` cluster. */
  readonly containerPorts: readonly number[];
}

export interface RegistryClusterOptions {
  readonly local: LocalPod;
  readonly clusterId: string;
  readonly connectTimeoutMs: number;
  readonly maxConnections?: number;
}

export interface RegistryClusters {
  readonly specs: readonly ClusterSpec[];
  readonly endpoints: ReadonlyMap<string, EndpointAssignment>;
}

const INBOUND_BIND = '127.0.0.6';

const selects = (selector: Labels, labels: Labels): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

const meta = (s: Service): ServiceMetadata => ({ host: s.hostname, name: s.name, namespace: s.namespace });

/** The service that sends this pod traffic on `port`: Istio's inbound cluster metadata. */
function inboundService(snap: RegistrySnapshot, local: LocalPod, port: number): ServiceMetadata | undefined {
  for (const e of snap.endpointsByIp.get(local.instanceIp) ?? []) {
    const svc = snap.registry.services.find((s) => s.name === e.service && s.namespace === e.namespace);
    if (svc && svc.ports.some((p) => endpointPortFor(e, p) === port)) return meta(svc);
  }
  const svc = snap.registry.services.find((s) => s.namespace === local.namespace && selects(s.selector, local.labels) && s.ports.some((p) => p.targetPort === port));
  return svc && meta(svc);
}

export function registryClusters(snap: RegistrySnapshot | undefined, o: RegistryClusterOptions): RegistryClusters {
  const common = { connectTimeoutMs: o.connectTimeoutMs, choiceCount: 2, maxConnections: o.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    http: ISTIO_DEFAULT_HTTP_OPTIONS, addedViaApi: false } as const;
  const peerAt = (ip: string): WorkloadMetadata | undefined => {
    const w = snap?.workloadByIp.get(normalizeIp(ip));
    return w && workloadMetadata(w, o.clusterId);
  };
  const specs: ClusterSpec[] = [
    { ...common, type: 'STATIC', name: BLACKHOLE, lbPolicy: 'ROUND_ROBIN', upstreamBind: undefined, service: undefined, loadAssignment: emptyAssignment(BLACKHOLE) },
    { ...common, type: 'ORIGINAL_DST', name: PASSTHROUGH, lbPolicy: 'CLUSTER_PROVIDED', upstreamBind: undefined, service: undefined, hostIp: undefined, peerAt },
    { ...common, type: 'ORIGINAL_DST', name: INBOUND_PASSTHROUGH, lbPolicy: 'CLUSTER_PROVIDED', upstreamBind: INBOUND_BIND, service: undefined, hostIp: undefined, peerAt },
  ];
  for (const port of o.local.containerPorts) {
    specs.push({
      ...common, type: 'ORIGINAL_DST', name: inboundClusterName(port), lbPolicy: 'CLUSTER_PROVIDED', upstreamBind: INBOUND_BIND,
      service: snap && inboundService(snap, o.local, port), hostIp: o.local.instanceIp || undefined, peerAt,
    });
  }
  const endpoints = new Map<string, EndpointAssignment>();
  for (const service of snap?.registry.services ?? []) {
    const members = snap?.endpointsOf.get(serviceKey(service.namespace, service.name)) ?? [];
    for (const port of service.ports) {
      if (port.protocol.toUpperCase() !== 'TCP') continue;
      const name = outboundClusterName(port.port, service.hostname);
      specs.push({ ...common, type: 'EDS', name, serviceName: name, lbPolicy: 'ROUND_ROBIN', upstreamBind: undefined, service: meta(service), addedViaApi: true });
      endpoints.set(name, {
        clusterName: name,
        localities: [{
          locality: noLocality, priority: 0, weight: members.length,
          endpoints: members.map((e) => ({ address: { ip: e.ip, port: endpointPortFor(e, port) }, health: e.ready ? 'HEALTHY' : 'UNHEALTHY', weight: 1, hostname: '', peer: peerAt(e.ip) })),
        }],
      });
    }
  }
  return { specs, endpoints };
}
