/**
 * Who watches HTTP streams: Envoy's access loggers and Istio's stats filter at the HTTP level.
 * The connection manager calls `streamDone` exactly once per request, after the response
 * completed or the stream was reset, with the cluster and host it went to (if any). Observers
 * must not throw; the connection manager guards the call anyway.
 */
import type { Cluster, Host } from '../../cluster/cluster.ts';
import type { HttpStreamInfo } from '../../core/http-stream-info.ts';

export interface HttpStream {
  readonly info: HttpStreamInfo;
  readonly cluster: Cluster | undefined;
  readonly host: Host | undefined;
}

export interface HttpObserver {
  streamDone(s: HttpStream): void;
}
