/**
 * virtualInbound (0.0.0.0:15006): where ISTIO_IN_REDIRECT (or TPROXY) sends connections for
 * the pod. With xDS its filter chains come from LDS (config-match.ts). In registry.json mode a
 * declared container port goes to `inbound|PORT||`, any other port to
 * InboundPassthroughCluster; both connect to the app from 127.0.0.6, so ISTIO_OUTPUT's first
 * rule lets the connection through and the app sees 127.0.0.6 as its peer. The listener's own
 * port is a BlackHole (loop guard). Under TPROXY the listener is transparent.
 */
import type { ClusterManager } from '../cluster/cluster-manager.ts';
import { BLACKHOLE, INBOUND_PASSTHROUGH, inboundClusterName } from '../cluster/names.ts';
import { TcpListener, type TcpListenerOptions } from './tcp-listener.ts';
import type { ClusterMatch } from './virtual-outbound.ts';

export interface InboundMatchContext {
  readonly clusters: ClusterManager;
  readonly containerPorts: ReadonlySet<number>;
  readonly listenerPort: number;
}

export function matchInbound(ctx: InboundMatchContext): ClusterMatch {
  return (dst) => {
    if (dst.port === ctx.listenerPort) return ctx.clusters.get(BLACKHOLE);
    if (ctx.containerPorts.has(dst.port)) return ctx.clusters.get(inboundClusterName(dst.port));
    return ctx.clusters.get(INBOUND_PASSTHROUGH);
  };
}

export function virtualInbound(opts: Omit<TcpListenerOptions, 'name' | 'direction'>): TcpListener {
  return new TcpListener({ ...opts, name: 'virtualInbound', direction: 'inbound' });
}
