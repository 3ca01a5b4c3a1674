/**
 * A simulated sidecar on the ADS stream, doing what Envoy does: CDS by wildcard, then EDS for
 * the EDS clusters, LDS by wildcard, then RDS for the route configs its HTTP listeners name;
 * every response ACKed with the subscription repeated. Each proxy has its own HTTP/2
 * connection (a local subchannel pool). Clusters are only peeked at (name, type), not decoded. It records when each type was first ACKed and every
 * response's size, and lets a caller wait for the next response of a type.
 */
import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition, type DiscoveryRequest, type DiscoveryResponse, type Node } from '../../src/core/xds/ads-service.ts';
import { decodeAny } from '../../src/core/xds/protos.ts';
import { TypeUrls } from '../../src/core/xds/type-urls.ts';
import { CLUSTER_TYPE_EDS, peekCluster } from './cluster-peek.ts';

type AdsClient = grpc.Client & { StreamAggregatedResources(): grpc.ClientDuplexStream<DiscoveryRequest, DiscoveryResponse> };

export interface Received { readonly typeUrl: string; readonly at: number; readonly resources: number; readonly bytes: number }

const ALL = [TypeUrls.cluster, TypeUrls.clusterLoadAssignment, TypeUrls.listener, TypeUrls.routeConfiguration] as const;

export class AdsProxy {
  readonly node: Node;
  readonly received: Received[] = [];
  /** When each type was first ACKed (ms, performance.now()). */
  readonly firstAck = new Map<string, number>();
  error: string | undefined;
  private readonly client: AdsClient;
  private readonly stream: grpc.ClientDuplexStream<DiscoveryRequest, DiscoveryResponse>;
  private readonly names = new Map<string, string[]>();
  private first = true;
  private waiters: (() => void)[] = [];

  constructor(port: number, node: Node) {
    this.node = node;
    const Client = grpc.makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');
    this.client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1, 'grpc.max_receive_message_length': -1,
    }) as unknown as AdsClient;
    this.stream = this.client.StreamAggregatedResources();
    this.stream.on('data', (res: DiscoveryResponse) => this.onResponse(res));
    this.stream.on('error', (err: Error) => {
      this.error ??= err.message;
      this.wake();
    });
    this.subscribe(TypeUrls.cluster, []);
  }

  private send(req: DiscoveryRequest): void {
    this.stream.write(this.first ? { node: this.node, ...req } : req);
    this.first = false;
  }

  private subscribe(typeUrl: string, names: string[]): void {
    this.names.set(typeUrl, names);
    this.send({ typeUrl, resourceNames: names });
  }

  private onResponse(res: DiscoveryResponse): void {
    const at = performance.now();
    this.received.push({ typeUrl: res.typeUrl, at, resources: res.resources.length, bytes: res.resources.reduce((n, r) => n + r.value.length, 0) });
    const wanted = this.follow(res);
    this.send({ typeUrl: res.typeUrl, versionInfo: res.versionInfo, responseNonce: res.nonce, resourceNames: this.names.get(res.typeUrl) ?? [] });
    if (!this.firstAck.has(res.typeUrl)) this.firstAck.set(res.typeUrl, performance.now());
    for (const [typeUrl, names] of wanted) this.subscribe(typeUrl, names);
    this.wake();
  }

  /** The subscriptions a response leads to, as Envoy makes them (EDS after CDS, LDS after EDS, RDS after LDS). */
  private follow(res: DiscoveryResponse): [string, string[]][] {
    const out: [string, string[]][] = [];
    if (res.typeUrl === TypeUrls.cluster) {
      const eds = res.resources.map((a) => peekCluster(a.value)).filter((c) => c.type === CLUSTER_TYPE_EDS).map((c) => c.name).sort();
      if (eds.join('\n') !== (this.names.get(TypeUrls.clusterLoadAssignment) ?? []).join('\n')) out.push([TypeUrls.clusterLoadAssignment, eds]);
    } else if (res.typeUrl === TypeUrls.clusterLoadAssignment && !this.names.has(TypeUrls.listener)) {
      out.push([TypeUrls.listener, []]);
    } else if (res.typeUrl === TypeUrls.listener) {
      const text = res.resources.map((a) => JSON.stringify(decodeAny(a).object)).join('');
      const routes = [...new Set([...text.matchAll(/"routeConfigName":"([^"]+)"/g)].map((m) => m[1] ?? ''))].sort();
      if (routes.join('\n') !== (this.names.get(TypeUrls.routeConfiguration) ?? []).join('\n')) out.push([TypeUrls.routeConfiguration, routes]);
    }
    return out;
  }

  /** True once CDS, EDS, LDS and RDS have each been ACKed. */
  synced(): boolean {
    return ALL.every((t) => this.firstAck.has(t));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  /** Resolves true once `pred` holds (checked after each response), false on a stream error or after `ms`. */
  async waitFor(pred: () => boolean, ms: number): Promise<boolean> {
    const end = performance.now() + ms;
    while (!pred()) {
      if (this.error !== undefined || performance.now() > end) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, end - performance.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return true;
  }

  close(): void {
    this.stream.on('error', () => {});
    this.stream.cancel();
    this.client.close();
  }
}

/** A sidecar node as Mizzen's agent sends it (Istio's node id and metadata). */
export function sidecarNode(pod: string, ns: string, ip: string, labels: Record<string, string>): Node {
  return {
    id: `sidecar~${ip}~${pod}.${ns}~${ns}.svc.cluster.local`,
    cluster: `${labels['app'] ?? pod}.${ns}`,
    metadata: {
      NAME: pod, NAMESPACE: ns, INSTANCE_IPS: ip, LABELS: labels, CLUSTER_ID: 'Kubernetes', ISTIO_VERSION: '1.23.2', INTERCEPTION_MODE: 'REDIRECT',
      POD_PORTS: JSON.stringify([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]), WORKLOAD_NAME: `${labels['app'] ?? pod}-v1`,
    },
  };
}
