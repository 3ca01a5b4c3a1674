/**
 * Envoy's MAGLEV load balancer. Per host set a lookup table of table_size (a prime, 65537 by
 * default) slots is filled once: each host walks its own permutation of the slots (offset
 * xxHash64(ip:port) mod M, skip xxHash64(ip:port, seed 1) mod (M-1) + 1) taking the next free
 * slot in turn, a host of weight w/max taking a turn in that share of rounds. A request goes to
 * slot hash mod M; a retried host selection flips the hash (hash ^ (2^64 - attempt)) as Envoy
 * does. Removing one host of N moves only about 1/N of the slots. Without a hash: random.
 */
import { formatAddress } from '../core/address.ts';
import type { Random } from '../core/random.ts';
import type { Host } from './cluster.ts';
import { baseWeight } from './host-weights.ts';
import { ENVOY_DEFAULT_MAGLEV, type MaglevConfig } from './lb-config.ts';
import type { LoadBalancer } from './load-balancer.ts';
import { randomHash } from './random.ts';
import { xxHash64 } from './xxhash64.ts';

const M64 = 0xffffffffffffffffn;

/** The table: the index (into the host set) of the host owning each slot. */
export function buildMaglevTable(hosts: readonly Host[], size: number): Int32Array {
  const table = new Int32Array(size).fill(-1);
  if (hosts.length === 0) return table;
  const m = BigInt(size);
  let sum = 0;
  for (const h of hosts) sum += baseWeight(h);
  let maxNorm = 0;
  for (const h of hosts) maxNorm = Math.max(maxNorm, baseWeight(h) / sum);
  const entries = hosts.map((h) => {
    const key = formatAddress(h.address);
    return { offset: Number(xxHash64(key) % m), skip: Number(xxHash64(key, 1n) % (m - 1n)) + 1, weight: baseWeight(h) / sum, target: 0, next: 0 };
  });
  let filled = 0;
  for (let iteration = 1; filled < size; iteration++) {
    for (let i = 0; i < entries.length && filled < size; i++) {
      const e = entries[i]!;
      if (iteration * e.weight < e.target) continue;
      e.target += maxNorm;
      let c = (e.offset + e.skip * e.next) % size;
      while (table[c] !== -1) {
        e.next++;
        c = (e.offset + e.skip * e.next) % size;
      }
      table[c] = i;
      e.next++;
      filled++;
    }
  }
  return table;
}

export class MaglevLoadBalancer implements LoadBalancer {
  private set: readonly Host[] | undefined;
  private table: Int32Array = new Int32Array(0);
  private readonly size: number;
  private readonly sizeBig: bigint;
  private readonly random: Random;

  constructor(cfg: MaglevConfig | undefined, random: Random) {
    this.size = (cfg ?? ENVOY_DEFAULT_MAGLEV).tableSize;
    this.sizeBig = BigInt(this.size);
    this.random = random;
  }

  pick(hosts: readonly Host[], hash?: bigint, attempt = 0): Host | undefined {
    if (hosts.length === 0) return undefined;
    if (hosts !== this.set) {
      this.set = hosts;
      this.table = buildMaglevTable(hosts, this.size);
    }
    let h = hash ?? randomHash(this.random);
    if (attempt > 0) h ^= (M64 - BigInt(attempt) + 1n) & M64;
    return hosts[this.table[Number(h % this.sizeBig)]!];
  }
}

export const maglev = (cfg: MaglevConfig | undefined, random: Random): LoadBalancer => new MaglevLoadBalancer(cfg, random) satisfies LoadBalancer;
