/** HTTPRoute: one HTTP rule of a VirtualService (match conditions, then route, redirect or delegate). */
import type { Destination, Percent } from './destination.ts';
import type { Headers } from './headers.ts';
import type { HTTPMatchRequest } from './http-match.ts';
import type {
  CorsPolicy, Delegate, HTTPDirectResponse, HTTPFaultInjection, HTTPMirrorPolicy, HTTPRedirect, HTTPRetry, HTTPRewrite,
} from './http-policies.ts';

export interface HTTPRouteDestination {
  readonly destination: Destination;
  /** Relative share of traffic; with several destinations the weights sum to 100. */
  readonly weight?: number;
  readonly headers?: Headers;
}

export interface HTTPRoute {
  readonly name?: string;
  readonly match?: readonly HTTPMatchRequest[];
  readonly route?: readonly HTTPRouteDestination[];
  readonly redirect?: HTTPRedirect;
  readonly directResponse?: HTTPDirectResponse;
  readonly delegate?: Delegate;
  readonly rewrite?: HTTPRewrite;
  readonly timeout?: string;
  readonly retries?: HTTPRetry;
  readonly fault?: HTTPFaultInjection;
  readonly mirror?: Destination;
  readonly mirrors?: readonly HTTPMirrorPolicy[];
  /** Deprecated integer percent; use mirrorPercentage. */
  readonly mirrorPercent?: number;
  readonly mirrorPercentage?: Percent;
  readonly corsPolicy?: CorsPolicy;
  readonly headers?: Headers;
}
