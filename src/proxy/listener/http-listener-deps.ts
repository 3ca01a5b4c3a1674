/**
 * What a listener needs to serve HTTP connections: the HTTP filters for a direction and
 * connection manager (metadata exchange, tracing, fault...), the observers (access log, Istio's
 * HTTP metrics), the upstream connection pools and randomness.
 */
import type { HttpPools } from '../cluster/pool/pools.ts';
import type { Random } from '../core/random.ts';
import type { Direction } from '../core/stream-info.ts';
import type { HcmSettings } from '../filters/network/http-connection-manager/hcm-settings.ts';
import type { HttpFilterFactory } from '../filters/http/http-filter.ts';
import type { HttpObserver } from '../filters/http/http-observer.ts';
import type { HttpStatsCache } from '../stats/envoy-stats.ts';

export interface HttpListenerDeps {
  readonly filters: (direction: Direction, settings: HcmSettings) => readonly HttpFilterFactory[];
  readonly observers: readonly HttpObserver[];
  readonly pools: HttpPools;
  readonly stats: HttpStatsCache;
  readonly random: Random;
}
