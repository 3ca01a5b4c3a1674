/**
 * Istio's names for Envoy resources: clusters `outbound|<port>|<subset>|<host>` and
 * `inbound|<port>||`, the special clusters and listeners, route configs by port.
 */

export type TrafficDirection = 'inbound' | 'outbound';

export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';
export const INBOUND_PASSTHROUGH_CLUSTER = 'InboundPassthroughCluster';
export const VIRTUAL_OUTBOUND = 'virtualOutbound';
export const VIRTUAL_INBOUND = 'virtualInbound';
export const VIRTUAL_OUTBOUND_PORT = 15001;
export const VIRTUAL_INBOUND_PORT = 15006;
/** The source address the sidecar uses towards its own app, so iptables lets it through. */
export const INBOUND_BIND_ADDRESS = '127.0.0.6';

/** `outbound|9080|v1|reviews.default.svc.cluster.local` (Istio's BuildSubsetKey). */
export function clusterName(direction: TrafficDirection, port: number, subset: string, host: string): string {
  return `${direction}|${port}|${subset}|${host}`;
}

export const inboundClusterName = (port: number): string => clusterName('inbound', port, '', '');

export interface ClusterKey {
  readonly direction: TrafficDirection;
  readonly port: number;
  readonly subset: string;
  readonly host: string;
}

/** Reads a subset key back; undefined for names that are not one (PassthroughCluster...). */
export function parseClusterName(name: string): ClusterKey | undefined {
  const parts = name.split('|');
  if (parts.length !== 4) return undefined;
  const [direction = '', port = '', subset = '', host = ''] = parts;
  if (direction !== 'inbound' && direction !== 'outbound') return undefined;
  const n = Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535) return undefined;
  return { direction, port: n, subset, host };
}
