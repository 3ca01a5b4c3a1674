/**
 * Schema for ServiceEntry: hosts, addresses, ports, location, resolution and endpoints, with
 * Istio's checks that tie them together (what each resolution allows, CIDR addresses, endpoint
 * port names, several hosts on plain TCP).
 */
import { array, object } from '../schema/composites.ts';
import { dnsLabelProblem, fqdnProblem, isIPAddress, wildcardHostProblem } from '../schema/names.ts';
import { enumOf, port, str } from '../schema/scalars.ts';
import type { Path, Reporter } from '../schema/schema.ts';
import type { ServiceEntry, ServicePort } from '../types/service-entry.ts';
import { cidr, exportTo, networkingSelector } from './common.ts';
import { isHttpProtocol, isTlsProtocol, protocol } from './protocol.ts';
import { workloadEntry } from './workload-entry.ts';

const servicePort = object<ServicePort>('ServicePort', {
  number: port(), protocol: protocol(), name: str({ check: dnsLabelProblem }), targetPort: port(),
}, { required: ['number', 'name'] });

function checkPorts(se: ServiceEntry, path: Path, r: Reporter): void {
  const names = new Set<string>();
  const numbers = new Set<number>();
  se.ports?.forEach((p, i) => {
    if (names.has(p.name)) r.error([...path, 'ports', i, 'name'], p.name, `service entry port name ${JSON.stringify(p.name)} already defined`);
    if (numbers.has(p.number)) r.error([...path, 'ports', i, 'number'], p.number, `service entry port ${p.number} already defined`);
    names.add(p.name);
    numbers.add(p.number);
  });
  se.endpoints?.forEach((e, i) => Object.keys(e.ports ?? {}).forEach((name) => {
    if (!names.has(name)) r.error([...path, 'endpoints', i, 'ports', name], e.ports?.[name], 'endpoint port is not defined by the service entry');
  }));
}

function checkResolution(se: ServiceEntry, path: Path, r: Reporter): void {
  const res = se.resolution ?? 'NONE';
  const eps = se.endpoints ?? [];
  if (se.workloadSelector && se.endpoints) r.error(path, undefined, 'only one of workloadSelector or endpoints is allowed in a ServiceEntry');
  if (se.addresses?.some((a) => a.includes('/')) && res !== 'NONE' && res !== 'STATIC') {
    r.error([...path, 'resolution'], res, 'CIDR addresses are allowed only for NONE/STATIC resolution types');
  }
  if (res === 'NONE' && eps.length > 0) r.error([...path, 'endpoints'], undefined, 'no endpoints should be provided for resolution type NONE');
  if (res === 'STATIC') {
    eps.forEach((e, i) => {
      if (e.address && !e.address.startsWith('unix://') && !isIPAddress(e.address)) {
        r.error([...path, 'endpoints', i, 'address'], e.address, 'endpoint address is not a valid IP address (resolution STATIC)');
      }
    });
  }
  if ((res === 'DNS' || res === 'DNS_ROUND_ROBIN') && eps.length === 0) {
    se.hosts.forEach((h, i) => {
      if (fqdnProblem(h)) r.error([...path, 'hosts', i], h, `hosts must be FQDN if no endpoints are provided for resolution mode ${res}`);
    });
  }
  if (res === 'DNS_ROUND_ROBIN' && eps.length > 1) r.error([...path, 'endpoints'], undefined, 'there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN');
  if (res !== 'NONE' && se.hosts.length > 1 && se.ports?.some((p) => !isHttpProtocol(p.protocol) && !isTlsProtocol(p.protocol))) {
    r.error([...path, 'hosts'], se.hosts, 'multiple hosts provided with non-HTTP, non-TLS ports');
  }
}

export const serviceEntry = object<ServiceEntry>('ServiceEntry', {
  hosts: array(str({ check: (h) => (h === '*' ? 'invalid host *' : wildcardHostProblem(h)) }), { nonEmpty: true }),
  addresses: array(cidr()),
  ports: array(servicePort),
  location: enumOf(['MESH_EXTERNAL', 'MESH_INTERNAL']),
  resolution: enumOf(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN']),
  endpoints: array(workloadEntry),
  workloadSelector: networkingSelector,
  exportTo: exportTo({ allowNone: true }),
  subjectAltNames: array(str()),
}, { required: ['hosts'], rules: [checkPorts, checkResolution] });
