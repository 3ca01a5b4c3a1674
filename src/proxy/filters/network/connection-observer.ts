/**
 * Who watches proxied connections: Envoy's access loggers and Istio's stats filter. They are
 * told when the upstream side is settled (connected, or failed with a response flag), while a
 * long connection runs (for periodic byte reports), and when it has closed.
 */
import type { Cluster, Host } from '../../cluster/cluster.ts';
import type { StreamInfo } from '../../core/stream-info.ts';

export interface ProxiedConnection {
  readonly info: StreamInfo;
  readonly cluster: Cluster | undefined;
  readonly host: Host | undefined;
  /** Brings `info.bytesReceived` / `info.bytesSent` up to date. */
  refreshBytes(): void;
}

export interface ConnectionObserver {
  opened(c: ProxiedConnection): void;
  progress(c: ProxiedConnection): void;
  closed(c: ProxiedConnection): void;
}
