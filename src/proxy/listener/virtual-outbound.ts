/**
 * virtualOutbound (0.0.0.0:15001): where ISTIO_REDIRECT sends the app's outbound connections.
 * With xDS its filter chains come from LDS (config-match.ts). In registry.json mode they are
 * fixed, in order: the listener's own port is a BlackHole (loop guard, Istio's
 * virtualOutbound-blackhole); a ClusterIP:port goes to `outbound|PORT||HOST`, round robin over
 * ready endpoints; a known pod IP is dialled directly (through its service's cluster when the
 * port is one the service targets); anything else is PassthroughCluster under ALLOW_ANY and
 * BlackHoleCluster under REGISTRY_ONLY.
 */
import type { Cluster, Host } from '../cluster/cluster.ts';
import type { ClusterManager } from '../cluster/cluster-manager.ts';
import { BLACKHOLE, PASSTHROUGH, outboundClusterName } from '../cluster/names.ts';
import type { Address } from '../core/address.ts';
import type { RegistrySnapshot } from '../config/snapshot.ts';
import { endpointPortFor } from '../config/snapshot.ts';
import { TcpListener, type FilterChainMatch, type TcpListenerOptions } from './tcp-listener.ts';
import { upstreamOf } from './upstream.ts';

/** A registry-mode filter chain decision: the cluster, or undefined (NR). */
export type ClusterMatch = (destination: Address, remote: Address | undefined) => Cluster | undefined;

export type OutboundTrafficPolicy = 'ALLOW_ANY' | 'REGISTRY_ONLY';

export interface OutboundMatchContext {
  readonly clusters: ClusterManager;
  readonly snapshot: () => RegistrySnapshot | undefined;
  readonly policy: OutboundTrafficPolicy;
  readonly listenerPort: number;
}

/** The service cluster, pinned to the one endpoint the app dialled by pod IP. */
function pinned(cluster: Cluster, destination: Address): Cluster {
  const match = (h: Host): boolean => h.address.ip === destination.ip && h.address.port === destination.port;
  return { ...cluster, hosts: () => cluster.hosts(), chooseHost: () => cluster.hosts().find(match) };
}

export function matchOutbound(ctx: OutboundMatchContext): ClusterMatch {
  return (dst) => {
    const fallback = (): Cluster | undefined => ctx.clusters.get(ctx.policy === 'REGISTRY_ONLY' ? BLACKHOLE : PASSTHROUGH);
    if (dst.port === ctx.listenerPort) return ctx.clusters.get(BLACKHOLE);
    const snap = ctx.snapshot();
    if (!snap) return fallback();
    const vip = snap.byVip.get(`${dst.ip}:${dst.port}`);
    if (vip) return ctx.clusters.get(outboundClusterName(vip.port.port, vip.service.hostname));
    const endpoints = snap.endpointsByIp.get(dst.ip);
    if (endpoints || snap.workloadByIp.has(dst.ip)) {
      for (const e of endpoints ?? []) {
        const svc = snap.registry.services.find((s) => s.name === e.service && s.namespace === e.namespace);
        const port = svc?.ports.find((p) => endpointPortFor(e, p) === dst.port);
        const cluster = svc && port ? ctx.clusters.get(outboundClusterName(port.port, svc.hostname)) : undefined;
        if (cluster) return pinned(cluster, dst);
      }
      return ctx.clusters.get(PASSTHROUGH);
    }
    return fallback();
  };
}

export function virtualOutbound(opts: Omit<TcpListenerOptions, 'name' | 'direction' | 'transparent'>): TcpListener {
  return new TcpListener({ ...opts, name: 'virtualOutbound', direction: 'outbound', transparent: false });
}

/** A registry-mode match as a listener's filter chain match. */
export const asFilterChainMatch = (m: ClusterMatch): FilterChainMatch => (dst, remote) => ({ kind: 'tcp', upstream: upstreamOf(m(dst, remote)) });
