/**
 * Balancer specifics beyond the conformance suite: xxHash64's reference vectors, Envoy's ring
 * sizing (minimum ring size, weights scaling entries, the maximum cap), Maglev's table (65537
 * slots, shares by weight, retries flipping the hash), smooth weighted round robin's
 * interleaving, least request's choices over active requests, slow start ramping a new host.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeastRequestLoadBalancer } from '../../../src/proxy/cluster/least-request.ts';
import { buildMaglevTable, MaglevLoadBalancer } from '../../../src/proxy/cluster/maglev.ts';
import { buildRing, RingHashLoadBalancer } from '../../../src/proxy/cluster/ring-hash.ts';
import { RoundRobinLoadBalancer } from '../../../src/proxy/cluster/round-robin.ts';
import { slowStartFactor } from '../../../src/proxy/cluster/host-weights.ts';
import { uint64Hex, xxHash64 } from '../../../src/proxy/cluster/xxhash64.ts';
import { host, hosts, seeded, tally } from './support.ts';

describe('xxHash64', () => {
  it('matches the reference vectors (short, long, seeded)', () => {
    assert.equal(uint64Hex(xxHash64('')), 'ef46db3751d8e999');
    assert.equal(uint64Hex(xxHash64('a')), 'd24ec4f1a98c6e5b');
    assert.equal(uint64Hex(xxHash64('abc')), '44bc2cf5ad770999');
    assert.equal(uint64Hex(xxHash64('Nobody inspects the spammish repetition')), 'fbcea83c8a378bf1');
    assert.equal(xxHash64(new TextEncoder().encode('abc')), xxHash64('abc'));
    assert.notEqual(xxHash64('abc', 1n), xxHash64('abc'));
  });
});

describe('ring hash', () => {
  it('sizes the ring as Envoy does: the lightest host gets whole entries, weights scale the others', () => {
    assert.equal(buildRing(hosts(4), { minimumRingSize: 1024, maximumRingSize: 8 << 20 }).hashes.length, 1024);
    assert.equal(buildRing(hosts(3), { minimumRingSize: 1024, maximumRingSize: 8 << 20 }).hashes.length, 1026, '342 entries each');
    const weighted = buildRing(hosts(2, (i) => ({ weight: i === 0 ? 1 : 3 })), { minimumRingSize: 100, maximumRingSize: 8 << 20 });
    const owners = [...weighted.owners];
    assert.deepEqual([owners.filter((o) => o === 0).length, owners.filter((o) => o === 1).length], [25, 75], 'a ring of 100, 1:3');
    assert.equal(buildRing(hosts(4), { minimumRingSize: 1024, maximumRingSize: 64 }).hashes.length, 64, 'capped at maximum_ring_size');
    const ring = buildRing(hosts(3), { minimumRingSize: 64, maximumRingSize: 1024 });
    for (let i = 1; i < ring.hashes.length; i++) assert.ok(ring.hashes[i - 1]! <= ring.hashes[i]!, 'sorted');
  });

  it('goes to the first entry at or after the hash, wrapping, and walks on for retries', () => {
    const set = hosts(3);
    const cfg = { minimumRingSize: 16, maximumRingSize: 1024 };
    const ring = buildRing(set, cfg);
    const lb = new RingHashLoadBalancer(cfg, seeded(1));
    const at = (i: number) => set[ring.owners[i]!];
    assert.equal(lb.pick(set, ring.hashes[5]!), at(5));
    assert.equal(lb.pick(set, ring.hashes[5]! - 1n), at(5));
    assert.equal(lb.pick(set, ring.hashes[5]! + 1n), at(6));
    assert.equal(lb.pick(set, ring.hashes[ring.hashes.length - 1]! + 1n), at(0), 'wraps');
    assert.equal(lb.pick(set, ring.hashes[5]!, 2), at(7), 'attempt 2 moves two entries on');
  });
});

describe('maglev', () => {
  it('fills all 65537 slots, shares by weight, and is stable for a host set', () => {
    const set = hosts(3, (i) => ({ weight: i + 1 }));
    const table = buildMaglevTable(set, 65537);
    assert.equal(table.length, 65537);
    assert.ok(table.every((o) => o >= 0 && o < 3));
    const counts = [0, 1, 2].map((o) => table.filter((x) => x === o).length);
    counts.forEach((n, i) => assert.ok(Math.abs(n / 65537 - (i + 1) / 6) < 0.01, `host ${i}: ${n}`));
    assert.deepEqual(buildMaglevTable(set, 65537), table);
  });

  it('looks up hash mod table size; a retry flips the hash', () => {
    const set = hosts(5);
    const table = buildMaglevTable(set, 65537);
    const lb = new MaglevLoadBalancer({ tableSize: 65537 }, seeded(1));
    assert.equal(lb.pick(set, 70000n), set[table[70000 - 65537]!]);
    const flipped = 70000n ^ (0xffffffffffffffffn - 1n + 1n);
    assert.equal(lb.pick(set, 70000n, 1), set[table[Number(flipped % 65537n)]!]);
  });
});

describe('round robin', () => {
  it('rotates over equal weights and interleaves unequal ones (smooth WRR)', () => {
    const rr = new RoundRobinLoadBalancer();
    const set = hosts(3);
    assert.deepEqual(Array.from({ length: 4 }, () => rr.pick(set)?.address.ip), ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.1']);
    const weighted = hosts(3, (i) => ({ weight: [5, 1, 1][i] }));
    const wrr = new RoundRobinLoadBalancer();
    assert.deepEqual(Array.from({ length: 7 }, () => wrr.pick(weighted)?.address.ip.slice(-1)).join(''), '1121311', 'nginx order for 5,1,1');
  });

  it('ramps a host in slow start: min weight first, growing with time^(1/aggression), full after the window', () => {
    const cfg = { windowMs: 10_000, aggression: 2, minWeightFraction: 0.1 };
    const h = host(1, { createdAtMs: 0 });
    assert.equal(slowStartFactor(cfg, h, 0), 0.1);
    assert.ok(Math.abs(slowStartFactor(cfg, h, 2_500) - 0.5) < 1e-9, 'sqrt(0.25)');
    assert.equal(slowStartFactor(cfg, h, 10_000), 1);
    assert.equal(slowStartFactor(cfg, host(2), 5), 1, 'no join time: not ramping');
    let now = 1_000_000;
    const old = hosts(3, () => ({ createdAtMs: 0 }));
    const fresh = host(9, { createdAtMs: now });
    const set = [...old, fresh];
    const rr = new RoundRobinLoadBalancer({ slowStart: { windowMs: 60_000, aggression: 1, minWeightFraction: 0.1 }, now: () => now });
    const early = tally(Array.from({ length: 3100 }, () => rr.pick(set)));
    assert.ok((early.get('10.0.0.9') ?? 0) < 150, `new host gets ~1/31 at first: ${early.get('10.0.0.9')}`);
    now += 60_000;
    const later = tally(Array.from({ length: 4000 }, () => rr.pick(set)));
    assert.equal(later.get('10.0.0.9'), 1000, 'full share after the window');
  });
});

describe('least request', () => {
  it('compares sampled hosts by active requests plus tcp connections', () => {
    const set = hosts(4);
    set[0]!.stats.rq_active = 3;
    set[1]!.stats.cx_active = 2;
    set[2]!.stats.rq_active = 1;
    set[3]!.stats.rq_active = 5;
    assert.equal(new LeastRequestLoadBalancer(4, seeded(1)).pick(set)?.address.ip, '10.0.0.3', 'all compared');
    const p2c = new LeastRequestLoadBalancer(2, seeded(2));
    const counts = tally(Array.from({ length: 4000 }, () => p2c.pick(set)));
    const n = (ip: string): number => counts.get(ip) ?? 0;
    assert.ok(n('10.0.0.3') > 1500, `the least loaded host wins whenever sampled: ${n('10.0.0.3')}`);
    assert.ok(n('10.0.0.4') < 400, `the busiest only when sampled twice: ${n('10.0.0.4')}`);
  });

  it('divides unequal weights by active requests + 1', () => {
    const set = hosts(2, (i) => ({ weight: i === 0 ? 2 : 1 }));
    set[0]!.stats.rq_active = 3;
    const lr = new LeastRequestLoadBalancer(2, seeded(3));
    const shares = tally(Array.from({ length: 3000 }, () => lr.pick(set)));
    assert.equal(shares.get('10.0.0.1'), 1000, '2/4 : 1/1 = 1 : 2');
  });
});
