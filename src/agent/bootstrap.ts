/**
 * The proxy's bootstrap, as pilot-agent writes Envoy's: the node (id
 * `sidecar~<INSTANCE_IP>~<POD>.<NS>~<NS>.svc.cluster.local`, `router~...` for a gateway, cluster `<canonical service>.<NS>`,
 * metadata from every ISTIO_META_* variable overlaid with the fields the contract names), admin
 * on 127.0.0.1, the static listeners (Prometheus, readiness) and clusters (prometheus_stats,
 * agent, and xds-grpc towards the discovery address), and ADS as the CDS/LDS source when there
 * is a discovery address.
 */
import type { Node } from '../core/xds/ads-service.ts';
import type { ProxyBootstrap } from '../proxy/core/bootstrap.ts';
import { canonicalService } from '../proxy/stats/workload-metadata.ts';
import { workloadOf, type FrozenSidecarConfig } from './config.ts';
import { parseDiscoveryAddress } from './discovery-address.ts';

/** The Istio release whose proxy behaviour Mizzen follows (node metadata ISTIO_VERSION unless ISTIO_META_ISTIO_VERSION says otherwise). */
export const ISTIO_VERSION = '1.24.0';
export const MIZZEN_VERSION = '0.1.0';

type Json = Record<string, unknown>;

// POD_PORTS is the container ports as the injector marshals them (Kubernetes' field order:
// name, containerPort, protocol), a JSON string inside the metadata.

export function sidecarNode(cfg: FrozenSidecarConfig): Node {
  const ns = cfg.podNamespace;
  const workload = workloadOf(cfg);
  const metadata: Json = {
    ...cfg.nodeMetadata,
    NAME: cfg.podName,
    NAMESPACE: ns,
    INSTANCE_IPS: cfg.instanceIp,
    LABELS: { ...cfg.labels },
    WORKLOAD_NAME: workload,
    SERVICE_ACCOUNT: cfg.serviceAccount,
    CLUSTER_ID: cfg.clusterId,
    MESH_ID: cfg.meshId,
    INTERCEPTION_MODE: cfg.interceptionMode,
    POD_PORTS: JSON.stringify(cfg.podPorts.map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol }))),
    APP_CONTAINERS: cfg.appContainers.join(','),
    ISTIO_VERSION: typeof cfg.nodeMetadata['ISTIO_VERSION'] === 'string' ? cfg.nodeMetadata['ISTIO_VERSION'] : ISTIO_VERSION,
    ENVOY_STATUS_PORT: cfg.readinessPort,
    ENVOY_PROMETHEUS_PORT: cfg.prometheusPort,
  };
  return {
    id: `${cfg.proxyType}~${cfg.instanceIp}~${cfg.podName}.${ns}~${ns}.svc.cluster.local`,
    cluster: `${canonicalService(cfg.labels, workload)}.${ns}`,
    metadata,
    userAgentName: 'mizzen',
    userAgentVersion: MIZZEN_VERSION,
  };
}

const sock = (address: string, portValue: number): Json => ({ socketAddress: { address, portValue } });

function staticCluster(name: string, address: Json, type = 'STATIC'): Json {
  return { name, type, connectTimeout: '1s', loadAssignment: { clusterName: name, endpoints: [{ lbEndpoints: [{ endpoint: { address } }] }] } };
}

export function sidecarBootstrap(cfg: FrozenSidecarConfig): ProxyBootstrap {
  const node = sidecarNode(cfg);
  const ads = { ads: {}, initialFetchTimeout: '0s', resourceApiVersion: 'V3' };
  const discovery = cfg.discoveryAddress === '' ? undefined : parseDiscoveryAddress(cfg.discoveryAddress);
  const clusters = [staticCluster('prometheus_stats', sock('127.0.0.1', cfg.proxyAdminPort)), staticCluster('agent', sock('127.0.0.1', cfg.statusPort))];
  if (discovery) clusters.push(staticCluster('xds-grpc', discovery.address, 'pipe' in discovery.address ? 'STATIC' : 'STRICT_DNS'));
  const config: Json = {
    node,
    staticResources: {
      listeners: [
        { name: `0.0.0.0_${cfg.prometheusPort}`, address: sock('0.0.0.0', cfg.prometheusPort) },
        { name: `0.0.0.0_${cfg.readinessPort}`, address: sock('0.0.0.0', cfg.readinessPort) },
      ],
      clusters,
    },
    ...(discovery ? {
      dynamicResources: {
        ldsConfig: ads,
        cdsConfig: ads,
        adsConfig: { apiType: 'GRPC', setNodeOnFirstMessageOnly: true, transportApiVersion: 'V3', grpcServices: [{ envoyGrpc: { clusterName: 'xds-grpc' } }] },
      },
    } : {}),
    admin: { address: sock('127.0.0.1', cfg.proxyAdminPort) },
  };
  return { node, config };
}
