/**
 * Snapshot assembly: one ProxyConfig from the latest accepted resources of all four types (or
 * a candidate for one of them): the listeners indexed by name and by address, the route
 * configurations, and the run-time clusters built for exactly these cluster specs and
 * endpoint assignments. Also what the accepted set asks for next: the EDS names of its EDS
 * clusters and the RDS names (with their HCM stat prefixes) of its listeners, and the
 * cross-resource rule LDS must satisfy (one listener per address).
 */
import type { ClusterSpec } from '../cluster/cluster-config.ts';
import type { ClusterManager, ClusterSet } from '../cluster/cluster-manager.ts';
import type { ProxyConfig } from '../config/proxy-config.ts';
import { formatAddress } from '../core/address.ts';
import type { EndpointAssignment } from '../endpoint/endpoint-config.ts';
import { VIRTUAL_INBOUND, VIRTUAL_OUTBOUND, type ListenerConfig } from '../listener/listener-config.ts';
import type { RouteConfig } from '../route/route-config.ts';
import type { Candidate } from './accepted.ts';

export interface AcceptedSet {
  readonly clusters: Candidate<ClusterSpec>;
  readonly endpoints: Candidate<EndpointAssignment>;
  readonly listeners: Candidate<ListenerConfig>;
  readonly routes: Candidate<RouteConfig>;
  readonly version: string;
}

export interface Assembled {
  readonly config: ProxyConfig;
  readonly clusterSet: ClusterSet;
}

const configs = <T>(c: Candidate<T>): T[] => [...c.values()].map((r) => r.config);

export function assemble(set: AcceptedSet, manager: ClusterManager): Assembled {
  const endpoints = new Map(configs(set.endpoints).map((a) => [a.clusterName, a]));
  const clusterSet = manager.build(configs(set.clusters), endpoints);
  const listeners = new Map<string, ListenerConfig>();
  const byAddress = new Map<string, ListenerConfig>();
  for (const l of configs(set.listeners)) {
    listeners.set(l.name, l);
    if (l.name !== VIRTUAL_OUTBOUND && l.name !== VIRTUAL_INBOUND) byAddress.set(formatAddress(l.address), l);
  }
  const config: ProxyConfig = Object.freeze({
    version: set.version,
    listeners,
    listenersByAddress: byAddress,
    routes: new Map(configs(set.routes).map((r) => [r.name, r])),
    clusters: clusterSet.byName,
  });
  return { config, clusterSet };
}

/** EDS resource names the clusters need. */
export function edsNames(clusters: Candidate<ClusterSpec>): string[] {
  return configs(clusters).flatMap((c) => (c.type === 'EDS' ? [c.serviceName] : []));
}

/** RDS resource names the listeners' HTTP connection managers need, with the first one's stat prefix. */
export function rdsNames(listeners: Candidate<ListenerConfig>): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of configs(listeners)) {
    for (const chain of [...l.filterChains, ...(l.defaultFilterChain ? [l.defaultFilterChain] : [])]) {
      if (chain.route.kind === 'http_connection_manager' && chain.route.rds !== undefined && !out.has(chain.route.rds)) out.set(chain.route.rds, chain.route.statPrefix);
    }
  }
  return out;
}

/** Envoy refuses two listeners on one address; the messages name both. */
export function duplicateAddresses(listeners: Candidate<ListenerConfig>): { name: string; message: string }[] {
  const seen = new Map<string, string>();
  const out: { name: string; message: string }[] = [];
  for (const l of configs(listeners)) {
    const key = formatAddress(l.address);
    const other = seen.get(key);
    if (other !== undefined) out.push({ name: l.name, message: `Listener ${l.name}: address: ${key} is also the address of listener ${other}` });
    else seen.set(key, l.name);
  }
  return out;
}
