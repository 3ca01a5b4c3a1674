/**
 * WatchedResource: one connection's state for one type URL (Istio's model.WatchedResource):
 * the subscription (wildcard and/or names), what was last sent (version, nonce, content hash,
 * resources for config_dump), what was last ACKed, and the last NACK with its message.
 */
import type { XdsResource } from '../generator.ts';

export interface Nack {
  readonly nonce: string;
  readonly version: string;
  readonly message: string;
  readonly at: Date;
}

export interface WatchedResource {
  readonly typeUrl: string;
  wildcard: boolean;
  names: Set<string>;
  versionSent?: string;
  nonceSent?: string;
  sentAt?: Date;
  /** Hash of the last sent resources (name + encoded bytes), to skip pushes that change nothing. */
  hash?: string;
  resourcesSent: readonly XdsResource[];
  /** The version (encoding hash) of each resource the client has: for delta xDS (seeded by initial_resource_versions), and to tell which resources a state-of-the-world response changed. */
  readonly clientVersions: Map<string, string>;
  versionAcked?: string;
  nonceAcked?: string;
  ackedAt?: Date;
  nack?: Nack;
}

export function newWatchedResource(typeUrl: string): WatchedResource {
  return { typeUrl, wildcard: false, names: new Set(), resourcesSent: [], clientVersions: new Map() };
}

/** Whether the subscription asks for anything (an unsubscribed type is never pushed). */
export const isSubscribed = (w: WatchedResource): boolean => w.wildcard || w.names.size > 0;

/** The names to hand the generator: undefined for a wildcard subscription. */
export const subscribedNames = (w: WatchedResource): readonly string[] | undefined => (w.wildcard ? undefined : [...w.names].sort());

export function recordAck(w: WatchedResource, nonce: string | undefined, version: string | undefined): void {
  w.nonceAcked = nonce;
  w.versionAcked = version ?? '';
  w.ackedAt = new Date();
  w.nack = undefined;
}

export function recordNack(w: WatchedResource, nonce: string | undefined, version: string | undefined, message: string): void {
  w.nack = { nonce: nonce ?? '', version: version ?? '', message, at: new Date() };
}
