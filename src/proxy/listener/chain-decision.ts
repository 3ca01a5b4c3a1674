/**
 * What a listener's filter chain match decides for one connection: tcp_proxy to an upstream (or
 * none: NR), or the HTTP connection manager with where its routes and clusters come from. The
 * match may first inspect the connection's first bytes (TLS ClientHello, HTTP), so it can
 * answer later; it is handed the paused socket for that. A chain with a TLS transport socket
 * hands its DownstreamTlsConfig along: the listener terminates TLS before either.
 */
import type { Socket } from 'node:net';
import type { Cluster } from '../cluster/cluster.ts';
import type { Address } from '../core/address.ts';
import type { DownstreamTlsConfig } from '../filter-chain/filter-chain-config.ts';
import type { HcmSettings } from '../filters/network/http-connection-manager/hcm-settings.ts';
import type { RouteConfig } from '../route/route-config.ts';
import type { Inspection } from './filters/inspect.ts';
import type { Upstream } from './upstream.ts';

export interface HttpChain {
  readonly statPrefix: string;
  readonly settings: HcmSettings;
  /** The route configuration in force now (RDS updates apply to open connections). */
  readonly routeConfig: () => RouteConfig | undefined;
  /** The cluster in force now by name. */
  readonly cluster: (name: string) => Cluster | undefined;
}

export type ChainDecision =
  | { readonly kind: 'tcp'; readonly upstream: Upstream | undefined; readonly tls?: DownstreamTlsConfig }
  | { readonly kind: 'http'; readonly chain: HttpChain; readonly inspection: Inspection; readonly tls?: DownstreamTlsConfig };

export type FilterChainMatch = (destination: Address, remote: Address | undefined, socket: Socket) => ChainDecision | undefined | Promise<ChainDecision | undefined>;
