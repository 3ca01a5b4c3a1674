/**
 * The ADS stream to the control plane: envoy.service.discovery.v3.AggregatedDiscoveryService/
 * StreamAggregatedResources over plaintext gRPC (istiod's 15010), one stream at a time, each on
 * a fresh HTTP/2 connection (grpc-h2-client.ts: the sidecar does without @grpc/grpc-js). The node rides on the first request of every stream. When a stream ends for
 * any reason, the next one is opened after the jittered back-off, so the back-off alone paces
 * reconnects. The owner hears when a stream opens (time to subscribe), when it is connected
 * (the control plane answered), each response, and when it is lost; nothing the owner throws
 * escapes into the stream's event handlers.
 */
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { streamAggregatedResources, type DiscoveryRequest, type DiscoveryResponse, type Node } from '../../core/xds/ads-service.ts';
import type { AdsStreamHandler } from './ads-stream-handler.ts';
import type { Backoff } from './backoff.ts';
import { GrpcBidiCall, type GrpcStatus } from './grpc-h2-client.ts';
import { statusName } from './grpc-status.ts';

export interface AdsStreamOptions {
  /** gRPC target: `host:port`, or `unix:/path`. */
  readonly target: string;
  readonly node: Node;
  readonly backoff: Backoff;
  readonly log: Logger;
  readonly handler: AdsStreamHandler;
}

type AdsCall = GrpcBidiCall<DiscoveryRequest, DiscoveryResponse>;

const MAX_RECEIVE_MESSAGE_LENGTH = 128 * 1024 * 1024;

let method: ReturnType<typeof streamAggregatedResources> | undefined;

export class AdsStream {
  private call: AdsCall | undefined;
  private generation = 0;
  private nodeSent = false;
  private connectedNow = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly o: AdsStreamOptions;

  constructor(o: AdsStreamOptions) {
    this.o = o;
  }

  get connected(): boolean {
    return this.connectedNow;
  }

  start(): void {
    this.open();
  }

  /** Writes a request on the current stream (the first one carries the node). */
  send(req: DiscoveryRequest): void {
    const call = this.call;
    if (!call || !call.writable) return;
    const msg = this.nodeSent ? req : { ...req, node: this.o.node };
    this.nodeSent = true;
    call.write(msg);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.teardown();
  }

  private open(): void {
    if (this.closed) return;
    const generation = ++this.generation;
    method ??= streamAggregatedResources();
    const current = (): boolean => generation === this.generation;
    this.nodeSent = false;
    this.connectedNow = false;
    this.call = new GrpcBidiCall<DiscoveryRequest, DiscoveryResponse>({
      target: this.o.target,
      path: method.path,
      serialize: method.request.serialize,
      deserialize: method.response.deserialize,
      maxReceiveMessageLength: MAX_RECEIVE_MESSAGE_LENGTH,
      handlers: {
        metadata: () => current() && this.markConnected(),
        message: (r) => {
          if (!current()) return;
          this.markConnected();
          this.o.backoff.reset();
          this.safely('response', () => this.o.handler.response(r));
        },
        status: (s: GrpcStatus) => {
          if (!current()) return;
          this.teardown();
          this.safely('lost', () => this.o.handler.lost(`${s.code} (${statusName(s.code)}), ${s.details}`));
          this.schedule();
        },
      },
    });
    this.safely('opened', () => this.o.handler.opened());
  }

  private markConnected(): void {
    if (this.connectedNow) return;
    this.connectedNow = true;
    this.safely('connected', () => this.o.handler.connected());
  }

  private schedule(): void {
    if (this.closed) return;
    const wait = this.o.backoff.next();
    this.o.log.info(`StreamAggregatedResources: reconnecting to ${this.o.target} in ${wait} ms`);
    this.timer = setTimeout(() => this.open(), wait);
    this.timer.unref();
  }

  /** Ends the current stream and its connection; their late events are ignored. */
  private teardown(): void {
    this.generation++;
    this.connectedNow = false;
    const call = this.call;
    this.call = undefined;
    call?.cancel();
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.o.log.error(`ADS ${what} handler failed: ${describeError(err)}`);
    }
  }
}
