/**
 * The control plane's side of ADS for the sidecar's tests: a real @grpc/grpc-js server (TCP on
 * 127.0.0.1:0, or a unix socket) serving Envoy resources written as proto3 JSON and encoded
 * with encodeAny. It answers as the contract says: a first request for a type (no nonce) or a
 * change of resource names gets the current resources (named types: the names asked for), an
 * ACK or NACK gets nothing; `set` replaces a type's resources with a new version and pushes it
 * to every stream subscribed to the type. Every request is recorded per stream; `raw` pushes an
 * arbitrary response. The server can stop and start again on the same address.
 */
import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition, type Any, type DiscoveryRequest, type DiscoveryResponse } from '../../../src/core/xds/ads-service.ts';
import { encodeAny } from '../../../src/core/xds/protos.ts';
import { TypeUrls } from '../../../src/core/xds/type-urls.ts';

type Call = grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>;

export interface PeerStream {
  readonly index: number;
  readonly requests: DiscoveryRequest[];
  readonly call: Call;
  readonly names: Map<string, readonly string[]>;
  closed: boolean;
}

const wildcard = new Set<string>([TypeUrls.cluster, TypeUrls.listener]);
const nameOf = (typeUrl: string, r: Record<string, unknown>): string => String(typeUrl === TypeUrls.clusterLoadAssignment ? r['clusterName'] : r['name']);

export class AdsPeer {
  readonly streams: PeerStream[] = [];
  private readonly resources = new Map<string, Record<string, unknown>[]>();
  private readonly versions = new Map<string, number>();
  private nonce = 0;
  private server: grpc.Server | undefined;
  private waiters: (() => void)[] = [];
  address = '';

  /** Every request, in order, across streams. */
  get requests(): DiscoveryRequest[] {
    return this.streams.flatMap((s) => s.requests);
  }

  get latest(): PeerStream | undefined {
    return this.streams.at(-1);
  }

  version(typeUrl: string): string {
    return String(this.versions.get(typeUrl) ?? 0);
  }

  /** Binds `address` (`127.0.0.1:0` picks a port; `unix:/path` a socket). Resolves with the address to dial. */
  async start(address = this.address || '127.0.0.1:0'): Promise<string> {
    const server = new grpc.Server();
    server.addService(adsServiceDefinition(), {
      StreamAggregatedResources: (call: Call) => this.serve(call),
      DeltaAggregatedResources: (call: grpc.ServerDuplexStream<unknown, unknown>) => call.end(),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    this.server = server;
    this.address = address.startsWith('unix:') ? address : `127.0.0.1:${port}`;
    return this.address;
  }

  /** Kills the server and every stream, as a crashed control plane. */
  stop(): void {
    this.server?.forceShutdown();
    this.server = undefined;
    for (const s of this.streams) s.closed = true;
  }

  /** The resources a type has now (to derive the next version from). */
  get(typeUrl: string): Record<string, unknown>[] {
    return [...(this.resources.get(typeUrl) ?? [])];
  }

  /** Replaces the resources of a type (a new version) and pushes them to subscribed streams. */
  set(typeUrl: string, resources: Record<string, unknown>[]): void {
    this.resources.set(typeUrl, resources);
    this.versions.set(typeUrl, (this.versions.get(typeUrl) ?? 0) + 1);
    for (const s of this.streams) if (!s.closed && s.names.has(typeUrl)) this.respond(s, typeUrl);
  }

  /** Sets several types at once, pushed in Envoy's order (CDS, EDS, LDS, RDS). */
  setAll(byType: Partial<Record<string, Record<string, unknown>[]>>): void {
    for (const t of [TypeUrls.cluster, TypeUrls.clusterLoadAssignment, TypeUrls.listener, TypeUrls.routeConfiguration]) {
      const list = byType[t];
      if (list) this.set(t, list);
    }
  }

  /** Pushes an arbitrary response on the latest stream; resolves with its nonce. */
  raw(typeUrl: string, versionInfo: string, resources: Any[]): string {
    const s = this.latest;
    if (!s) throw new Error('no stream');
    const nonce = `n${++this.nonce}`;
    s.call.write({ versionInfo, nonce, typeUrl, resources });
    return nonce;
  }

  /** Waits until a recorded request satisfies `pred` (checked on every new request). */
  async waitFor(pred: (r: DiscoveryRequest, s: PeerStream) => boolean, what: string, ms = 10_000): Promise<DiscoveryRequest> {
    const find = (): DiscoveryRequest | undefined => {
      for (const s of this.streams) for (const r of s.requests) if (pred(r, s)) return r;
      return undefined;
    };
    const end = Date.now() + ms;
    for (;;) {
      const hit = find();
      if (hit) return hit;
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; requests: ${JSON.stringify(this.requests.map((r) => ({ t: r.typeUrl?.split('.').at(-1), v: r.versionInfo, n: r.responseNonce, names: r.resourceNames, err: r.errorDetail?.message })))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  /** The ACK or NACK for a response nonce. */
  replyTo(nonce: string, ms?: number): Promise<DiscoveryRequest> {
    return this.waitFor((r) => r.responseNonce === nonce, `the reply to nonce ${nonce}`, ms);
  }

  /** The nonce of the last response sent for a type on the latest stream. */
  lastNonce(typeUrl: string): string {
    return this.sent.get(typeUrl) ?? '';
  }

  private readonly sent = new Map<string, string>();

  private serve(call: Call): void {
    const s: PeerStream = { index: this.streams.length, requests: [], call, names: new Map(), closed: false };
    this.streams.push(s);
    call.on('error', () => {});
    call.on('end', () => { s.closed = true; });
    call.on('cancelled', () => { s.closed = true; });
    call.on('data', (req: DiscoveryRequest) => {
      s.requests.push(req);
      const typeUrl = req.typeUrl ?? '';
      const names = req.resourceNames ?? [];
      const before = s.names.get(typeUrl);
      s.names.set(typeUrl, names);
      const changed = !before || before.length !== names.length || before.some((n, i) => n !== names[i]);
      if (!req.errorDetail && (!req.responseNonce || changed)) this.respond(s, typeUrl);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  private respond(s: PeerStream, typeUrl: string): void {
    const wanted = s.names.get(typeUrl) ?? [];
    const all = this.resources.get(typeUrl);
    if (!all) return;
    const list = wildcard.has(typeUrl) ? all : all.filter((r) => wanted.includes(nameOf(typeUrl, r)));
    const nonce = `n${++this.nonce}`;
    this.sent.set(typeUrl, nonce);
    s.call.write({ versionInfo: this.version(typeUrl), nonce, typeUrl, resources: list.map((r) => encodeAny(typeUrl, r)) });
  }
}
