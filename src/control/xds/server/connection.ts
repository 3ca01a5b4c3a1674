/**
 * Connection: one ADS stream and the proxy on it (Istio's xds.Connection): an id
 * (`<proxy id>-<n>`), the peer address, whether it speaks state of the world or delta, the
 * Proxy read from the first request, the per-type subscription state, and a send that never
 * throws (a stream the client already left is simply closed).
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse, DiscoveryRequest, DiscoveryResponse } from '../../../core/xds/ads-service.ts';
import type { Proxy } from '../../model/proxy.ts';
import { newWatchedResource, type WatchedResource } from './watched-resource.ts';

export type AdsStream = ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>;
export type DeltaStream = ServerDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse>;
export type XdsMode = 'sotw' | 'delta';

let counter = 0;

export class Connection {
  readonly peer: string;
  readonly connectedAt = new Date();
  readonly watched = new Map<string, WatchedResource>();
  id = '';
  proxy: Proxy | undefined;
  readonly mode: XdsMode;
  private readonly stream: AdsStream | DeltaStream;
  private done = false;

  constructor(stream: AdsStream | DeltaStream, mode: XdsMode = 'sotw') {
    this.stream = stream;
    this.mode = mode;
    let peer = 'unknown';
    try {
      peer = stream.getPeer();
    } catch {
      // The call may already be gone.
    }
    this.peer = peer;
  }

  /** Binds the proxy from the first request and names the connection after it. */
  initialize(proxy: Proxy): void {
    this.proxy = proxy;
    this.id = `${proxy.id}-${++counter}`;
  }

  watch(typeUrl: string): WatchedResource {
    let w = this.watched.get(typeUrl);
    if (!w) {
      w = newWatchedResource(typeUrl);
      this.watched.set(typeUrl, w);
    }
    return w;
  }

  get closed(): boolean {
    return this.done || this.stream.cancelled || this.stream.destroyed || this.stream.writableEnded;
  }

  send(response: DiscoveryResponse | DeltaDiscoveryResponse): boolean {
    if (this.closed) return false;
    try {
      (this.stream as ServerDuplexStream<unknown, unknown>).write(response);
      return true;
    } catch {
      this.done = true;
      return false;
    }
  }

  /** Ends the stream with OK (a graceful close: the client reconnects elsewhere), or with an error status. */
  close(error?: { code: number; details: string }): void {
    if (this.done) return;
    this.done = true;
    try {
      if (error) this.stream.emit('error', error);
      else if (!this.stream.writableEnded) this.stream.end();
    } catch {
      // Already torn down by the client.
    }
  }
}
