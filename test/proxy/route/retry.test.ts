/**
 * Envoy's retry decision table per retry_on condition and outcome, the retry_on parser, the
 * jittered exponential back-off, and the retry policy as translated (defaults and limits).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RetryPolicy } from '../../../src/proxy/route/retry-policy-config.ts';
import { parseRetryOn, retryBackoffMs, shouldRetry, type RetryOutcome } from '../../../src/proxy/route/retry.ts';
import { retryPolicyFor, selectRoute } from '../../../src/proxy/route/select-route.ts';
import { config, request, scripted, translate } from './support.ts';

const policy = (retryOn: string, extra: Partial<RetryPolicy> = {}): RetryPolicy => ({
  retryOn: parseRetryOn(retryOn).on, numRetries: 1, perTryTimeoutMs: 0, perTryIdleTimeoutMs: 0, retriableStatusCodes: [],
  retryHostPredicate: [], hostSelectionRetryMaxAttempts: 1, retryBackOff: { baseIntervalMs: 25, maxIntervalMs: 250 }, ...extra,
});

const OUTCOMES: Record<string, RetryOutcome> = {
  '500': { status: 500 }, '502': { status: 502 }, '503': { status: 503 }, '504': { status: 504 }, '409': { status: 409 }, '404': { status: 404 }, '200': { status: 200 },
  reset: { reset: true }, connect: { connectFailure: true }, refused: { refusedStream: true }, timeout: { perTryTimeout: true },
  'reset-before': { reset: true, beforeRequest: true }, overflow: { overflow: true, reset: true }, ratelimited: { status: 429, rateLimited: true },
  'grpc-1': { status: 200, grpcStatus: 1 }, 'grpc-4': { status: 200, grpcStatus: 4 }, 'grpc-8': { status: 200, grpcStatus: 8 },
  'grpc-13': { status: 200, grpcStatus: 13 }, 'grpc-14': { status: 200, grpcStatus: 14 }, 'grpc-2': { status: 200, grpcStatus: 2 },
};

/** retry_on -> the outcomes it retries (every other outcome is not retried). */
const TABLE: Record<string, string[]> = {
  '5xx': ['500', '502', '503', '504', 'reset', 'connect', 'refused', 'timeout', 'reset-before'],
  'gateway-error': ['502', '503', '504', 'reset', 'connect', 'refused', 'timeout', 'reset-before'],
  reset: ['reset', 'connect', 'refused', 'timeout', 'reset-before'],
  'connect-failure': ['connect'],
  'refused-stream': ['refused'],
  'reset-before-request': ['reset-before'],
  'retriable-4xx': ['409'],
  'retriable-status-codes': ['404', '503'],
  'envoy-ratelimited': ['ratelimited'],
  cancelled: ['grpc-1'], 'deadline-exceeded': ['grpc-4'], 'resource-exhausted': ['grpc-8'], internal: ['grpc-13'], unavailable: ['grpc-14'],
  'http3-post-connect-failure': [],
};

describe('shouldRetry', () => {
  for (const [on, retried] of Object.entries(TABLE)) {
    it(on, () => {
      const p = policy(on, { retriableStatusCodes: [503, 404] });
      const got = Object.entries(OUTCOMES).filter(([, o]) => shouldRetry(p, o)).map(([k]) => k);
      assert.deepEqual(got, retried);
    });
  }

  it('combines conditions as a union (Istio\'s default policy)', () => {
    const p = policy('connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', { retriableStatusCodes: [503] });
    const got = Object.entries(OUTCOMES).filter(([, o]) => shouldRetry(p, o)).map(([k]) => k);
    assert.deepEqual(got, ['503', 'connect', 'refused', 'grpc-1', 'grpc-14']);
  });

  it('ignores retriable status codes unless retriable-status-codes is on', () => {
    assert.equal(shouldRetry(policy('5xx', { retriableStatusCodes: [404] }), { status: 404 }), false);
  });
});

describe('parseRetryOn', () => {
  it('splits, trims and reports unknown tokens', () => {
    const p = parseRetryOn(' 5xx, gateway-error ,,bogus,503');
    assert.deepEqual([...p.on], ['5xx', 'gateway-error']);
    assert.deepEqual(p.unknown, ['bogus', '503']);
  });
});

describe('retryBackoffMs', () => {
  it('draws below (2^n - 1) x base, capped at the maximum', () => {
    const p = policy('5xx', { retryBackOff: { baseIntervalMs: 100, maxIntervalMs: 500 } });
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryBackoffMs(p, n, () => 0.999)), [99, 299, 500, 500, 500]);
    assert.equal(retryBackoffMs(p, 3, () => 0.5), 350);
    assert.equal(retryBackoffMs(p, 1, () => 0), 0);
  });
});

describe('translated retry policies', () => {
  it('has Envoy\'s defaults: one retry, 25 ms back-off up to 250 ms', () => {
    const rc = config([{ match: { prefix: '/' }, route: { cluster: 'c', retryPolicy: { retryOn: '5xx' } } }]);
    const p = retryPolicyFor(selectRoute(rc, request(), scripted(0)) ?? assert.fail());
    assert.deepEqual({ ...p, retryOn: [...(p?.retryOn ?? [])] }, {
      retryOn: ['5xx'], numRetries: 1, perTryTimeoutMs: 0, perTryIdleTimeoutMs: 0, retriableStatusCodes: [], retryHostPredicate: [],
      hostSelectionRetryMaxAttempts: 1, retryBackOff: { baseIntervalMs: 25, maxIntervalMs: 250 },
    });
  });

  it('reads Istio\'s full policy: previous_hosts, host selection attempts, back-off', () => {
    const rc = config([{ match: { prefix: '/' }, route: { cluster: 'c', retryPolicy: {
      retryOn: 'connect-failure,retriable-status-codes', numRetries: 3, perTryTimeout: '2s', retriableStatusCodes: [503],
      retryHostPredicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }],
      hostSelectionRetryMaxAttempts: '5', retryBackOff: { baseInterval: '0.1s' },
    } } }]);
    const p = retryPolicyFor(selectRoute(rc, request(), scripted(0)) ?? assert.fail());
    assert.deepEqual([p?.numRetries, p?.perTryTimeoutMs, p?.retryHostPredicate, p?.hostSelectionRetryMaxAttempts, p?.retryBackOff], [3, 2000, ['previous_hosts'], 5, { baseIntervalMs: 100, maxIntervalMs: 1000 }]);
  });

  it('falls back to the virtual host\'s policy', () => {
    const rc = translate({ name: 'v', virtualHosts: [{
      name: 'vh', domains: ['*'], retryPolicy: { retryOn: 'reset', numRetries: 7 },
      routes: [{ match: { prefix: '/own' }, route: { cluster: 'c', retryPolicy: { retryOn: '5xx' } } }, { match: { prefix: '/' }, route: { cluster: 'c' } }],
    }] });
    assert.equal(retryPolicyFor(selectRoute(rc, request({ path: '/own' }), scripted(0)) ?? assert.fail())?.numRetries, 1);
    assert.equal(retryPolicyFor(selectRoute(rc, request({ path: '/x' }), scripted(0)) ?? assert.fail())?.numRetries, 7);
  });
});
