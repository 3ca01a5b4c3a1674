/**
 * Admin `/clusters`: every cluster with its circuit breakers and hosts, in Envoy's text format
 * (`outbound|9080||reviews...::10.250.0.5:9080::health_flags::healthy`) or, with
 * `?format=json`, as Envoy's Clusters message in proto3 JSON. EDS endpoints are listed whatever
 * their health, with the health flags Envoy derives from the EDS status and outlier detection
 * (`/failed_outlier_check` while ejected, before the EDS flags as Envoy orders them).
 */
import type { Cluster, Host } from '../cluster/cluster.ts';
import { formatAddress } from '../core/address.ts';
import { json, text, type HttpReply } from '../core/http-server.ts';
import { healthFlags } from '../endpoint/health.ts';
import type { AdminContext } from './admin-context.ts';

function hostFlags(c: Cluster, h: Host): string {
  const eds = healthFlags(h.health);
  if (!c.isEjected(h)) return eds;
  return `/failed_outlier_check${eds === 'healthy' ? '' : eds}`;
}

function clusterLines(c: Cluster): string[] {
  const p = `${c.name}::`;
  const max = c.maxConnections;
  const lines = [
    `${p}observability_name::${c.name}`,
    `${p}default_priority::max_connections::${max}`,
    `${p}default_priority::max_pending_requests::4294967295`,
    `${p}default_priority::max_requests::4294967295`,
    `${p}default_priority::max_retries::4294967295`,
    `${p}high_priority::max_connections::1024`,
    `${p}high_priority::max_pending_requests::1024`,
    `${p}high_priority::max_requests::1024`,
    `${p}high_priority::max_retries::3`,
    `${p}added_via_api::${c.addedViaApi}`,
  ];
  for (const h of c.hosts()) {
    const hp = `${p}${formatAddress(h.address)}::`;
    lines.push(
      `${hp}cx_active::${h.stats.cx_active}`,
      `${hp}cx_connect_fail::${h.stats.cx_connect_fail}`,
      `${hp}cx_total::${h.stats.cx_total}`,
      `${hp}rq_active::${h.stats.rq_active}`, `${hp}rq_error::${h.stats.rq_error}`, `${hp}rq_success::${h.stats.rq_success}`,
      `${hp}rq_timeout::${h.stats.rq_timeout}`, `${hp}rq_total::${h.stats.rq_total}`,
      `${hp}hostname::${h.hostname}`,
      `${hp}health_flags::${hostFlags(c, h)}`,
      `${hp}weight::${h.weight}`,
      `${hp}region::${h.locality.region}`, `${hp}zone::${h.locality.zone}`, `${hp}sub_zone::${h.locality.subZone}`,
      `${hp}canary::false`, `${hp}priority::${h.priority}`,
      `${hp}success_rate::-1`, `${hp}local_origin_success_rate::-1`,
    );
  }
  return lines;
}

function hostJson(c: Cluster, h: Host) {
  const { region, zone, subZone } = h.locality;
  return {
    address: { socketAddress: { address: h.address.ip, portValue: h.address.port } },
    stats: [
      { name: 'cx_connect_fail', value: String(h.stats.cx_connect_fail) },
      { type: 'GAUGE', name: 'cx_active', value: String(h.stats.cx_active) },
      { name: 'cx_total', value: String(h.stats.cx_total) },
      { name: 'rq_error', value: String(h.stats.rq_error) },
      { name: 'rq_success', value: String(h.stats.rq_success) },
      { name: 'rq_timeout', value: String(h.stats.rq_timeout) },
      { name: 'rq_total', value: String(h.stats.rq_total) },
      { type: 'GAUGE', name: 'rq_active', value: String(h.stats.rq_active) },
    ],
    healthStatus: { edsHealthStatus: h.health, ...(c.isEjected(h) ? { failedOutlierCheck: true } : {}) },
    weight: h.weight,
    ...(h.hostname ? { hostname: h.hostname } : {}),
    ...(h.priority ? { priority: h.priority } : {}),
    ...(region || zone || subZone ? { locality: { region, zone, subZone } } : {}),
  };
}

function clusterJson(c: Cluster) {
  return { name: c.name, addedViaApi: c.addedViaApi, hostStatuses: c.hosts().map((h) => hostJson(c, h)) };
}

export function clustersHandler(ctx: AdminContext) {
  return (_req: unknown, url: URL): HttpReply => {
    const clusters = [...ctx.clusters.all()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (url.searchParams.get('format') === 'json') return json(200, { clusterStatuses: clusters.map(clusterJson) });
    return text(200, clusters.flatMap(clusterLines).map((l) => `${l}\n`).join(''));
  };
}
