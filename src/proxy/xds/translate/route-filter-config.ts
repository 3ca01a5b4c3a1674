/**
 * typed_per_filter_config (on Route, VirtualHost, RouteConfiguration) -> PerFilterConfig: the
 * fault filter's HTTPFault (fixed delay, HTTP or gRPC abort, percentages, max active faults)
 * and the CORS filter's CorsPolicy, which RouteAction.cors shares. Header-controlled faults,
 * rate limits and fault targeting by cluster, header or node are refused; so is any other filter.
 */
import type { CorsPolicy, FaultConfig, PerFilterConfig } from '../../route/filter-config.ts';
import { CORS_FILTER, FAULT_FILTER, NO_FILTER_CONFIG } from '../../route/filter-config.ts';
import { ALWAYS } from '../../route/fraction.ts';
import { bool, durationMs, list, obj, str, typeName, uint, type At } from './fields.ts';
import { fraction, onlyFields, stringMatcher } from './route-fields.ts';

const FAULT_TYPE = 'envoy.extensions.filters.http.fault.v3.HTTPFault';
const CORS_TYPE = 'envoy.extensions.filters.http.cors.v3.CorsPolicy';
const NONE = { numerator: 0, denominator: 100 } as const;

function fault(v: unknown, at: At): FaultConfig {
  const f = obj(v, at);
  onlyFields(f, at, ['delay', 'abort', 'maxActiveFaults', 'delayPercentRuntime', 'abortPercentRuntime', 'delayDurationRuntime',
    'abortHttpStatusRuntime', 'maxActiveFaultsRuntime', 'responseRateLimitPercentRuntime', 'abortGrpcStatusRuntime', 'disableDownstreamClusterStats', 'filterMetadata']);
  let delay: FaultConfig['delay'];
  if (f['delay'] !== undefined) {
    const d = obj(f['delay'], at.field('delay'));
    onlyFields(d, at.field('delay'), ['fixedDelay', 'percentage']);
    if (d['fixedDelay'] === undefined) at.field('delay.fixedDelay').fail('is required (header-controlled delays are not supported)');
    delay = { fixedDelayMs: durationMs(d['fixedDelay'], at.field('delay.fixedDelay'), 0), percentage: fraction(d['percentage'], at.field('delay.percentage'), NONE) };
  }
  let abort: FaultConfig['abort'];
  if (f['abort'] !== undefined) {
    const a = obj(f['abort'], at.field('abort'));
    onlyFields(a, at.field('abort'), ['httpStatus', 'grpcStatus', 'percentage']);
    const percentage = fraction(a['percentage'], at.field('abort.percentage'), NONE);
    if (a['httpStatus'] !== undefined && a['grpcStatus'] !== undefined) at.field('abort').fail('sets both httpStatus and grpcStatus');
    if (a['grpcStatus'] !== undefined) abort = { kind: 'grpc', grpcStatus: uint(a['grpcStatus'], at.field('abort.grpcStatus'), 0), percentage };
    else if (a['httpStatus'] !== undefined) {
      const httpStatus = uint(a['httpStatus'], at.field('abort.httpStatus'), 0);
      if (httpStatus < 200 || httpStatus >= 600) at.field('abort.httpStatus').fail(`${httpStatus} is outside [200, 600)`);
      abort = { kind: 'http', httpStatus, percentage };
    } else at.field('abort').fail('needs httpStatus or grpcStatus (header-controlled aborts are not supported)');
  }
  return { delay, abort, maxActiveFaults: f['maxActiveFaults'] === undefined ? undefined : uint(f['maxActiveFaults'], at.field('maxActiveFaults'), 0) };
}

function runtimeFraction(v: unknown, at: At, dflt: CorsPolicy['filterEnabled']): CorsPolicy['filterEnabled'] {
  const r = obj(v, at);
  onlyFields(r, at, ['defaultValue', 'runtimeKey']);
  return fraction(r['defaultValue'], at.field('defaultValue'), dflt);
}

/** envoy.config.route.v3.CorsPolicy, or the CORS filter's per-route CorsPolicy (same fields). */
export function corsPolicy(v: unknown, at: At): CorsPolicy {
  const c = obj(v, at);
  onlyFields(c, at, ['allowOriginStringMatch', 'allowMethods', 'allowHeaders', 'exposeHeaders', 'maxAge', 'allowCredentials',
    'filterEnabled', 'shadowEnabled', 'allowPrivateNetworkAccess', 'forwardNotMatchingPreflights']);
  const maxAge = str(c['maxAge'], at.field('maxAge'));
  if (maxAge !== '' && !/^\d+$/.test(maxAge)) at.field('maxAge').fail(`${JSON.stringify(maxAge)} is not a whole number of seconds`);
  const opt = (k: string): boolean | undefined => (c[k] === undefined || c[k] === null ? undefined : bool(c[k], false));
  return {
    allowOriginStringMatch: list(c['allowOriginStringMatch'], at.field('allowOriginStringMatch')).map((m, i) => stringMatcher(m, at.field('allowOriginStringMatch').index(i))),
    allowMethods: str(c['allowMethods'], at.field('allowMethods')),
    allowHeaders: str(c['allowHeaders'], at.field('allowHeaders')),
    exposeHeaders: str(c['exposeHeaders'], at.field('exposeHeaders')),
    maxAge,
    allowCredentials: opt('allowCredentials'),
    allowPrivateNetworkAccess: opt('allowPrivateNetworkAccess'),
    forwardNotMatchingPreflights: opt('forwardNotMatchingPreflights'),
    filterEnabled: c['filterEnabled'] === undefined ? ALWAYS : runtimeFraction(c['filterEnabled'], at.field('filterEnabled'), ALWAYS),
    shadowEnabled: c['shadowEnabled'] === undefined ? undefined : runtimeFraction(c['shadowEnabled'], at.field('shadowEnabled'), NONE),
  };
}

/** typed_per_filter_config: filter name -> Any. */
export function perFilterConfig(v: unknown, at: At): PerFilterConfig {
  if (v === undefined || v === null) return NO_FILTER_CONFIG;
  const out: { fault: FaultConfig | undefined; cors: PerFilterConfig['cors'] } = { fault: undefined, cors: undefined };
  for (const [name, cfg] of Object.entries(obj(v, at))) {
    const where = at.field(name);
    const type = typeName(cfg);
    if (name === FAULT_FILTER && type === FAULT_TYPE) out.fault = fault(cfg, where);
    else if (name === CORS_FILTER && type === CORS_TYPE) out.cors = corsPolicy(cfg, where);
    else where.fail(`a ${type || 'config without @type'} for ${JSON.stringify(name)} is not supported (supported: ${FAULT_TYPE} for ${FAULT_FILTER}, ${CORS_TYPE} for ${CORS_FILTER})`);
  }
  return out;
}
