/**
 * Proxy: who is on the other end of an xDS stream, read from the first request's node (Istio's
 * model.Proxy). The node id is `sidecar~<IP>~<pod>.<ns>~<ns>.svc.cluster.local`; the metadata is
 * Istio's ProxyConfig metadata (NAMESPACE, LABELS, POD_PORTS...). Proxyless gRPC clients send
 * GENERATOR=grpc and get the gRPC flavour. Ids in other shapes are accepted (gRPC clients often
 * use their own): the namespace then comes from metadata, else "default".
 */
import type { Labels } from '../registry/model.ts';

export type ProxyType = 'sidecar' | 'router';
/** Which generator set serves the proxy: Envoy-style sidecar config, or proxyless gRPC. */
export type GeneratorFlavour = 'sidecar' | 'grpc';

export interface ContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: string;
}

export interface Proxy {
  readonly id: string;
  readonly type: ProxyType;
  readonly ipAddresses: readonly string[];
  /** `<pod>.<ns>`, the name istioctl proxy-status prints. */
  readonly name: string;
  readonly podName: string;
  readonly namespace: string;
  readonly dnsDomain: string;
  readonly clusterId: string;
  readonly labels: Labels;
  readonly workloadName: string;
  readonly serviceAccount: string;
  readonly istioVersion: string;
  readonly interceptionMode: string;
  readonly podPorts: readonly ContainerPort[];
  readonly generator: GeneratorFlavour;
  readonly locality: { readonly region?: string; readonly zone?: string; readonly subZone?: string };
  readonly metadata: Readonly<Record<string, unknown>>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function labelsOf(v: unknown): Labels {
  let o = v;
  if (typeof o === 'string') {
    try {
      o = JSON.parse(o);
    } catch {
      return {};
    }
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return {};
  return Object.fromEntries(Object.entries(o).filter(([, x]) => typeof x === 'string')) as Labels;
}

/** POD_PORTS is a JSON string of container ports (as Istio sends it); a list is accepted too. */
function podPortsOf(v: unknown): ContainerPort[] {
  let list = v;
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(list)) return [];
  return list.flatMap((p: unknown) => {
    if (typeof p !== 'object' || p === null) return [];
    const o = p as Record<string, unknown>;
    const port = Number(o['containerPort']);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return [];
    return [{ name: str(o['name']), containerPort: port, protocol: str(o['protocol']) || 'TCP' }];
  });
}

export interface NodeInfo {
  readonly id?: string;
  readonly cluster?: string;
  readonly metadata?: Record<string, unknown>;
  readonly locality?: { region?: string; zone?: string; subZone?: string };
}

/** The Proxy a node describes; undefined when the node has no id. */
export function parseProxy(node: NodeInfo | undefined): Proxy | undefined {
  const id = node?.id ?? '';
  if (id === '') return undefined;
  const meta = node?.metadata ?? {};
  const parts = id.split('~');
  const istioShape = parts.length === 4 && (parts[0] === 'sidecar' || parts[0] === 'router');
  const podDotNs = istioShape ? parts[2] ?? '' : id;
  const dot = podDotNs.indexOf('.');
  const namespace = str(meta['NAMESPACE']) || (istioShape && dot > 0 ? podDotNs.slice(dot + 1) : '') || 'default';
  const podName = str(meta['NAME']) || (istioShape && dot > 0 ? podDotNs.slice(0, dot) : podDotNs);
  const ips = str(meta['INSTANCE_IPS']).split(',').map((s) => s.trim()).filter(Boolean);
  if (ips.length === 0 && istioShape && parts[1]) ips.push(parts[1]);
  const labels = labelsOf(meta['LABELS']);
  return Object.freeze({
    id, type: istioShape && parts[0] === 'router' ? 'router' : 'sidecar', ipAddresses: ips, name: `${podName}.${namespace}`, podName, namespace,
    dnsDomain: istioShape ? parts[3] ?? '' : `${namespace}.svc.cluster.local`, clusterId: str(meta['CLUSTER_ID']) || 'Kubernetes', labels,
    workloadName: str(meta['WORKLOAD_NAME']) || podName, serviceAccount: str(meta['SERVICE_ACCOUNT']), istioVersion: str(meta['ISTIO_VERSION']),
    interceptionMode: str(meta['INTERCEPTION_MODE']) || 'REDIRECT', podPorts: podPortsOf(meta['POD_PORTS']),
    generator: str(meta['GENERATOR']) === 'grpc' ? 'grpc' : 'sidecar', locality: node?.locality ?? {}, metadata: meta,
  } satisfies Proxy);
}
