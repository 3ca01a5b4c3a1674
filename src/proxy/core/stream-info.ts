/**
 * What one proxied TCP connection did, as Envoy's StreamInfo records it: the data the access
 * log and the Istio metrics are computed from.
 */
import type { Address } from './address.ts';
import type { ResponseFlag } from './response-flags.ts';

export type Direction = 'outbound' | 'inbound';

export interface StreamInfo {
  readonly direction: Direction;
  readonly startTime: Date;
  readonly downstreamLocal: Address | undefined;
  readonly downstreamRemote: Address | undefined;
  readonly responseFlags: Set<ResponseFlag>;
  upstreamCluster: string;
  upstreamHost: Address | undefined;
  upstreamLocal: Address | undefined;
  /** Bytes read from the downstream (%BYTES_RECEIVED%). */
  bytesReceived: number;
  /** Bytes written to the downstream (%BYTES_SENT%). */
  bytesSent: number;
  /** Set when the connection has ended. */
  durationMs: number | undefined;
}

export function newStreamInfo(direction: Direction, downstreamLocal: Address | undefined, downstreamRemote: Address | undefined): StreamInfo {
  return {
    direction,
    startTime: new Date(),
    downstreamLocal,
    downstreamRemote,
    responseFlags: new Set(),
    upstreamCluster: '-',
    upstreamHost: undefined,
    upstreamLocal: undefined,
    bytesReceived: 0,
    bytesSent: 0,
    durationMs: undefined,
  };
}
