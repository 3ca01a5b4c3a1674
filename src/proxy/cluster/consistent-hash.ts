/**
 * RING_HASH and MAGLEV at L4: a consistent choice per hash key, so one client keeps reaching
 * the same host and a host set change moves only the keys of the hosts that changed
 * (rendezvous hashing, which has the ring's and Maglev's property without building a table).
 * The key is the downstream source IP, as Istio's consistentHash useSourceIp sets it; HTTP
 * hash keys (headers, cookies) need the HTTP codecs, and until then the source IP stands in.
 * Without a key the choice is random, as Envoy's is.
 */
import { formatAddress } from '../core/address.ts';
import type { Random } from '../core/random.ts';
import type { Host } from './cluster.ts';
import type { LoadBalancer } from './load-balancer.ts';

/** FNV-1a, 32 bits: stable across processes and versions. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function consistentHash(random: Random): LoadBalancer {
  return {
    pick(hosts: readonly Host[], key?: string): Host | undefined {
      if (hosts.length === 0) return undefined;
      if (key === undefined) return hosts[Math.min(hosts.length - 1, Math.floor(random() * hosts.length))];
      let best: Host | undefined;
      let top = -1;
      for (const h of hosts) {
        const score = fnv1a(`${key}|${formatAddress(h.address)}`);
        if (score > top) {
          top = score;
          best = h;
        }
      }
      return best;
    },
  } satisfies LoadBalancer;
}
