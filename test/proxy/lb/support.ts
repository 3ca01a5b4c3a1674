/**
 * Load balancer test support: hosts with addresses 10.0.0.<i>:80 and given weights, health and
 * join times; a seeded Random (mulberry32) so every run picks the same; pick counting.
 */
import type { Host } from '../../../src/proxy/cluster/cluster.ts';
import { newHostStats } from '../../../src/proxy/cluster/cluster.ts';
import type { Random } from '../../../src/proxy/core/random.ts';
import type { HealthStatus } from '../../../src/proxy/endpoint/endpoint-config.ts';
import { noLocality } from '../../../src/proxy/endpoint/endpoint-config.ts';

export interface HostOpts {
  readonly weight?: number;
  readonly health?: HealthStatus;
  readonly createdAtMs?: number;
  readonly priority?: number;
}

export function host(i: number, o: HostOpts = {}): Host {
  return {
    address: { ip: `10.0.0.${i}`, port: 80 }, health: o.health ?? 'HEALTHY', weight: o.weight ?? 1, priority: o.priority ?? 0,
    locality: noLocality, hostname: '', peer: undefined, stats: newHostStats(),
    ...(o.createdAtMs !== undefined ? { createdAtMs: o.createdAtMs } : {}),
  };
}

export const hosts = (n: number, o: (i: number) => HostOpts = () => ({})): Host[] => Array.from({ length: n }, (_, i) => host(i + 1, o(i)));

/** mulberry32: a small, seeded, uniform [0, 1) generator. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How often each host was picked, by IP. */
export function tally(picks: readonly (Host | undefined)[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const h of picks) if (h) m.set(h.address.ip, (m.get(h.address.ip) ?? 0) + 1);
  return m;
}
