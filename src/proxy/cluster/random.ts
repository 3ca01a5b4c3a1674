/**
 * Envoy's RANDOM load balancer: any pickable host, uniformly. Like Envoy's, it ignores endpoint
 * weights. `randomHash` is the 64-bit hash the hash balancers use when a request has no key.
 */
import type { Random } from '../core/random.ts';
import type { Host } from './cluster.ts';
import type { LoadBalancer } from './load-balancer.ts';

export const randomLb = (random: Random): LoadBalancer => ({
  pick: (hosts: readonly Host[]) => (hosts.length === 0 ? undefined : hosts[Math.min(hosts.length - 1, Math.floor(random() * hosts.length))]),
}) satisfies LoadBalancer;

const word = (random: Random): bigint => BigInt(Math.min(0xffffffff, Math.floor(random() * 0x100000000)));

/** A uniformly random unsigned 64-bit value. */
export const randomHash = (random: Random): bigint => (word(random) << 32n) | word(random);
