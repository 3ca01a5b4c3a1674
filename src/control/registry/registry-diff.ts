/**
 * What changed between two snapshots of one registry, per host: the Service itself (a full push)
 * or only its endpoints (an EDS push for that host), and whether the workload list changed.
 */
import { stableJson } from '../config/stable-json.ts';
import type { RegistrySnapshot } from './model.ts';
import type { RegistryChange } from './service-registry.ts';

function byHost<T extends { hostname: string }>(items: readonly T[]): Map<string, string> {
  const groups = new Map<string, T[]>();
  for (const it of items) {
    const g = groups.get(it.hostname);
    if (g) g.push(it);
    else groups.set(it.hostname, [it]);
  }
  return new Map([...groups].map(([h, g]) => [h, stableJson(g.map(stableJson).sort())]));
}

function changedKeys(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of a) if (b.get(k) !== v) out.add(k);
  for (const k of b.keys()) if (!a.has(k)) out.add(k);
  return out;
}

export function diffSnapshots(registry: string, before: RegistrySnapshot, after: RegistrySnapshot): RegistryChange {
  return {
    registry,
    services: changedKeys(byHost(before.services), byHost(after.services)),
    endpoints: changedKeys(byHost(before.endpoints), byHost(after.endpoints)),
    workloads: stableJson(before.workloads) !== stableJson(after.workloads),
  };
}

export const isEmptyChange = (c: RegistryChange): boolean => c.services.size === 0 && c.endpoints.size === 0 && !c.workloads;
