/**
 * Schema for VirtualService: hosts (required except in a delegate), gateways, HTTP/TCP/TLS rules
 * and exportTo, with Istio's whole-resource checks (mesh `*` host, duplicate hosts, SNI hosts
 * within the VirtualService's hosts).
 */
import { hostSubsetOf, hostsOverlap } from '../hosts.ts';
import { array, object } from '../schema/composites.ts';
import { isIPAddress, wildcardHostProblem } from '../schema/names.ts';
import { str } from '../schema/scalars.ts';
import type { Path, Reporter } from '../schema/schema.ts';
import type { VirtualService } from '../types/virtual-service.ts';
import { exportTo, gatewayName } from './common.ts';
import { httpRoute } from './http-route.ts';
import { tcpRoute, tlsRoute } from './l4-route.ts';

const host = str({ check: (h) => (isIPAddress(h) ? undefined : wildcardHostProblem(h)) });

function checkHosts(vs: VirtualService, path: Path, r: Reporter): void {
  const hosts = vs.hosts ?? [];
  const gateways = vs.gateways ?? [];
  const toMesh = gateways.length === 0 || gateways.includes('mesh');
  if (hosts.length === 0) {
    if (gateways.length === 0 && !vs.tls?.length && !vs.tcp?.length) {
      r.warn([...path, 'hosts'], undefined, 'no hosts: this VirtualService only takes effect as the delegate of another VirtualService');
    }
    if (gateways.length > 0) r.error([...path, 'gateways'], gateways, 'delegate virtual service must have no gateways specified');
    if (vs.tls?.length) r.error([...path, 'tls'], undefined, 'delegate virtual service must have no tls route specified');
    if (vs.tcp?.length) r.error([...path, 'tcp'], undefined, 'delegate virtual service must have no tcp route specified');
  }
  hosts.forEach((h, i) => {
    if (toMesh && h === '*') r.error([...path, 'hosts', i], h, 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
    for (let j = 0; j < i; j++) {
      const other = hosts[j] as string;
      if (hostsOverlap(h, other)) r.error([...path, 'hosts', i], h, `duplicate hosts in virtual service: ${other} & ${h}`);
    }
  });
  if (!vs.http?.length && !vs.tcp?.length && !vs.tls?.length) r.error(path, undefined, 'http, tcp or tls must be provided in virtual service');
  vs.tls?.forEach((route, i) => route.match.forEach((m, j) => m.sniHosts.forEach((sni, k) => {
    if (!isIPAddress(sni) && !hosts.some((h) => hostSubsetOf(sni, h))) {
      r.error([...path, 'tls', i, 'match', j, 'sniHosts', k], sni,
        `SNI host is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`);
    }
  })));
}

export const virtualService = object<VirtualService>('VirtualService', {
  hosts: array(host),
  gateways: array(gatewayName),
  http: array(httpRoute),
  tls: array(tlsRoute),
  tcp: array(tcpRoute),
  exportTo: exportTo(),
}, { rules: [checkHosts] });
