/**
 * A Cluster's load balancer settings beyond lb_policy -> ClusterSpec fields: ring_hash_lb_config
 * (sizes; only the XX_HASH hash function), maglev_lb_config (a prime table_size),
 * least_request_lb_config (choice_count, active_request_bias), slow_start_config of
 * round_robin_lb_config or least_request_lb_config (window, aggression's default value,
 * min_weight_percent) and common_lb_config.healthy_panic_threshold. Fields are present only
 * when they apply, so a plain ROUND_ROBIN spec carries none of them.
 */
import type { LbPolicy } from '../../cluster/cluster-config.ts';
import { ENVOY_DEFAULT_MAGLEV, ENVOY_DEFAULT_RING_HASH, type MaglevConfig, type RingHashConfig, type SlowStartConfig } from '../../cluster/lb-config.ts';
import { type At, durationMs, obj, oneOf, uint, type Obj } from './fields.ts';

export interface LbFields {
  readonly choiceCount: number;
  readonly ringHash?: RingHashConfig;
  readonly maglev?: MaglevConfig;
  readonly slowStart?: SlowStartConfig;
  readonly activeRequestBias?: number;
  readonly healthyPanicThreshold?: number;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

function percent(v: unknown, at: At): number {
  const p = obj(v, at)['value'];
  const n = p === undefined ? 0 : Number(p);
  if (!Number.isFinite(n) || n < 0 || n > 100) at.field('value').fail(`expected a percentage between 0 and 100, got ${JSON.stringify(p)}`);
  return n;
}

function runtimeDouble(v: unknown, at: At, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  const d = obj(v, at)['defaultValue'];
  const n = d === undefined ? 0 : Number(d);
  if (!Number.isFinite(n)) at.field('defaultValue').fail(`expected a number, got ${JSON.stringify(d)}`);
  return n;
}

function ringHash(c: Obj, at: At): RingHashConfig {
  const r = obj(c['ringHashLbConfig'], at);
  oneOf(r['hashFunction'], at.field('hashFunction'), ['XX_HASH'] as const, 'XX_HASH', 'only XX_HASH is supported');
  const minimumRingSize = uint(r['minimumRingSize'], at.field('minimumRingSize'), ENVOY_DEFAULT_RING_HASH.minimumRingSize, 1);
  const maximumRingSize = uint(r['maximumRingSize'], at.field('maximumRingSize'), ENVOY_DEFAULT_RING_HASH.maximumRingSize, 1);
  if (minimumRingSize > maximumRingSize) at.field('minimumRingSize').fail(`${minimumRingSize} is larger than maximumRingSize ${maximumRingSize}`);
  return Object.freeze({ minimumRingSize, maximumRingSize });
}

function maglev(c: Obj, at: At): MaglevConfig {
  const tableSize = uint(obj(c['maglevLbConfig'], at)['tableSize'], at.field('tableSize'), ENVOY_DEFAULT_MAGLEV.tableSize, 2);
  if (!isPrime(tableSize)) at.field('tableSize').fail(`${tableSize} is not a prime number`);
  return Object.freeze({ tableSize });
}

function slowStart(v: unknown, at: At): SlowStartConfig | undefined {
  if (v === undefined || v === null) return undefined;
  const s = obj(v, at);
  const windowMs = durationMs(s['slowStartWindow'], at.field('slowStartWindow'), 0);
  if (windowMs <= 0) return undefined;
  const aggression = runtimeDouble(s['aggression'], at.field('aggression'), 1);
  if (aggression <= 0) at.field('aggression.defaultValue').fail(`must be above 0, got ${aggression}`);
  const minPercent = s['minWeightPercent'] === undefined ? 10 : percent(s['minWeightPercent'], at.field('minWeightPercent'));
  return Object.freeze({ windowMs, aggression, minWeightFraction: minPercent / 100 });
}

export function translateLbFields(c: Obj, at: At, policy: LbPolicy): LbFields {
  const lr = obj(c['leastRequestLbConfig'], at.field('leastRequestLbConfig'));
  const rr = obj(c['roundRobinLbConfig'], at.field('roundRobinLbConfig'));
  const common = obj(c['commonLbConfig'], at.field('commonLbConfig'));
  const ss = policy === 'LEAST_REQUEST' ? slowStart(lr['slowStartConfig'], at.field('leastRequestLbConfig.slowStartConfig'))
    : policy === 'ROUND_ROBIN' ? slowStart(rr['slowStartConfig'], at.field('roundRobinLbConfig.slowStartConfig')) : undefined;
  const bias = policy === 'LEAST_REQUEST' && lr['activeRequestBias'] !== undefined
    ? runtimeDouble(lr['activeRequestBias'], at.field('leastRequestLbConfig.activeRequestBias'), 1) : undefined;
  if (bias !== undefined && bias < 0) at.field('leastRequestLbConfig.activeRequestBias.defaultValue').fail(`must not be negative, got ${bias}`);
  return {
    choiceCount: uint(lr['choiceCount'], at.field('leastRequestLbConfig.choiceCount'), 2, 2),
    ...(policy === 'RING_HASH' ? { ringHash: ringHash(c, at.field('ringHashLbConfig')) } : {}),
    ...(policy === 'MAGLEV' ? { maglev: maglev(c, at.field('maglevLbConfig')) } : {}),
    ...(ss ? { slowStart: ss } : {}),
    ...(bias !== undefined ? { activeRequestBias: bias } : {}),
    ...(common['healthyPanicThreshold'] !== undefined ? { healthyPanicThreshold: percent(common['healthyPanicThreshold'], at.field('commonLbConfig.healthyPanicThreshold')) } : {}),
  };
}
