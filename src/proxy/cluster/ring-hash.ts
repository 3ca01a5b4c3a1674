/**
 * Envoy's RING_HASH load balancer (ketama). Per host set a ring is built once: the hosts'
 * weights are normalised, scaled so that the lightest host gets at least one whole entry of a
 * ring of minimum_ring_size (capped at maximum_ring_size), and each host contributes its share
 * of entries hashed as xxHash64("<ip:port>_<i>"), running sums keeping the total exact. The
 * entries are sorted by hash; a request goes to the first entry at or after its hash (wrapping
 * to the first). A retried host selection moves `attempt` entries further along the ring.
 * Without a hash the pick is random, as Envoy's is.
 */
import { formatAddress } from '../core/address.ts';
import type { Random } from '../core/random.ts';
import type { Host } from './cluster.ts';
import { baseWeight } from './host-weights.ts';
import { ENVOY_DEFAULT_RING_HASH, type RingHashConfig } from './lb-config.ts';
import type { LoadBalancer } from './load-balancer.ts';
import { randomHash } from './random.ts';
import { xxHash64 } from './xxhash64.ts';

export interface Ring {
  /** Entry hashes, ascending. */
  readonly hashes: BigUint64Array;
  /** The index (into the host set) of each entry's host. */
  readonly owners: Int32Array;
}

export function buildRing(hosts: readonly Host[], cfg: RingHashConfig): Ring {
  let sum = 0;
  for (const h of hosts) sum += baseWeight(h);
  let minNorm = 1;
  for (const h of hosts) minNorm = Math.min(minNorm, baseWeight(h) / sum);
  const scale = Math.min(Math.ceil(minNorm * cfg.minimumRingSize) / minNorm, cfg.maximumRingSize);
  const entries: { hash: bigint; owner: number }[] = [];
  let current = 0;
  let target = 0;
  hosts.forEach((h, owner) => {
    const prefix = `${formatAddress(h.address)}_`;
    target += (scale * baseWeight(h)) / sum;
    for (let i = 0; current < target; i++, current++) entries.push({ hash: xxHash64(prefix + i), owner });
  });
  entries.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  return {
    hashes: BigUint64Array.from(entries, (e) => e.hash),
    owners: Int32Array.from(entries, (e) => e.owner),
  };
}

/** The index of the first entry whose hash is >= `h`, wrapping to 0. */
export function ringIndex(hashes: BigUint64Array, h: bigint): number {
  let lo = 0;
  let hi = hashes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (hashes[mid]! < h) lo = mid + 1;
    else hi = mid;
  }
  return lo === hashes.length ? 0 : lo;
}

export class RingHashLoadBalancer implements LoadBalancer {
  private set: readonly Host[] | undefined;
  private ring: Ring = { hashes: new BigUint64Array(0), owners: new Int32Array(0) };
  private readonly cfg: RingHashConfig;
  private readonly random: Random;

  constructor(cfg: RingHashConfig | undefined, random: Random) {
    this.cfg = cfg ?? ENVOY_DEFAULT_RING_HASH;
    this.random = random;
  }

  pick(hosts: readonly Host[], hash?: bigint, attempt = 0): Host | undefined {
    if (hosts.length === 0) return undefined;
    if (hosts !== this.set) {
      this.set = hosts;
      this.ring = buildRing(hosts, this.cfg);
    }
    const { hashes, owners } = this.ring;
    let i = ringIndex(hashes, hash ?? randomHash(this.random));
    if (attempt > 0) i = (i + attempt) % hashes.length;
    return hosts[owners[i]!];
  }
}

export const ringHash = (cfg: RingHashConfig | undefined, random: Random): LoadBalancer => new RingHashLoadBalancer(cfg, random) satisfies LoadBalancer;
