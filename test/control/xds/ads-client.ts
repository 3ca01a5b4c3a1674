/**
 * Raw ADS test clients over a real grpc-js channel (the ADS service definition from core/xds),
 * state of the world and delta: they send requests, queue every response with its resources
 * decoded, and wait for the next response of a type, or for silence.
 */
import * as grpc from '@grpc/grpc-js';
import {
  adsServiceDefinition, type DeltaDiscoveryRequest, type DeltaDiscoveryResponse, type DiscoveryRequest, type DiscoveryResponse, type Node,
} from '../../../src/core/xds/ads-service.ts';
import { decodeAny } from '../../../src/core/xds/protos.ts';

export interface Received {
  readonly typeUrl: string;
  readonly versionInfo: string;
  readonly nonce: string;
  readonly controlPlane?: string;
  readonly resources: readonly Record<string, unknown>[];
  readonly names: readonly string[];
}

type AdsClient = grpc.Client & { StreamAggregatedResources(): grpc.ClientDuplexStream<DiscoveryRequest, DiscoveryResponse> };

export class AdsTestClient {
  readonly node: Node;
  readonly received: Received[] = [];
  private readonly client: AdsClient;
  private readonly stream: grpc.ClientDuplexStream<DiscoveryRequest, DiscoveryResponse>;
  private waiters: (() => void)[] = [];
  private first = true;
  /** The subscription per type, which every ACK repeats (as Envoy and gRPC clients do). */
  private readonly subscribed = new Map<string, readonly string[]>();
  ended = false;
  status: grpc.StatusObject | undefined;

  constructor(port: number, node: Node) {
    this.node = node;
    const Client = grpc.makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');
    this.client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as AdsClient;
    this.stream = this.client.StreamAggregatedResources();
    this.stream.on('data', (res: DiscoveryResponse) => {
      const resources = res.resources.map((a) => decodeAny(a).object);
      this.received.push({
        typeUrl: res.typeUrl, versionInfo: res.versionInfo, nonce: res.nonce, controlPlane: res.controlPlane?.identifier,
        resources, names: resources.map((r) => String(r['name'] ?? r['clusterName'] ?? '')),
      });
      this.wake();
    });
    this.stream.on('status', (s: grpc.StatusObject) => {
      this.status = s;
      this.wake();
    });
    this.stream.on('error', () => {
      this.ended = true;
      this.wake();
    });
    this.stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((fn) => fn());
  }

  send(req: DiscoveryRequest): void {
    if (req.typeUrl && req.resourceNames) this.subscribed.set(req.typeUrl, req.resourceNames);
    this.stream.write(this.first ? { node: this.node, ...req } : req);
    this.first = false;
  }

  request(typeUrl: string, names: readonly string[] = []): void {
    this.send({ typeUrl, resourceNames: [...names] });
  }

  /** ACKs a response, repeating the type's subscription unless `names` changes it. */
  ack(r: Received, names?: readonly string[]): void {
    this.send({ typeUrl: r.typeUrl, versionInfo: r.versionInfo, responseNonce: r.nonce, resourceNames: [...(names ?? this.subscribed.get(r.typeUrl) ?? [])] });
  }

  nack(r: Received, message: string): void {
    this.send({ typeUrl: r.typeUrl, responseNonce: r.nonce, errorDetail: { code: 3, message }, resourceNames: [...(this.subscribed.get(r.typeUrl) ?? [])] });
  }

  /** Removes and returns the first queued response of `typeUrl` (any type if omitted), waiting up to `ms`. */
  async next(typeUrl?: string, ms = 3000): Promise<Received> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.received.findIndex((r) => typeUrl === undefined || r.typeUrl === typeUrl);
      if (i >= 0) return this.received.splice(i, 1)[0] as Received;
      const left = end - Date.now();
      if (left <= 0 || this.ended) throw new Error(`no ${typeUrl ?? 'response'} within ${ms} ms (queued: ${this.received.map((r) => r.typeUrl).join(', ') || 'none'})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits `ms` and returns (and removes) everything that arrived. */
  async drain(ms: number): Promise<Received[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.received.splice(0);
  }

  close(): void {
    this.stream.on('error', () => {});
    this.stream.cancel();
    this.client.close();
  }
}

/** A sidecar node as Mizzen's agent sends it. */
export function sidecarNode(pod: string, ns: string, ip: string, labels: Record<string, string>, podPorts: unknown[] = []): Node {
  return {
    id: `sidecar~${ip}~${pod}.${ns}~${ns}.svc.cluster.local`,
    cluster: `${labels['app'] ?? pod}.${ns}`,
    metadata: {
      NAME: pod, NAMESPACE: ns, INSTANCE_IPS: ip, LABELS: labels, CLUSTER_ID: 'Kubernetes', ISTIO_VERSION: '1.23.2',
      INTERCEPTION_MODE: 'REDIRECT', POD_PORTS: JSON.stringify(podPorts), WORKLOAD_NAME: labels['app'] ?? pod,
    },
  };
}

export interface DeltaReceived {
  readonly typeUrl: string;
  readonly nonce: string;
  readonly systemVersionInfo: string;
  readonly resources: readonly { readonly name: string; readonly version: string; readonly object: Record<string, unknown> }[];
  readonly removedResources: readonly string[];
}

type DeltaClient = grpc.Client & { DeltaAggregatedResources(): grpc.ClientDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse> };

/** The same for delta xDS: subscribe/unsubscribe, ACK/NACK by nonce, responses with per-resource versions. */
export class DeltaTestClient {
  readonly received: DeltaReceived[] = [];
  private readonly client: DeltaClient;
  private readonly stream: grpc.ClientDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse>;
  private first = true;
  private readonly node: Node;

  constructor(port: number, node: Node) {
    this.node = node;
    const Client = grpc.makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');
    this.client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as DeltaClient;
    this.stream = this.client.DeltaAggregatedResources();
    this.stream.on('data', (res: DeltaDiscoveryResponse) => {
      this.received.push({
        typeUrl: res.typeUrl, nonce: res.nonce, systemVersionInfo: res.systemVersionInfo, removedResources: res.removedResources,
        resources: res.resources.map((r) => ({ name: r.name, version: r.version, object: decodeAny(r.resource).object })),
      });
    });
    this.stream.on('error', () => {});
  }

  send(req: DeltaDiscoveryRequest): void {
    this.stream.write(this.first ? { node: this.node, ...req } : req);
    this.first = false;
  }

  async next(typeUrl: string, ms = 3000): Promise<DeltaReceived> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.received.findIndex((r) => r.typeUrl === typeUrl);
      if (i >= 0) return this.received.splice(i, 1)[0] as DeltaReceived;
      if (Date.now() > end) throw new Error(`no delta ${typeUrl} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async drain(ms: number): Promise<DeltaReceived[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.received.splice(0);
  }

  close(): void {
    this.stream.cancel();
    this.client.close();
  }
}
