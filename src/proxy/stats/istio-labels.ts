/**
 * Istio's standard metric labels for a TCP connection, computed as istio-proxy's stats filter
 * does: the reporter's own side from the pod's identity; the outbound peer from the chosen
 * host (EDS `istio.workload` metadata, or the registry); the inbound peer from `peerAt` (the
 * registry's IP lookup in registry.json mode; nothing with xDS, as Istio has nothing without
 * mTLS); the destination service from the cluster's metadata (or its name); "unknown" where
 * Istio has nothing (principals without mTLS, unknown peers).
 */
import type { ProxiedConnection } from '../filters/network/connection-observer.ts';
import { BLACKHOLE, INBOUND_PASSTHROUGH, PASSTHROUGH } from '../cluster/names.ts';
import { responseFlagsString } from '../core/response-flags.ts';
import type { WorkloadMetadata } from './workload-metadata.ts';

export const istioLabelNames = [
  'reporter', 'source_workload', 'source_workload_namespace', 'source_principal', 'source_app', 'source_version',
  'source_canonical_service', 'source_canonical_revision', 'source_cluster', 'destination_workload',
  'destination_workload_namespace', 'destination_principal', 'destination_app', 'destination_version',
  'destination_service', 'destination_service_name', 'destination_service_namespace', 'destination_canonical_service',
  'destination_canonical_revision', 'destination_cluster', 'request_protocol', 'response_flags', 'connection_security_policy',
] as const;

export type IstioLabels = Readonly<Record<(typeof istioLabelNames)[number], string>>;

export interface LabelContext {
  readonly local: WorkloadMetadata;
  readonly clusterId: string;
  /** Who is at an IP (the inbound peer, looked up by the downstream address). */
  readonly peerAt: (ip: string) => WorkloadMetadata | undefined;
}

const passthroughNames = new Set([BLACKHOLE, PASSTHROUGH, INBOUND_PASSTHROUGH]);

function side(prefix: 'source' | 'destination', m: WorkloadMetadata | undefined) {
  return {
    [`${prefix}_workload`]: m?.workload ?? 'unknown',
    [`${prefix}_workload_namespace`]: m?.namespace ?? 'unknown',
    [`${prefix}_principal`]: 'unknown',
    [`${prefix}_app`]: m?.app ?? 'unknown',
    [`${prefix}_version`]: m?.version ?? 'unknown',
    [`${prefix}_canonical_service`]: m?.canonicalService ?? 'unknown',
    [`${prefix}_canonical_revision`]: m?.canonicalRevision ?? 'latest',
    [`${prefix}_cluster`]: m?.cluster ?? 'unknown',
  };
}

export function istioLabels(c: ProxiedConnection, ctx: LabelContext): IstioLabels {
  const clusterName = c.cluster?.name ?? '';
  const svc = c.cluster?.service;
  const special = passthroughNames.has(clusterName) ? clusterName : undefined;
  const common = { request_protocol: 'tcp', response_flags: responseFlagsString(c.info.responseFlags) };
  if (c.info.direction === 'outbound') {
    const peer = c.host?.peer;
    return {
      reporter: 'source',
      ...side('source', ctx.local),
      ...side('destination', peer),
      destination_service: svc?.host ?? 'unknown',
      destination_service_name: special ?? svc?.name ?? 'unknown',
      destination_service_namespace: peer?.namespace ?? svc?.namespace ?? 'unknown',
      ...common,
      connection_security_policy: 'unknown',
    } as IstioLabels;
  }
  const remote = c.info.downstreamRemote;
  const peer = remote ? ctx.peerAt(remote.ip) : undefined;
  return {
    reporter: 'destination',
    ...side('source', peer),
    ...side('destination', ctx.local),
    destination_service: svc?.host ?? ctx.local.canonicalService,
    destination_service_name: special ?? svc?.name ?? ctx.local.canonicalService,
    destination_service_namespace: ctx.local.namespace,
    ...common,
    connection_security_policy: 'none',
  } as IstioLabels;
}
