/** v1 Service (ClusterIP), Namespace and ServiceAccount documents. */
import { isIPv4 } from 'node:net';
import type { Namespace, Service, ServiceAccount, ServicePort } from '../model/objects.ts';
import { checkFields, fail, isObj, isPortName, join, readInt, readIntOrString, readList, readObj, readString, type Obj, type ReadContext } from './fields.ts';
import { readLabels, readMeta } from './meta.ts';

const SPEC_IGNORED = ['sessionAffinity', 'sessionAffinityConfig', 'externalTrafficPolicy', 'internalTrafficPolicy', 'ipFamilies', 'ipFamilyPolicy',
  'clusterIPs', 'publishNotReadyAddresses', 'loadBalancerIP', 'loadBalancerSourceRanges', 'externalIPs', 'allocateLoadBalancerNodePorts'];

function readPorts(ctx: ReadContext, spec: Obj): ServicePort[] {
  const out: ServicePort[] = [];
  const list = readList(ctx, spec, 'ports', 'spec');
  list.forEach((raw, i) => {
    const p = join('spec.ports', i);
    if (!isObj(raw)) return fail(ctx, p, raw, 'must be an object');
    checkFields(ctx, raw, p, ['name', 'port', 'targetPort', 'protocol', 'appProtocol'], ['nodePort']);
    const name = readString(ctx, raw, 'name', p);
    if (name !== undefined && name !== '' && !isPortName(name) && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
      fail(ctx, join(p, 'name'), name, 'must be a DNS-1123 label');
    }
    if (list.length > 1 && (name === undefined || name === '')) fail(ctx, join(p, 'name'), name, 'required when a service has more than one port');
    if (raw['port'] === undefined) fail(ctx, join(p, 'port'), undefined, 'required field is missing');
    const port = readInt(ctx, raw, 'port', p, { min: 1, max: 65535 }) ?? 0;
    const protocol = readString(ctx, raw, 'protocol', p) ?? 'TCP';
    if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') return fail(ctx, join(p, 'protocol'), protocol, 'must be TCP, UDP or SCTP');
    const appProtocol = readString(ctx, raw, 'appProtocol', p);
    if (out.some((o) => o.name === name && name !== undefined)) fail(ctx, join(p, 'name'), name, 'duplicate port name');
    return out.push({
      ...(name === undefined || name === '' ? {} : { name }),
      port,
      targetPort: readIntOrString(ctx, raw, 'targetPort', p) ?? port,
      protocol,
      ...(appProtocol === undefined ? {} : { appProtocol }),
    });
  });
  if (list.length === 0) fail(ctx, 'spec.ports', spec['ports'], 'at least one port is required');
  return out;
}

export function readService(ctx: ReadContext, doc: Obj): Service {
  checkFields(ctx, doc, '', ['apiVersion', 'kind', 'metadata', 'spec'], ['status']);
  const metadata = readMeta(ctx, doc, { namespaced: true, nameIs: 'label' });
  const spec = readObj(ctx, doc, 'spec', '', true) ?? {};
  checkFields(ctx, spec, 'spec', ['type', 'clusterIP', 'selector', 'ports'], SPEC_IGNORED);
  const type = readString(ctx, spec, 'type', 'spec') ?? 'ClusterIP';
  if (type === 'NodePort' || type === 'LoadBalancer') ctx.warnings.push(`spec.type: ${type} is served as ClusterIP on one host`);
  else if (type !== 'ClusterIP') fail(ctx, 'spec.type', type, 'must be ClusterIP (NodePort and LoadBalancer are served as ClusterIP)');
  const clusterIP = readString(ctx, spec, 'clusterIP', 'spec');
  if (clusterIP === 'None') fail(ctx, 'spec.clusterIP', clusterIP, 'headless services are not supported');
  else if (clusterIP !== undefined && clusterIP !== '' && !isIPv4(clusterIP)) fail(ctx, 'spec.clusterIP', clusterIP, 'must be an IPv4 address');
  const selector = readLabels(ctx, spec, 'selector', 'spec');
  const ports = readPorts(ctx, spec);
  return {
    kind: 'Service',
    metadata,
    spec: { type: 'ClusterIP', ...(clusterIP ? { clusterIP } : {}), selector, ports },
  };
}

export function readNamespace(ctx: ReadContext, doc: Obj): Namespace {
  checkFields(ctx, doc, '', ['apiVersion', 'kind', 'metadata'], ['spec', 'status']);
  return { kind: 'Namespace', metadata: readMeta(ctx, doc, { namespaced: false, nameIs: 'label' }) };
}

export function readServiceAccount(ctx: ReadContext, doc: Obj): ServiceAccount {
  checkFields(ctx, doc, '', ['apiVersion', 'kind', 'metadata'], ['secrets', 'imagePullSecrets', 'automountServiceAccountToken']);
  return { kind: 'ServiceAccount', metadata: readMeta(ctx, doc, { namespaced: true, nameIs: 'subdomain' }) };
}
