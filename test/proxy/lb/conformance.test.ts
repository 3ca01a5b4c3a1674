/**
 * The shared conformance suite every load balancer passes: no host from an empty set, shares
 * within tolerance for equal and unequal weights (RANDOM ignores weights, as Envoy's does),
 * unhealthy hosts never chosen (through the cluster), the same picks from the same seed; and
 * for the hash balancers: one key, one host; removing one of N hosts moves about 1/N of the keys
 * (a little more for the ring, whose remaining hosts get more entries).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Host } from '../../../src/proxy/cluster/cluster.ts';
import type { EdsClusterSpec, LbPolicy } from '../../../src/proxy/cluster/cluster-config.ts';
import { endpointCluster } from '../../../src/proxy/cluster/endpoint-cluster.ts';
import { ISTIO_DEFAULT_HTTP_OPTIONS } from '../../../src/proxy/cluster/http-options.ts';
import { loadBalancerFor } from '../../../src/proxy/cluster/lb-policy.ts';
import type { LoadBalancer } from '../../../src/proxy/cluster/load-balancer.ts';
import { randomHash } from '../../../src/proxy/cluster/random.ts';
import type { Random } from '../../../src/proxy/core/random.ts';
import { clusterStats } from '../../../src/proxy/stats/envoy-stats.ts';
import { MemoryStatsStore } from '../../../src/proxy/stats/memory-store.ts';
import { hosts, seeded, tally } from './support.ts';

interface Case {
  readonly policy: LbPolicy;
  readonly weighted: boolean;
  readonly hashing: boolean;
}

const CASES: readonly Case[] = [
  { policy: 'ROUND_ROBIN', weighted: true, hashing: false },
  { policy: 'LEAST_REQUEST', weighted: true, hashing: false },
  { policy: 'RANDOM', weighted: false, hashing: false },
  { policy: 'RING_HASH', weighted: true, hashing: true },
  { policy: 'MAGLEV', weighted: true, hashing: true },
];

const make = (c: Case, random: Random): LoadBalancer => loadBalancerFor({ lbPolicy: c.policy, choiceCount: 2 }, random);

/** `n` picks; hash balancers get a fresh random key each time (as if every request had its own). */
function picks(c: Case, lb: LoadBalancer, set: readonly Host[], n: number, keys: Random): (Host | undefined)[] {
  return Array.from({ length: n }, () => lb.pick(set, c.hashing ? randomHash(keys) : undefined));
}

function assertShares(counts: Map<string, number>, set: readonly Host[], expected: (h: Host) => number, tolerance: number, what: string): void {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const sum = set.reduce((a, h) => a + expected(h), 0);
  for (const h of set) {
    const want = expected(h) / sum;
    const got = (counts.get(h.address.ip) ?? 0) / total;
    assert.ok(Math.abs(got - want) <= tolerance * want, `${what}: ${h.address.ip} got ${got.toFixed(3)}, want ${want.toFixed(3)} ±${tolerance * 100}%`);
  }
}

function spec(policy: LbPolicy): EdsClusterSpec {
  return {
    name: 'c', type: 'EDS', serviceName: 'c', connectTimeoutMs: 1000, lbPolicy: policy, choiceCount: 2, maxConnections: 1024,
    http: ISTIO_DEFAULT_HTTP_OPTIONS, upstreamBind: undefined, service: undefined, addedViaApi: true,
  };
}

for (const c of CASES) {
  describe(`${c.policy} conformance`, () => {
    it('picks nothing from an empty host set', () => {
      assert.equal(make(c, seeded(1)).pick([], 42n), undefined);
    });

    it('spreads evenly over equal weights', () => {
      const set = hosts(4);
      const lb = make(c, seeded(2));
      assertShares(tally(picks(c, lb, set, 20_000, seeded(3))), set, () => 1, c.hashing ? 0.2 : 0.1, 'equal');
    });

    it(c.weighted ? 'follows unequal weights' : 'ignores weights, as Envoy does', () => {
      const set = hosts(4, (i) => ({ weight: i + 1 }));
      const lb = make(c, seeded(4));
      assertShares(tally(picks(c, lb, set, 40_000, seeded(5))), set, (h) => (c.weighted ? h.weight : 1), c.hashing ? 0.2 : 0.1, 'weighted');
    });

    it('never chooses an unhealthy host (through the cluster)', () => {
      const set = hosts(4, (i) => ({ health: i === 1 ? 'UNHEALTHY' : 'HEALTHY' }));
      const cluster = endpointCluster({ spec: spec(c.policy), hosts: set, lb: make(c, seeded(6)), stats: clusterStats(new MemoryStatsStore(), 'c') });
      const keys = seeded(7);
      const seen = new Set<string>();
      for (let i = 0; i < 2000; i++) seen.add(cluster.chooseHost({ ip: '10.96.0.1', port: 80 }, undefined, { hashKey: randomHash(keys) })?.address.ip ?? '-');
      assert.deepEqual([...seen].sort(), ['10.0.0.1', '10.0.0.3', '10.0.0.4']);
    });

    it('is deterministic for a seeded Random', () => {
      const set = hosts(5, (i) => ({ weight: (i % 2) + 1 }));
      const run = (): string[] => picks(c, make(c, seeded(8)), set, 200, seeded(9)).map((h) => h?.address.ip ?? '-');
      assert.deepEqual(run(), run());
    });

    if (c.hashing) {
      it('sends one key to one host, whatever the order of picks', () => {
        const set = hosts(5);
        const lb = make(c, seeded(10));
        for (const key of [1n, 0xdeadbeefn, 0xffffffffffffffffn]) {
          const first = lb.pick(set, key);
          for (let i = 0; i < 20; i++) assert.equal(lb.pick(set, key), first);
        }
      });

      it('moves about 1/N of the keys when one of N hosts goes', () => {
        const set = hosts(10);
        const fewer = set.filter((h) => h.address.ip !== '10.0.0.4');
        const lb = make(c, seeded(11));
        const keys = Array.from({ length: 5000 }, (_, i) => BigInt(i) * 0x9e3779b97f4a7c15n & 0xffffffffffffffffn);
        const before = keys.map((k) => lb.pick(set, k)?.address.ip);
        const after = keys.map((k) => lb.pick(fewer, k)?.address.ip);
        let moved = 0;
        let movedFromKept = 0;
        keys.forEach((_, i) => {
          if (before[i] === after[i]) return;
          moved++;
          if (before[i] !== '10.0.0.4') movedFromKept++;
        });
        // Envoy's ring gives each remaining host more entries when the set shrinks (the lightest
        // host keeps at least minimum_ring_size / N), so a few of their keys move among them too.
        const [total, kept] = c.policy === 'RING_HASH' ? [0.2, 0.08] : [0.12, 0.01];
        assert.ok(moved / keys.length < total, `moved ${moved} of ${keys.length}`);
        assert.ok(movedFromKept / keys.length < kept, `keys of remaining hosts moved: ${movedFromKept}`);
      });
    }
  });
}
