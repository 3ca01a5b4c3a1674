/** Schemas for the HTTP route policies: redirect, rewrite, direct response, retries, fault, CORS, mirrors. */
import { array, object } from '../schema/composites.ts';
import { duration, durationProblem, parseDurationNanos } from '../schema/duration.ts';
import { bool, enumOf, int, port, str } from '../schema/scalars.ts';
import type {
  CorsPolicy, Delegate, HTTPDirectResponse, HTTPFaultAbort, HTTPFaultDelay, HTTPFaultInjection, HTTPMirrorPolicy, HTTPRedirect,
  HTTPRetry, HTTPRewrite, RegexRewrite,
} from '../types/http-policies.ts';
import { destination, legacyPercent, percent, regex, stringMatch } from './common.ts';

const RETRY_ON = new Set(['5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure', 'cancelled', 'deadline-exceeded',
  'internal', 'resource-exhausted', 'unavailable']);
const GRPC_STATUS = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL',
  'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'];
const httpStatus = () => int({ min: 200, max: 599, what: 'an HTTP status' });

export const redirect = object<HTTPRedirect>('HTTPRedirect', {
  uri: str(), authority: str(), port: port(), derivePort: enumOf(['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT']),
  scheme: enumOf(['http', 'https']), redirectCode: int({ min: 300, max: 399, what: 'a 3xx redirect code' }),
}, {
  oneOf: [['port', 'derivePort']],
  rules: [(v, path, r) => {
    if (!v.uri && !v.authority && v.port === undefined && v.derivePort === undefined && !v.scheme) {
      r.error(path, v, 'redirect must specify URI, authority, scheme, or port');
    }
  }],
});

const regexRewrite = object<RegexRewrite>('RegexRewrite', { match: regex(), rewrite: str() }, { required: ['match', 'rewrite'] });

export const rewrite = object<HTTPRewrite>('HTTPRewrite', { uri: str(), authority: str(), uriRegexRewrite: regexRewrite }, {
  oneOf: [['uri', 'uriRegexRewrite']],
  rules: [(v, path, r) => {
    if (!v.uri && !v.uriRegexRewrite && !v.authority) r.error(path, v, 'rewrite must specify at least one of uri, uriRegexRewrite or authority');
  }],
});

export const directResponse = object<HTTPDirectResponse>('HTTPDirectResponse', {
  status: httpStatus(),
  body: object<{ string?: string; bytes?: string }>('HTTPBody', { string: str(), bytes: str() }, { oneOf: [['string', 'bytes']] }),
}, { required: ['status'] });

export const retries = object<HTTPRetry>('HTTPRetry', {
  attempts: int({ min: 0 }),
  perTryTimeout: duration(),
  retryOn: str({
    check: (s) => {
      const bad = s.split(',').map((p) => p.trim()).find((p) => !RETRY_ON.has(p) && !/^[1-5]\d\d$/.test(p));
      return bad === undefined ? undefined : `${JSON.stringify(bad)} is not a valid retryOn policy`;
    },
  }),
  retryRemoteLocalities: bool(), retryIgnorePreviousHosts: bool(), backoff: duration(),
}, {
  rules: [(v, path, r) => {
    if ((v.attempts ?? 0) === 0 && (v.perTryTimeout !== undefined || v.retryOn !== undefined || v.retryRemoteLocalities !== undefined)) {
      r.error([...path, 'attempts'], v.attempts ?? 0, 'http retry policy configured when attempts are set to 0 (disabled)');
    }
  }],
});

const delay = object<HTTPFaultDelay>('HTTPFaultInjection.Delay', {
  fixedDelay: duration(),
  exponentialDelay: str({ check: () => 'exponentialDelay is not supported' }),
  percentage: percent, percent: legacyPercent(),
}, {
  oneOf: [['fixedDelay', 'exponentialDelay'], ['percentage', 'percent']],
  deprecated: { percent: 'use percentage' },
  rules: [(v, path, r) => {
    if (v.fixedDelay === undefined) r.error([...path, 'fixedDelay'], undefined, 'required field is missing');
  }],
});

const abort = object<HTTPFaultAbort>('HTTPFaultInjection.Abort', {
  httpStatus: httpStatus(), grpcStatus: enumOf(GRPC_STATUS),
  http2Error: str({ check: () => 'HTTP/2 abort fault injection is not supported' }),
  percentage: percent,
}, {
  oneOf: [['httpStatus', 'grpcStatus', 'http2Error']],
  rules: [(v, path, r) => {
    if (v.httpStatus === undefined && v.grpcStatus === undefined) r.error(path, v, 'abort needs an httpStatus or a grpcStatus');
  }],
});

export const fault = object<HTTPFaultInjection>('HTTPFaultInjection', { delay, abort }, {
  rules: [(v, path, r) => {
    if (!v.delay && !v.abort) r.error(path, v, 'HTTP fault injection must have an abort and/or a delay');
  }],
});

const corsHeader = str({ check: (h) => (h === '*' || /^[-_A-Za-z0-9]+$/.test(h) ? undefined : `header name ${JSON.stringify(h)} is not a valid header name`) });

export const corsPolicy = object<CorsPolicy>('CorsPolicy', {
  allowOrigins: array(stringMatch),
  allowOrigin: array(str()),
  allowMethods: array(str({ check: (m) => (HTTP_METHODS.includes(m) ? undefined : `${JSON.stringify(m)} is not a supported HTTP method`) })),
  allowHeaders: array(corsHeader),
  exposeHeaders: array(corsHeader),
  maxAge: str({
    expected: 'a duration string such as "24h"',
    check: (s) => durationProblem(s) ?? ((parseDurationNanos(s) ?? 0n) % 1_000_000_000n !== 0n
      ? 'max_age duration is accurate only to seconds precision' : undefined),
  }),
  allowCredentials: bool(),
  unmatchedPreflights: enumOf(['UNSPECIFIED', 'FORWARD', 'IGNORE']),
}, { deprecated: { allowOrigin: 'use allowOrigins' } });

export const mirrorPolicy = object<HTTPMirrorPolicy>('HTTPMirrorPolicy', { destination, percentage: percent }, { required: ['destination'] });

export const delegate = object<Delegate>('Delegate', { name: str({ nonEmpty: true }), namespace: str() }, { required: ['name'] });
