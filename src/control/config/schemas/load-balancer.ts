/** Schema for LoadBalancerSettings: simple or consistent hash (one hash key; ring hash or Maglev), locality, warmup. */
import { array, map, object } from '../schema/composites.ts';
import { duration } from '../schema/duration.ts';
import { bool, enumOf, int, num, str } from '../schema/scalars.ts';
import type { ConsistentHashLB, HTTPCookie, LoadBalancerSettings, LocalityLoadBalancerSetting, WarmupConfiguration } from '../types/load-balancer.ts';

const MAGLEV_MAX = 5000011;
const isPrime = (n: number): boolean => {
  if (n < 2) return false;
  for (let f = 2; f * f <= n; f++) if (n % f === 0) return false;
  return true;
};

const httpCookie = object<HTTPCookie>('HTTPCookie', { name: str({ nonEmpty: true }), path: str(), ttl: str() }, { required: ['name'] });

const consistentHash = object<ConsistentHashLB>('ConsistentHashLB', {
  httpHeaderName: str({ nonEmpty: true }),
  httpCookie,
  useSourceIp: bool(),
  httpQueryParameterName: str({ nonEmpty: true }),
  ringHash: object<{ minimumRingSize?: number }>('RingHash', { minimumRingSize: int({ min: 0, int64: true }) }),
  maglev: object<{ tableSize?: number }>('MagLev', {
    tableSize: int({ min: 1, max: MAGLEV_MAX - 1, int64: true, what: 'a table size' }),
  }, {
    // Optional: Envoy's default table size (65537) when unset.
    rules: [(m, path, r) => {
      if (m.tableSize !== undefined && !isPrime(m.tableSize)) r.error([...path, 'tableSize'], m.tableSize, 'tableSize must be a prime number for maglev');
    }],
  }),
  minimumRingSize: int({ min: 0, int64: true }),
}, {
  oneOf: [['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'], ['ringHash', 'maglev', 'minimumRingSize']],
  deprecated: { minimumRingSize: "use ringHash's minimumRingSize" },
  rules: [(c, path, r) => {
    if (c.httpHeaderName === undefined && !c.httpCookie && c.useSourceIp === undefined && c.httpQueryParameterName === undefined) {
      r.error(path, c, 'one of httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName is required');
    }
  }],
});

const locality = object<LocalityLoadBalancerSetting>('LocalityLoadBalancerSetting', {
  distribute: array(object<{ from?: string; to?: Readonly<Record<string, number>> }>('Distribute', {
    from: str(), to: map(int({ min: 0, max: 100, what: 'a weight' })),
  })),
  failover: array(object<{ from?: string; to?: string }>('Failover', { from: str(), to: str() })),
  failoverPriority: array(str()),
  enabled: bool(),
});

const warmup = object<WarmupConfiguration>('WarmupConfiguration', {
  duration: duration(), minimumPercent: num({ min: 0, max: 100 }), aggression: num({ min: 1 }),
}, { required: ['duration'] });

export const loadBalancer = object<LoadBalancerSettings>('LoadBalancerSettings', {
  simple: enumOf(['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST']),
  consistentHash,
  localityLbSetting: locality,
  warmupDurationSecs: duration(),
  warmup,
}, { oneOf: [['simple', 'consistentHash'], ['warmupDurationSecs', 'warmup']] });
