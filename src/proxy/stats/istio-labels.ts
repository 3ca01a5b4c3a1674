/**
 * Istio's standard metric labels, computed as istio-proxy's stats filter does, shared by the TCP
 * and HTTP metrics: the reporter's own side from the pod's identity; the peer from metadata
 * exchange when it happened (HTTP), else the outbound peer from the chosen host (EDS
 * `istio.workload` metadata, or the registry) and the inbound peer from `peerAt` (the registry's
 * IP lookup in registry.json mode; nothing with xDS, as Istio has nothing without mTLS); the
 * destination service from the cluster's metadata (or its name); "unknown" where Istio has
 * nothing (principals without mTLS, unknown peers). Values are produced as an array in label
 * order, so the hot path can key its cache on them without building objects.
 */
import type { Cluster, Host } from '../cluster/cluster.ts';
import { BLACKHOLE, INBOUND_PASSTHROUGH, PASSTHROUGH } from '../cluster/names.ts';
import type { Address } from '../core/address.ts';
import { responseFlagsString } from '../core/response-flags.ts';
import type { Direction } from '../core/stream-info.ts';
import type { ProxiedConnection } from '../filters/network/connection-observer.ts';
import type { WorkloadMetadata } from './workload-metadata.ts';

const side = (p: 'source' | 'destination') => [
  `${p}_workload`, `${p}_workload_namespace`, `${p}_principal`, `${p}_app`, `${p}_version`,
  `${p}_canonical_service`, `${p}_canonical_revision`, `${p}_cluster`,
] as const;

/** reporter .. destination_cluster: the labels TCP and HTTP share, in Istio's order. */
export const peerLabelNames = [
  'reporter', ...side('source'), ...side('destination').slice(0, 5),
  'destination_service', 'destination_service_name', 'destination_service_namespace',
  ...side('destination').slice(5),
] as const;

export const istioLabelNames = [...peerLabelNames, 'request_protocol', 'response_flags', 'connection_security_policy'] as const;

export const istioHttpLabelNames = [
  ...peerLabelNames, 'request_protocol', 'response_code', 'grpc_response_status', 'response_flags', 'connection_security_policy',
] as const;

export type IstioLabels = Readonly<Record<(typeof istioLabelNames)[number], string>>;
export type IstioHttpLabels = Readonly<Record<(typeof istioHttpLabelNames)[number], string>>;

export interface LabelContext {
  readonly local: WorkloadMetadata;
  readonly clusterId: string;
  /** Who is at an IP (the inbound peer, looked up by the downstream address). */
  readonly peerAt: (ip: string) => WorkloadMetadata | undefined;
}

/** What the labels are computed from, for a connection or a request. */
export interface LabelSource {
  readonly direction: Direction;
  readonly cluster: Cluster | undefined;
  readonly host: Host | undefined;
  readonly downstreamRemote: Address | undefined;
  /** From metadata exchange: who called (inbound) ... */
  readonly downstreamPeer?: WorkloadMetadata | undefined;
  /** ... and who answered (outbound). */
  readonly upstreamPeer?: WorkloadMetadata | undefined;
}

const passthroughNames = new Set([BLACKHOLE, PASSTHROUGH, INBOUND_PASSTHROUGH]);

/** A side's labels (workload .. cluster); `short` stops after the version (the destination's service labels come next). */
function pushSide(out: string[], m: WorkloadMetadata | undefined, short = false): void {
  out.push(m?.workload ?? 'unknown', m?.namespace ?? 'unknown', 'unknown', m?.app ?? 'unknown', m?.version ?? 'unknown');
  if (!short) out.push(m?.canonicalService ?? 'unknown', m?.canonicalRevision ?? 'latest', m?.cluster ?? 'unknown');
}

/** The peer: metadata exchange first, then the host's metadata (outbound) or the registry (inbound). */
export function peerOf(s: LabelSource, ctx: LabelContext): WorkloadMetadata | undefined {
  if (s.direction === 'outbound') return s.upstreamPeer ?? s.host?.peer;
  if (s.downstreamPeer) return s.downstreamPeer;
  return s.downstreamRemote ? ctx.peerAt(s.downstreamRemote.ip) : undefined;
}

/** The values of `peerLabelNames`, in order. */
export function peerLabelValues(s: LabelSource, ctx: LabelContext): string[] {
  const clusterName = s.cluster?.name ?? '';
  const svc = s.cluster?.service;
  const special = passthroughNames.has(clusterName) ? clusterName : undefined;
  const peer = peerOf(s, ctx);
  const out: string[] = [];
  if (s.direction === 'outbound') {
    out.push('source');
    pushSide(out, ctx.local);
    pushSide(out, peer, true);
    out.push(svc?.host ?? 'unknown', special ?? svc?.name ?? 'unknown', peer?.namespace ?? svc?.namespace ?? 'unknown');
    out.push(peer?.canonicalService ?? 'unknown', peer?.canonicalRevision ?? 'latest', peer?.cluster ?? 'unknown');
    return out;
  }
  const local = ctx.local;
  out.push('destination');
  pushSide(out, peer);
  pushSide(out, local, true);
  out.push(svc?.host ?? local.canonicalService, special ?? svc?.name ?? local.canonicalService, local.namespace);
  out.push(local.canonicalService, local.canonicalRevision, local.cluster);
  return out;
}

/** Without mTLS: "unknown" on the client side, "none" on the server side. */
export const connectionSecurityPolicy = (d: Direction): string => (d === 'outbound' ? 'unknown' : 'none');

export function zipLabels<N extends string>(names: readonly N[], values: readonly string[]): Record<N, string> {
  const out = {} as Record<N, string>;
  names.forEach((n, i) => (out[n] = values[i] ?? 'unknown'));
  return out;
}

/** Istio's TCP labels for a connection. */
export function istioLabels(c: ProxiedConnection, ctx: LabelContext): IstioLabels {
  const d = c.info.direction;
  const values = peerLabelValues({ direction: d, cluster: c.cluster, host: c.host, downstreamRemote: c.info.downstreamRemote }, ctx);
  values.push('tcp', responseFlagsString(c.info.responseFlags), connectionSecurityPolicy(d));
  return zipLabels(istioLabelNames, values);
}
