/**
 * The per-route policies of an HTTPRoute as Envoy route fields (Istio's route translation):
 * timeout (and maxStreamDuration, which gRPC reads), retries (Istio's default policy when none
 * is given; attempts 0 disables; status codes in retryOn become retriableStatusCodes), fault
 * (per-route HTTPFault: fixed delay, HTTP or gRPC abort, percentages per million), header
 * operations, and CORS.
 */
import type { Headers } from '../../config/types/headers.ts';
import type { CorsPolicy, HTTPFaultInjection, HTTPRetry } from '../../config/types/http-policies.ts';
import type { Json } from '../generator.ts';
import { compact, ExtensionTypes, FilterNames, fractionalPercent, protoDuration } from '../type-config.ts';
import { stringMatcher } from './route-match.ts';

export const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

/** Istio's default: 2 retries on connection failures and 503. */
export const DEFAULT_RETRY_POLICY: Json = Object.freeze({ retryOn: DEFAULT_RETRY_ON, numRetries: 2, retriableStatusCodes: [503] });

export function timeoutFields(timeout: string | undefined): Json {
  const d = timeout ? protoDuration(timeout) : '0s';
  return { timeout: d, maxStreamDuration: { maxStreamDuration: d, grpcTimeoutHeaderMax: d } };
}

export function retryPolicy(retries: HTTPRetry | undefined, withDefault: boolean): Json | undefined {
  if (!retries) return withDefault ? DEFAULT_RETRY_POLICY : undefined;
  if (!retries.attempts) return undefined;
  const tokens = (retries.retryOn ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const codes = tokens.filter((t) => /^\d+$/.test(t)).map(Number);
  let on = tokens.filter((t) => !/^\d+$/.test(t));
  if (codes.length > 0 && !on.includes('retriable-status-codes')) on.push('retriable-status-codes');
  if (tokens.length === 0) on = DEFAULT_RETRY_ON.split(',');
  return compact({
    retryOn: on.join(','),
    numRetries: retries.attempts,
    perTryTimeout: retries.perTryTimeout ? protoDuration(retries.perTryTimeout) : undefined,
    retriableStatusCodes: codes.length > 0 ? codes : tokens.length === 0 ? [503] : undefined,
    retryBackOff: retries.backoff ? { baseInterval: protoDuration(retries.backoff) } : undefined,
  });
}

const GRPC_CODES: Readonly<Record<string, number>> = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14,
  DATA_LOSS: 15, UNAUTHENTICATED: 16,
};

/** `typedPerFilterConfig` holding the route's HTTPFault, or undefined. */
export function faultFilterConfig(fault: HTTPFaultInjection | undefined): Json | undefined {
  if (!fault) return undefined;
  const cfg: Json = { '@type': ExtensionTypes.fault };
  const d = fault.delay;
  if (d?.fixedDelay) cfg['delay'] = { fixedDelay: protoDuration(d.fixedDelay), percentage: fractionalPercent(d.percentage?.value ?? d.percent ?? 100) };
  const a = fault.abort;
  if (a && (a.httpStatus !== undefined || a.grpcStatus !== undefined)) {
    const grpc = a.grpcStatus !== undefined ? GRPC_CODES[a.grpcStatus.toUpperCase()] ?? (/^\d+$/.test(a.grpcStatus) ? Number(a.grpcStatus) : undefined) : undefined;
    cfg['abort'] = { ...(grpc !== undefined ? { grpcStatus: grpc } : { httpStatus: a.httpStatus ?? 503 }), percentage: fractionalPercent(a.percentage?.value ?? 100) };
  }
  if (!cfg['delay'] && !cfg['abort']) return undefined;
  return { [FilterNames.fault]: cfg };
}

const headerOptions = (ops: Readonly<Record<string, string>> | undefined, appendAction: string): Json[] =>
  Object.entries(ops ?? {}).map(([key, value]) => ({ header: { key, value }, appendAction }));

/** Header operations as the fields Route and ClusterWeight share. */
export function headerFields(h: Headers | undefined): Json {
  if (!h) return {};
  const reqAdd = [...headerOptions(h.request?.set, 'OVERWRITE_IF_EXISTS_OR_ADD'), ...headerOptions(h.request?.add, 'APPEND_IF_EXISTS_OR_ADD')];
  const resAdd = [...headerOptions(h.response?.set, 'OVERWRITE_IF_EXISTS_OR_ADD'), ...headerOptions(h.response?.add, 'APPEND_IF_EXISTS_OR_ADD')];
  return compact({
    requestHeadersToAdd: reqAdd.length > 0 ? reqAdd : undefined,
    requestHeadersToRemove: h.request?.remove?.length ? [...h.request.remove] : undefined,
    responseHeadersToAdd: resAdd.length > 0 ? resAdd : undefined,
    responseHeadersToRemove: h.response?.remove?.length ? [...h.response.remove] : undefined,
  });
}

/** Merges header fields of the route and its single destination (lists concatenate). */
export function mergeHeaderFields(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = [...((out[k] as unknown[] | undefined) ?? []), ...(v as unknown[])];
  return out;
}

export function corsPolicy(c: CorsPolicy | undefined): Json | undefined {
  if (!c) return undefined;
  const origins = [...(c.allowOrigins ?? []).map(stringMatcher).filter((m): m is Json => m !== undefined), ...(c.allowOrigin ?? []).map((exact) => ({ exact }))];
  return compact({
    allowOriginStringMatch: origins.length > 0 ? origins : undefined,
    allowMethods: c.allowMethods?.join(','),
    allowHeaders: c.allowHeaders?.join(','),
    exposeHeaders: c.exposeHeaders?.join(','),
    maxAge: c.maxAge ? String(Math.floor(Number(protoDuration(c.maxAge).slice(0, -1)))) : undefined,
    allowCredentials: c.allowCredentials,
    filterEnabled: { defaultValue: { numerator: 100, denominator: 'HUNDRED' } },
  });
}
