/** Istio's cluster names. */

export const BLACKHOLE = 'BlackHoleCluster';
export const PASSTHROUGH = 'PassthroughCluster';
export const INBOUND_PASSTHROUGH = 'InboundPassthroughCluster';

/** `outbound|9080||reviews.default.svc.cluster.local` */
export const outboundClusterName = (port: number, hostname: string): string => `outbound|${port}||${hostname}`;

/** `inbound|9080||` */
export const inboundClusterName = (port: number): string => `inbound|${port}||`;
