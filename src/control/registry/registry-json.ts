/**
 * registry.json (docs/design/one-host-mesh.md) -> a RegistrySnapshot. Validated at the edge: the
 * first problem is reported with its field path and value (`services[0].ports[1].port: 0: ...`);
 * the result is deep-frozen. Endpoints are joined with their pod's workload (labels, service
 * account, workload name) and expanded to one ServiceEndpoint per service port.
 */
import { isIP } from 'node:net';
import { deepFreeze } from '../config/freeze.ts';
import { ControlErrorCodes, ControlPlaneError } from '../xds/errors.ts';
import type { Labels, RegistrySnapshot, Service, ServiceEndpoint, WorkloadInstance } from './model.ts';
import { inferProtocol } from './protocol.ts';

type Json = unknown;
type Obj = Record<string, Json>;

class FieldError extends Error {}

const fail = (path: string, value: Json, reason: string): never => {
  throw new FieldError(`${path}: ${JSON.stringify(value) ?? 'undefined'}: ${reason}`);
};
const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: Json, path: string): Obj => (isObj(v) ? v : fail(path, v, 'expected an object'));
const list = (v: Json, path: string): Json[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : fail(path, v, 'expected a list'));
const text = (v: Json, path: string): string => (typeof v === 'string' && v !== '' ? v : fail(path, v, 'expected a non-empty string'));
const optText = (v: Json, path: string): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : fail(path, v, 'expected a string'));
const port = (v: Json, path: string): number =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535 ? v : fail(path, v, 'expected a port number from 1 to 65535'));
const ip = (v: Json, path: string): string => (typeof v === 'string' && isIP(v) !== 0 ? v : fail(path, v, 'expected an IP address'));

function labels(v: Json, path: string): Labels {
  if (v === undefined || v === null) return {};
  const o = obj(v, path);
  for (const [k, val] of Object.entries(o)) if (typeof val !== 'string') fail(`${path}.${k}`, val, 'expected a string');
  return o as Labels;
}

function service(v: Json, path: string): Service {
  const o = obj(v, path);
  const name = text(o['name'], `${path}.name`);
  const namespace = text(o['namespace'], `${path}.namespace`);
  const vip = o['clusterIP'];
  const headless = vip === undefined || vip === null || vip === '' || vip === 'None';
  return {
    hostname: o['hostname'] === undefined ? `${name}.${namespace}.svc.cluster.local` : text(o['hostname'], `${path}.hostname`).toLowerCase(),
    name, namespace,
    ...(headless ? {} : { address: ip(vip, `${path}.clusterIP`) }),
    ports: list(o['ports'], `${path}.ports`).map((p, i) => {
      const at = `${path}.ports[${i}]`;
      const po = obj(p, at);
      const n = port(po['port'], `${at}.port`);
      return {
        name: optText(po['name'], `${at}.name`), port: n, targetPort: port(po['targetPort'] ?? n, `${at}.targetPort`),
        protocol: inferProtocol({ name: optText(po['name'], `${at}.name`), appProtocol: optText(po['appProtocol'], `${at}.appProtocol`), protocol: optText(po['protocol'], `${at}.protocol`) }),
      };
    }),
    labels: labels(o['labels'], `${path}.labels`),
    selector: labels(o['selector'], `${path}.selector`),
    meshExternal: false,
    resolution: headless ? 'Passthrough' : 'ClientSideLB',
    exportTo: ['*'],
    provider: 'Kubernetes',
  };
}

function workload(v: Json, path: string): WorkloadInstance {
  const o = obj(v, path);
  const name = text(o['pod'], `${path}.pod`);
  return {
    name, namespace: text(o['namespace'], `${path}.namespace`), address: ip(o['ip'], `${path}.ip`),
    workloadName: optText(o['workload'], `${path}.workload`) || name, labels: labels(o['labels'], `${path}.labels`),
    serviceAccount: optText(o['serviceAccount'], `${path}.serviceAccount`) || 'default', sidecar: o['sidecar'] === true,
  };
}

/** One registry.json endpoint (a pod behind a service) -> one ServiceEndpoint per service port. */
function endpoints(v: Json, path: string, services: ReadonlyMap<string, Service>, pods: ReadonlyMap<string, WorkloadInstance>): ServiceEndpoint[] {
  const o = obj(v, path);
  const namespace = text(o['namespace'], `${path}.namespace`);
  const svcName = text(o['service'], `${path}.service`);
  const address = ip(o['ip'], `${path}.ip`);
  if (typeof o['ready'] !== 'boolean') fail(`${path}.ready`, o['ready'], 'expected true or false');
  const ports = list(o['ports'], `${path}.ports`).map((p, i) => {
    const po = obj(p, `${path}.ports[${i}]`);
    return { name: optText(po['name'], `${path}.ports[${i}].name`), port: port(po['port'], `${path}.ports[${i}].port`) };
  });
  const svc = services.get(`${namespace}/${svcName}`);
  if (!svc) return [];
  const podName = optText(o['pod'], `${path}.pod`);
  const pod = pods.get(`${namespace}/${podName}`);
  return svc.ports.map((sp) => ({
    hostname: svc.hostname, servicePortName: sp.name, servicePort: sp.port, address,
    port: ports.find((p) => p.name === sp.name && sp.name !== '')?.port ?? (svc.ports.length === 1 && ports.length === 1 ? ports[0]?.port : undefined) ?? sp.targetPort ?? sp.port,
    ready: o['ready'] === true, labels: pod?.labels ?? {}, namespace, workloadName: pod?.workloadName ?? podName, podName,
    serviceAccount: pod?.serviceAccount ?? 'default', locality: '', weight: 1, network: '', sidecar: pod?.sidecar ?? false,
  }));
}

export interface ParsedRegistry {
  readonly version: number;
  readonly snapshot: RegistrySnapshot;
}

/** Parses registry.json text; throws MZ_REGISTRY_INVALID naming the file, the field and the value. */
export function parseRegistryJson(body: string, file: string): ParsedRegistry {
  try {
    let doc: Json;
    try {
      doc = JSON.parse(body);
    } catch (err) {
      throw new FieldError(`not valid JSON: ${(err as Error).message}`);
    }
    const o = obj(doc, 'registry');
    const version = o['version'];
    if (typeof version !== 'number' || !Number.isFinite(version)) fail('version', version, 'expected a number');
    const services = list(o['services'], 'services').map((s, i) => service(s, `services[${i}]`));
    const byName = new Map<string, Service>();
    services.forEach((s, i) => {
      if (byName.has(`${s.namespace}/${s.name}`)) fail(`services[${i}]`, `${s.namespace}/${s.name}`, 'duplicate service');
      byName.set(`${s.namespace}/${s.name}`, s);
    });
    const workloads = list(o['workloads'], 'workloads').map((w, i) => workload(w, `workloads[${i}]`));
    const pods = new Map(workloads.map((w) => [`${w.namespace}/${w.name}`, w]));
    const eps = list(o['endpoints'], 'endpoints').flatMap((e, i) => endpoints(e, `endpoints[${i}]`, byName, pods));
    return deepFreeze({ version: version as number, snapshot: { services, endpoints: eps, workloads } });
  } catch (err) {
    if (!(err instanceof FieldError)) throw err;
    throw new ControlPlaneError(ControlErrorCodes.InvalidRegistry, `registry ${file}: ${err.message}`);
  }
}
