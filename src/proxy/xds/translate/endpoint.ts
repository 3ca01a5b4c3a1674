/**
 * ClusterLoadAssignment (EDS, or a STATIC / DNS cluster's load_assignment) -> EndpointAssignment:
 * localities with priority and weight, endpoints by IP and port (a DNS name only in a DNS
 * cluster) with their health status, weight, hostname and Istio workload metadata. Named
 * endpoints are refused.
 */
import { isHealthStatus } from '../../endpoint/health.ts';
import type { EndpointAssignment, EndpointConfig, LocalityEndpoints } from '../../endpoint/endpoint-config.ts';
import { list, obj, socketAddress, str, uint, type At } from './fields.ts';
import { istioWorkload } from './metadata.ts';

function lbEndpoint(v: unknown, at: At, dns: boolean): EndpointConfig {
  const e = obj(v, at);
  if (e['endpointName'] !== undefined) at.field('endpointName').fail('named endpoints are not supported');
  const endpoint = obj(e['endpoint'], at.field('endpoint'));
  const h: unknown = e['healthStatus'] ?? 'UNKNOWN';
  if (!isHealthStatus(h)) return at.field('healthStatus').fail(`${JSON.stringify(h)} is not a health status`);
  return {
    address: socketAddress(endpoint['address'], at.field('endpoint.address'), dns),
    health: h,
    weight: uint(e['loadBalancingWeight'], at.field('loadBalancingWeight'), 1, 1),
    hostname: str(endpoint['hostname'], at.field('endpoint.hostname')),
    peer: istioWorkload(e['metadata'], at.field('metadata')),
  };
}

function localityEndpoints(v: unknown, at: At, dns: boolean): LocalityEndpoints {
  const l = obj(v, at);
  const loc = obj(l['locality'], at.field('locality'));
  return {
    locality: { region: str(loc['region'], at.field('locality.region')), zone: str(loc['zone'], at.field('locality.zone')), subZone: str(loc['subZone'], at.field('locality.subZone')) },
    priority: uint(l['priority'], at.field('priority'), 0),
    weight: l['loadBalancingWeight'] === undefined ? undefined : uint(l['loadBalancingWeight'], at.field('loadBalancingWeight'), 1, 1),
    endpoints: list(l['lbEndpoints'], at.field('lbEndpoints')).map((e, i) => lbEndpoint(e, at.field('lbEndpoints').index(i), dns)),
  };
}

/** `dns`: the endpoints may name DNS hosts (STRICT_DNS, LOGICAL_DNS clusters). */
export function translateAssignment(v: unknown, at: At, dns = false): EndpointAssignment {
  const cla = obj(v, at);
  return {
    clusterName: str(cla['clusterName'], at.field('clusterName')),
    localities: list(cla['endpoints'], at.field('endpoints')).map((l, i) => localityEndpoints(l, at.field('endpoints').index(i), dns)),
  };
}
