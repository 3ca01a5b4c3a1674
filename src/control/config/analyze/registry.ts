/**
 * Reads a running mesh's registry.json (docs/design/one-host-mesh.md) as an Inventory: its
 * services (hostname, ports) and workloads (pod labels).
 */
import { readFile } from 'node:fs/promises';
import { ErrorCodes, MizzenError } from '../../../core/errors.ts';
import { isPlainObject } from '../schema/schema.ts';
import type { Inventory, ServiceInfo, Workload } from './inventory.ts';

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

export function inventoryFromRegistry(json: unknown, file = 'registry.json'): Inventory {
  if (!isPlainObject(json)) throw new MizzenError(ErrorCodes.InvalidConfigFile, `${file}: expected a JSON object with services and workloads`);
  const services: ServiceInfo[] = (Array.isArray(json['services']) ? json['services'] : []).filter(isPlainObject).map((s) => {
    const namespace = str(s['namespace'], 'default');
    const name = str(s['name']);
    const ports = Array.isArray(s['ports']) ? s['ports'].filter(isPlainObject).map((p) => p['port']).filter((n): n is number => typeof n === 'number') : [];
    return { namespace, name, hostname: str(s['hostname'], `${name}.${namespace}.svc.cluster.local`), ports };
  });
  const workloads: Workload[] = (Array.isArray(json['workloads']) ? json['workloads'] : []).filter(isPlainObject).map((w) => ({
    namespace: str(w['namespace'], 'default'),
    name: str(w['pod'], str(w['workload'])),
    labels: isPlainObject(w['labels']) ? Object.fromEntries(Object.entries(w['labels']).filter(([, v]) => typeof v === 'string')) as Record<string, string> : {},
  }));
  return { services, workloads, workloadsKnown: true, servicesKnown: true };
}

export async function readRegistry(file: string): Promise<Inventory> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new MizzenError(ErrorCodes.InvalidConfigFile, `--registry ${file}: cannot read a JSON registry`, { cause });
  }
  return inventoryFromRegistry(json, file);
}
