/** LoadBalancerSettings: simple policies, consistent hashing (ring hash, Maglev), locality, warmup. */

export type SimpleLB = 'UNSPECIFIED' | 'LEAST_CONN' | 'RANDOM' | 'PASSTHROUGH' | 'ROUND_ROBIN' | 'LEAST_REQUEST';

export interface HTTPCookie {
  readonly name: string;
  readonly path?: string;
  readonly ttl?: string;
}

export interface ConsistentHashLB {
  readonly httpHeaderName?: string;
  readonly httpCookie?: HTTPCookie;
  readonly useSourceIp?: boolean;
  readonly httpQueryParameterName?: string;
  readonly ringHash?: { readonly minimumRingSize?: number };
  readonly maglev?: { readonly tableSize?: number };
  /** Deprecated: use ringHash.minimumRingSize. */
  readonly minimumRingSize?: number;
}

export interface LocalityLoadBalancerSetting {
  readonly distribute?: readonly { readonly from?: string; readonly to?: Readonly<Record<string, number>> }[];
  readonly failover?: readonly { readonly from?: string; readonly to?: string }[];
  readonly failoverPriority?: readonly string[];
  readonly enabled?: boolean;
}

export interface WarmupConfiguration {
  readonly duration: string;
  readonly minimumPercent?: number;
  readonly aggression?: number;
}

export interface LoadBalancerSettings {
  readonly simple?: SimpleLB;
  readonly consistentHash?: ConsistentHashLB;
  readonly localityLbSetting?: LocalityLoadBalancerSetting;
  readonly warmupDurationSecs?: string;
  readonly warmup?: WarmupConfiguration;
}
