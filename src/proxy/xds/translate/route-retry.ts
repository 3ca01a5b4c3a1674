/**
 * envoy.config.route.v3.RetryPolicy -> RetryPolicy: retry_on parsed into a set (an unknown
 * condition is refused by name), num_retries (default 1), per-try timeouts, retriable status
 * codes, the previous_hosts predicate and the back-off (base > 0; max defaults to 10x base and
 * may not be below it). Conditions that need more than Mizzen has (retriable headers, retry
 * priorities, rate-limited back-off) are refused.
 */
import { RETRY_ON, type RetryPolicy } from '../../route/retry-policy-config.ts';
import { parseRetryOn } from '../../route/retry.ts';
import { durationMs, list, obj, str, uint, type At } from './fields.ts';
import { onlyFields } from './route-fields.ts';

const PREVIOUS_HOSTS = 'envoy.retry_host_predicates.previous_hosts';

export function translateRetryPolicy(v: unknown, at: At): RetryPolicy {
  const r = obj(v, at);
  onlyFields(r, at, ['retryOn', 'numRetries', 'perTryTimeout', 'perTryIdleTimeout', 'retryHostPredicate', 'hostSelectionRetryMaxAttempts', 'retriableStatusCodes', 'retryBackOff']);
  const { on, unknown } = parseRetryOn(str(r['retryOn'], at.field('retryOn')));
  if (unknown.length > 0) at.field('retryOn').fail(`unknown retry condition${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => JSON.stringify(u)).join(', ')} (supported: ${RETRY_ON.join(', ')})`);
  const predicates = list(r['retryHostPredicate'], at.field('retryHostPredicate')).map((p, i) => {
    const where = at.field('retryHostPredicate').index(i);
    const name = str(obj(p, where)['name'], where.field('name'), true);
    return name === PREVIOUS_HOSTS ? 'previous_hosts' as const : where.field('name').fail(`${JSON.stringify(name)} is not supported (supported: ${PREVIOUS_HOSTS})`);
  });
  const backOff = r['retryBackOff'] === undefined ? undefined : obj(r['retryBackOff'], at.field('retryBackOff'));
  let baseIntervalMs = 25;
  let maxIntervalMs = 250;
  if (backOff) {
    baseIntervalMs = durationMs(backOff['baseInterval'], at.field('retryBackOff.baseInterval'), 0);
    if (baseIntervalMs <= 0) at.field('retryBackOff.baseInterval').fail('must be greater than 0 (at least 1ms)');
    maxIntervalMs = durationMs(backOff['maxInterval'], at.field('retryBackOff.maxInterval'), baseIntervalMs * 10);
    if (maxIntervalMs < baseIntervalMs) at.field('retryBackOff.maxInterval').fail('must not be less than baseInterval');
  }
  const codes = list(r['retriableStatusCodes'], at.field('retriableStatusCodes')).map((c, i) => {
    const n = uint(c, at.field('retriableStatusCodes').index(i), 0);
    return n >= 100 && n <= 599 ? n : at.field('retriableStatusCodes').index(i).fail(`${n} is not an HTTP status code`);
  });
  return {
    retryOn: on,
    numRetries: uint(r['numRetries'], at.field('numRetries'), 1),
    perTryTimeoutMs: durationMs(r['perTryTimeout'], at.field('perTryTimeout'), 0),
    perTryIdleTimeoutMs: durationMs(r['perTryIdleTimeout'], at.field('perTryIdleTimeout'), 0),
    retriableStatusCodes: codes,
    retryHostPredicate: predicates,
    hostSelectionRetryMaxAttempts: uint(r['hostSelectionRetryMaxAttempts'], at.field('hostSelectionRetryMaxAttempts'), 1),
    retryBackOff: { baseIntervalMs, maxIntervalMs },
  };
}
