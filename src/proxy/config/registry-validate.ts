/**
 * Parses and validates registry.json. The first problem is reported with the field's path
 * (`services[0].ports[1].targetPort`) and value, so a bad push names what is wrong; the result is
 * deeply frozen, so nothing downstream can change a snapshot in place.
 */
import { isIP } from 'node:net';
import { ErrorCodes, MizzenError } from '../../core/errors.ts';
import type { Endpoint, EndpointPort, Labels, Registry, Service, ServicePort, Workload } from './registry.ts';

type Json = unknown;

class FieldError extends Error {}

function fail(path: string, value: Json, reason: string): never {
  throw new FieldError(`${path}: ${JSON.stringify(value) ?? 'undefined'}: ${reason}`);
}

function obj(v: Json, path: string): Record<string, Json> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, v, 'expected an object');
  return v as Record<string, Json>;
}

function arr(v: Json, path: string): Json[] {
  if (!Array.isArray(v)) fail(path, v, 'expected a list');
  return v;
}

function str(v: Json, path: string, opts: { optional?: boolean } = {}): string {
  if (opts.optional && (v === undefined || v === null)) return '';
  if (typeof v !== 'string' || (!opts.optional && v === '')) fail(path, v, 'expected a non-empty string');
  return v;
}

function nullableStr(v: Json, path: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') fail(path, v, 'expected a string or null');
  return v;
}

function port(v: Json, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) fail(path, v, 'expected a port number from 1 to 65535');
  return v;
}

function ip(v: Json, path: string): string {
  if (typeof v !== 'string' || isIP(v) === 0) fail(path, v, 'expected an IP address');
  return v;
}

function labels(v: Json, path: string): Labels {
  if (v === undefined || v === null) return {};
  const o = obj(v, path);
  for (const [k, val] of Object.entries(o)) if (typeof val !== 'string') fail(`${path}.${k}`, val, 'expected a string label value');
  return o as Labels;
}

function servicePort(v: Json, path: string): ServicePort {
  const o = obj(v, path);
  return {
    name: nullableStr(o['name'], `${path}.name`),
    port: port(o['port'], `${path}.port`),
    targetPort: port(o['targetPort'] ?? o['port'], `${path}.targetPort`),
    protocol: o['protocol'] === undefined ? 'TCP' : str(o['protocol'], `${path}.protocol`),
    appProtocol: nullableStr(o['appProtocol'], `${path}.appProtocol`),
  };
}

function service(v: Json, path: string): Service {
  const o = obj(v, path);
  const clusterIP = o['clusterIP'];
  const headless = clusterIP === undefined || clusterIP === null || clusterIP === '' || clusterIP === 'None';
  return {
    name: str(o['name'], `${path}.name`),
    namespace: str(o['namespace'], `${path}.namespace`),
    hostname: str(o['hostname'], `${path}.hostname`),
    clusterIP: headless ? null : ip(clusterIP, `${path}.clusterIP`),
    labels: labels(o['labels'], `${path}.labels`),
    selector: labels(o['selector'], `${path}.selector`),
    ports: arr(o['ports'], `${path}.ports`).map((p, i) => servicePort(p, `${path}.ports[${i}]`)),
  };
}

function endpointPort(v: Json, path: string): EndpointPort {
  const o = obj(v, path);
  return { name: nullableStr(o['name'], `${path}.name`), port: port(o['port'], `${path}.port`) };
}

function endpoint(v: Json, path: string): Endpoint {
  const o = obj(v, path);
  if (typeof o['ready'] !== 'boolean') fail(`${path}.ready`, o['ready'], 'expected true or false');
  return {
    service: str(o['service'], `${path}.service`),
    namespace: str(o['namespace'], `${path}.namespace`),
    ip: ip(o['ip'], `${path}.ip`),
    ready: o['ready'],
    pod: str(o['pod'], `${path}.pod`, { optional: true }),
    ports: arr(o['ports'] ?? [], `${path}.ports`).map((p, i) => endpointPort(p, `${path}.ports[${i}]`)),
  };
}

function workload(v: Json, path: string): Workload {
  const o = obj(v, path);
  return {
    pod: str(o['pod'], `${path}.pod`),
    namespace: str(o['namespace'], `${path}.namespace`),
    ip: ip(o['ip'], `${path}.ip`),
    workload: str(o['workload'], `${path}.workload`, { optional: true }),
    labels: labels(o['labels'], `${path}.labels`),
    serviceAccount: str(o['serviceAccount'], `${path}.serviceAccount`, { optional: true }),
    sidecar: o['sidecar'] === true,
  };
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

/** Parses registry.json text; throws MZ_INVALID_CONFIG_FILE naming the file, field and value. */
export function parseRegistry(text: string, file: string): Registry {
  try {
    let doc: Json;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new FieldError(`not valid JSON: ${(err as Error).message}`);
    }
    const o = obj(doc, 'registry');
    const version = o['version'];
    if (typeof version !== 'number' || !Number.isFinite(version)) fail('version', version, 'expected a number');
    const registry: Registry = {
      version,
      services: arr(o['services'] ?? [], 'services').map((s, i) => service(s, `services[${i}]`)),
      endpoints: arr(o['endpoints'] ?? [], 'endpoints').map((e, i) => endpoint(e, `endpoints[${i}]`)),
      workloads: arr(o['workloads'] ?? [], 'workloads').map((w, i) => workload(w, `workloads[${i}]`)),
    };
    const seen = new Set<string>();
    registry.services.forEach((s, i) => {
      const key = `${s.namespace}/${s.name}`;
      if (seen.has(key)) fail(`services[${i}]`, key, 'duplicate service');
      seen.add(key);
    });
    return deepFreeze(registry);
  } catch (err) {
    if (!(err instanceof FieldError)) throw err;
    throw new MizzenError(ErrorCodes.InvalidConfigFile, `registry ${file}: ${err.message}`);
  }
}
