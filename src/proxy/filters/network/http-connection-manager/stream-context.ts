/**
 * What every request on one downstream connection shares: the connection's addresses and
 * direction, the connection manager's settings, where routes and clusters come from (read per
 * request, so RDS and CDS updates apply to open connections), the HTTP filters, observers and
 * the router's pools.
 */
import type { Random } from '../../../core/random.ts';
import type { StreamInfo } from '../../../core/stream-info.ts';
import type { RouteConfig } from '../../../route/route-config.ts';
import type { HttpConnectionManagerStats } from '../../../stats/envoy-stats.ts';
import type { HttpFilterFactory } from '../../http/http-filter.ts';
import type { HttpObserver } from '../../http/http-observer.ts';
import type { RouterDeps } from '../../http/router/router.ts';
import type { HcmSettings } from './hcm-settings.ts';

export interface StreamContext {
  readonly connection: StreamInfo;
  readonly settings: HcmSettings;
  /** `http.<stat_prefix>.*` */
  readonly stats: HttpConnectionManagerStats;
  readonly routeConfig: () => RouteConfig | undefined;
  readonly filters: readonly HttpFilterFactory[];
  readonly observers: readonly HttpObserver[];
  readonly router: RouterDeps;
  readonly random: Random;
  readonly requestedServerName: string | undefined;
  /** True while the listener drains: HTTP/1.1 responses then carry `connection: close`. */
  readonly draining: () => boolean;
}
