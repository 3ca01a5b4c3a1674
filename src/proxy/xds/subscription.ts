/**
 * One state-of-the-world subscription on the ADS stream: its type URL, wildcard (CDS, LDS) or
 * the resource names it wants (EDS, RDS), the last accepted version and the last nonce seen on
 * the current stream. It writes the DiscoveryRequests: the first one on a stream (the known
 * version and names, so a reconnect resumes where it was), ACKs, NACKs with error_detail, and
 * name changes.
 */
import type { DiscoveryRequest } from '../../core/xds/ads-service.ts';

/** google.rpc.Code INTERNAL, what Envoy puts in a NACK's error_detail. */
const INTERNAL = 13;
/** Envoy truncates NACK messages to fit a gRPC status. */
const MAX_MESSAGE = 4096;

export class Subscription {
  readonly typeUrl: string;
  readonly wildcard: boolean;
  private resourceNames: readonly string[] = [];
  private version = '';
  private nonce = '';
  private requestedOnStream = false;

  constructor(typeUrl: string, wildcard: boolean) {
    this.typeUrl = typeUrl;
    this.wildcard = wildcard;
  }

  get names(): readonly string[] {
    return this.resourceNames;
  }

  get versionInfo(): string {
    return this.version;
  }

  /** A new stream: nonces start over, nothing has been requested on it yet. */
  resetStream(): void {
    this.nonce = '';
    this.requestedOnStream = false;
  }

  /** Whether the first request on a new stream should be sent for this type. */
  get active(): boolean {
    return this.wildcard || this.resourceNames.length > 0;
  }

  /** Sets the wanted names; true when they changed (a request is due). */
  setNames(names: readonly string[]): boolean {
    const sorted = [...new Set(names)].sort();
    if (sorted.length === this.resourceNames.length && sorted.every((n, i) => n === this.resourceNames[i])) return false;
    this.resourceNames = sorted;
    return true;
  }

  /** A name change is sent when this stream has asked for the type (an empty list then unsubscribes), or when there is now something to ask for. */
  get due(): boolean {
    return this.requestedOnStream || this.resourceNames.length > 0;
  }

  received(nonce: string): void {
    this.nonce = nonce;
  }

  request(): DiscoveryRequest {
    this.requestedOnStream = true;
    return {
      versionInfo: this.version,
      resourceNames: this.wildcard ? [] : [...this.resourceNames],
      typeUrl: this.typeUrl,
      responseNonce: this.nonce,
    };
  }

  ack(version: string): DiscoveryRequest {
    this.version = version;
    return this.request();
  }

  nack(message: string): DiscoveryRequest {
    const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message;
    return { ...this.request(), errorDetail: { code: INTERNAL, message: text } };
  }
}
