/** Istio's cluster names, and the service a cluster name stands for. */
import type { ServiceMetadata } from './cluster.ts';

export const BLACKHOLE = 'BlackHoleCluster';
export const PASSTHROUGH = 'PassthroughCluster';
export const INBOUND_PASSTHROUGH = 'InboundPassthroughCluster';

/** `outbound|9080||reviews.default.svc.cluster.local` */
export const outboundClusterName = (port: number, hostname: string): string => `outbound|${port}||${hostname}`;

/** `inbound|9080||` */
export const inboundClusterName = (port: number): string => `inbound|${port}||`;

/**
 * The service behind `outbound|PORT|SUBSET|HOST`, as Istio's stats filter falls back to it when
 * the cluster carries no `istio.services` metadata: the host, its first label as the name, and
 * the second as the namespace for `NAME.NS.svc...` hosts.
 */
export function serviceFromClusterName(cluster: string): ServiceMetadata | undefined {
  const parts = cluster.split('|');
  if (parts.length !== 4 || parts[0] !== 'outbound' || !parts[3]) return undefined;
  const host = parts[3];
  const labels = host.split('.');
  const isSvc = labels[2] === 'svc';
  return { host, name: labels[0] ?? host, namespace: isSvc ? labels[1] ?? 'unknown' : 'unknown' };
}
