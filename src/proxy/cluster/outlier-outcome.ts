/**
 * What one upstream attempt tells outlier detection about its host (Envoy's outlier Result,
 * reduced to what the detectors use): `success` (a response below 500), `5xx` (500, 501 and
 * other non-gateway 5xx), `gateway_error` (502, 503, 504), `local_origin_failure` (connect
 * failure or timeout, reset before a response: what Envoy calls locally originated errors).
 */

export type OutlierOutcome = 'success' | '5xx' | 'gateway_error' | 'local_origin_failure';

/** The outcome of an upstream response by its status. */
export function outcomeForStatus(status: number): OutlierOutcome {
  if (status < 500) return 'success';
  return status === 502 || status === 503 || status === 504 ? 'gateway_error' : '5xx';
}
