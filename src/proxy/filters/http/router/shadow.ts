/**
 * Request mirroring (Envoy's request_mirror_policies, Istio's `mirror`/`mirrors`): for the
 * configured percentage of requests, a copy goes to the mirror cluster with the authority
 * suffixed `-shadow`, fire and forget. Its response is discarded and its failures never touch
 * the real request. The copy carries the request body as it was received (up to the retry
 * buffer limit; a larger body is not mirrored).
 */
import type { Cluster } from '../../../cluster/cluster.ts';
import type { HttpPools } from '../../../cluster/pool/pools.ts';
import type { Address } from '../../../core/address.ts';
import type { HeaderMap } from '../../../core/http-stream-info.ts';
import type { Random } from '../../../core/random.ts';
import { fractionHit, type Fraction } from '../../../route/fraction.ts';
import { RETRY_BUFFER_LIMIT } from './request-body.ts';
import { upstreamProtocol } from './upstream-protocol.ts';

export interface ShadowRequest {
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly scheme: string;
  readonly headers: HeaderMap;
  readonly protocol: 'HTTP/1.0' | 'HTTP/1.1' | 'HTTP/2';
  readonly destination: Address | undefined;
  readonly source: Address | undefined;
}

/** Envoy's shadow host: `-shadow` after the host, before any port. */
export function shadowAuthority(authority: string): string {
  const m = /^(\[[^\]]+\]|[^:]+)(:\d+)?$/.exec(authority);
  return m ? `${m[1]}-shadow${m[2] ?? ''}` : `${authority}-shadow`;
}

export class Shadows {
  private readonly targets: { readonly cluster: Cluster }[] = [];
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private readonly req: ShadowRequest;
  private readonly pools: HttpPools;

  constructor(req: ShadowRequest, mirrors: readonly { readonly cluster: string; readonly percent: Fraction }[], lookup: (name: string) => Cluster | undefined, pools: HttpPools, random: Random) {
    this.req = req;
    this.pools = pools;
    for (const m of mirrors) {
      const cluster = lookup(m.cluster);
      if (cluster && fractionHit(m.percent, random)) this.targets.push({ cluster });
    }
  }

  get active(): boolean {
    return this.targets.length > 0;
  }

  /** A request body chunk, as received. */
  push(chunk: Buffer): void {
    if (this.bytes > RETRY_BUFFER_LIMIT) return;
    this.bytes += chunk.length;
    this.chunks.push(chunk);
  }

  /** The request body is complete: send the copies. */
  send(): void {
    if (this.bytes > RETRY_BUFFER_LIMIT) return;
    const r = this.req;
    for (const { cluster } of this.targets) {
      const host = cluster.chooseHost(r.destination ?? { ip: '0.0.0.0', port: 0 }, r.source);
      if (!host) continue;
      const pool = this.pools.get(cluster, host, upstreamProtocol(cluster, r.protocol));
      const ignore = (): boolean => true;
      const s = pool.newStream(
        { method: r.method, path: r.path, authority: shadowAuthority(r.authority), scheme: r.scheme, headers: { ...r.headers }, endStream: this.bytes === 0 },
        { onReady: () => {}, onContinue: () => {}, onHeaders: () => {}, onData: ignore, onTrailers: () => {}, onEnd: () => {}, onError: () => {} },
      );
      for (const c of this.chunks) s.write(c);
      s.end();
    }
  }
}
