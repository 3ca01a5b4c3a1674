/**
 * Parses and validates registry.json into the shared schema (registry.ts). The first problem is
 * reported with the field's path and value (`services[0].ports[1].targetPort: 70000: expected a
 * port number from 1 to 65535`), so a bad file names what is wrong; fields are checked in the
 * contract's order (services, then duplicate services, endpoints, workloads). Optional fields and
 * lists may be absent or null. The result is deep-frozen, so no reader can change it in place.
 */
import { isIP } from 'node:net';
import { ErrorCodes, MizzenError } from '../errors.ts';
import type { Endpoint, EndpointPort, Labels, Registry, Service, ServicePort, Workload } from './registry.ts';

type Json = unknown;
type Obj = Record<string, Json>;

class FieldError extends Error {}

const fail = (path: string, value: Json, reason: string): never => {
  throw new FieldError(`${path}: ${JSON.stringify(value) ?? 'undefined'}: ${reason}`);
};
const absent = (v: Json): v is undefined | null => v === undefined || v === null;
const obj = (v: Json, path: string): Obj =>
  (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Obj : fail(path, v, 'expected an object'));
const list = (v: Json, path: string): Json[] => (absent(v) ? [] : Array.isArray(v) ? v : fail(path, v, 'expected a list'));
const text = (v: Json, path: string): string => (typeof v === 'string' && v !== '' ? v : fail(path, v, 'expected a non-empty string'));
const optText = (v: Json, path: string): string => (absent(v) ? '' : typeof v === 'string' ? v : fail(path, v, 'expected a string'));
const nullableText = (v: Json, path: string): string | null => (absent(v) ? null : typeof v === 'string' ? v : fail(path, v, 'expected a string or null'));
const port = (v: Json, path: string): number =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535 ? v : fail(path, v, 'expected a port number from 1 to 65535'));
const ip = (v: Json, path: string): string => (typeof v === 'string' && isIP(v) !== 0 ? v : fail(path, v, 'expected an IP address'));

function labels(v: Json, path: string): Labels {
  if (absent(v)) return {};
  const o = obj(v, path);
  for (const [k, val] of Object.entries(o)) if (typeof val !== 'string') fail(`${path}.${k}`, val, 'expected a string label value');
  return o as Labels;
}

function servicePort(v: Json, path: string): ServicePort {
  const o = obj(v, path);
  const number = port(o['port'], `${path}.port`);
  return {
    name: nullableText(o['name'], `${path}.name`),
    port: number,
    targetPort: port(o['targetPort'] ?? number, `${path}.targetPort`),
    protocol: absent(o['protocol']) ? 'TCP' : text(o['protocol'], `${path}.protocol`),
    appProtocol: nullableText(o['appProtocol'], `${path}.appProtocol`),
  };
}

function service(v: Json, path: string): Service {
  const o = obj(v, path);
  const name = text(o['name'], `${path}.name`);
  const namespace = text(o['namespace'], `${path}.namespace`);
  const clusterIP = o['clusterIP'];
  const headless = absent(clusterIP) || clusterIP === '' || clusterIP === 'None';
  return {
    name, namespace,
    hostname: absent(o['hostname']) ? `${name}.${namespace}.svc.cluster.local` : text(o['hostname'], `${path}.hostname`).toLowerCase(),
    clusterIP: headless ? null : ip(clusterIP, `${path}.clusterIP`),
    labels: labels(o['labels'], `${path}.labels`),
    selector: labels(o['selector'], `${path}.selector`),
    ports: list(o['ports'], `${path}.ports`).map((p, i) => servicePort(p, `${path}.ports[${i}]`)),
    ...(absent(o['exportTo']) ? {} : { exportTo: list(o['exportTo'], `${path}.exportTo`).map((e, i) => text(e, `${path}.exportTo[${i}]`)) }),
  };
}

function endpointPort(v: Json, path: string): EndpointPort {
  const o = obj(v, path);
  return { name: nullableText(o['name'], `${path}.name`), port: port(o['port'], `${path}.port`) };
}

function endpoint(v: Json, path: string): Endpoint {
  const o = obj(v, path);
  const service = text(o['service'], `${path}.service`);
  const namespace = text(o['namespace'], `${path}.namespace`);
  const address = ip(o['ip'], `${path}.ip`);
  const ready = o['ready'];
  if (typeof ready !== 'boolean') return fail(`${path}.ready`, ready, 'expected true or false');
  return {
    service, namespace, ip: address, ready,
    pod: optText(o['pod'], `${path}.pod`),
    ports: list(o['ports'], `${path}.ports`).map((p, i) => endpointPort(p, `${path}.ports[${i}]`)),
  };
}

function workload(v: Json, path: string): Workload {
  const o = obj(v, path);
  return {
    pod: text(o['pod'], `${path}.pod`),
    namespace: text(o['namespace'], `${path}.namespace`),
    ip: ip(o['ip'], `${path}.ip`),
    workload: optText(o['workload'], `${path}.workload`),
    labels: labels(o['labels'], `${path}.labels`),
    serviceAccount: optText(o['serviceAccount'], `${path}.serviceAccount`),
    sidecar: o['sidecar'] === true,
  };
}

function deepFreeze<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  for (const child of Object.values(v)) deepFreeze(child);
  return Object.freeze(v);
}

/** Parses registry.json text; throws MZ_INVALID_CONFIG_FILE naming the file, the field and the value. */
export function parseRegistry(body: string, file: string): Registry {
  try {
    let doc: Json;
    try {
      doc = JSON.parse(body);
    } catch (err) {
      throw new FieldError(`not valid JSON: ${(err as Error).message}`);
    }
    const o = obj(doc, 'registry');
    const version = o['version'];
    if (typeof version !== 'number' || !Number.isFinite(version)) return fail('version', version, 'expected a number');
    const services = list(o['services'], 'services').map((s, i) => service(s, `services[${i}]`));
    const seen = new Set<string>();
    services.forEach((s, i) => {
      const key = `${s.namespace}/${s.name}`;
      if (seen.has(key)) fail(`services[${i}]`, key, 'duplicate service');
      seen.add(key);
    });
    return deepFreeze({
      version, services,
      endpoints: list(o['endpoints'], 'endpoints').map((e, i) => endpoint(e, `endpoints[${i}]`)),
      workloads: list(o['workloads'], 'workloads').map((w, i) => workload(w, `workloads[${i}]`)),
    });
  } catch (err) {
    if (!(err instanceof FieldError)) throw err;
    throw new MizzenError(ErrorCodes.InvalidConfigFile, `registry ${file}: ${err.message}`);
  }
}
