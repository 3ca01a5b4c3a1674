/**
 * Envoy's access log command operators (`%NAME(arg):max%`), each turned once, when a format is
 * compiled, into an extractor over the stream info: a string, a number, or undefined for "no
 * value" (`-` in TEXT, null in JSON). HTTP operators give undefined on a TCP connection, as Envoy
 * does; a number stays a number so the JSON encoding can type it.
 */
import { hostname } from 'node:os';
import { formatAddress, normalizeIp, type Address } from '../core/address.ts';
import type { HeaderMap, HttpStreamInfo } from '../core/http-stream-info.ts';
import { responseFlagsString } from '../core/response-flags.ts';
import type { StreamInfo } from '../core/stream-info.ts';
import { compileStartTime } from './start-time.ts';

export type FormatValue = string | number | undefined;
export type Extractor = (i: StreamInfo) => FormatValue;

/** Builds an extractor from the operator's argument (the text in parentheses, if any); throws on a bad argument. */
type OperatorFactory = (arg: string | undefined) => Extractor;

export const isHttp = (i: StreamInfo): i is HttpStreamInfo => (i as Partial<HttpStreamInfo>).method !== undefined;

const http = <T>(f: (h: HttpStreamInfo) => T) => (i: StreamInfo): T | undefined => (isHttp(i) ? f(i) : undefined);

const full = (a: Address | undefined): string | undefined => (a ? formatAddress(a) : undefined);
const ipOf = (a: Address | undefined): string | undefined => (a ? normalizeIp(a.ip) : undefined);
const portOf = (a: Address | undefined): number | undefined => a?.port;
const orNone = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);
const cluster = (i: StreamInfo): string | undefined => (i.upstreamCluster === '-' ? undefined : orNone(i.upstreamCluster));

function headerValue(h: HeaderMap | undefined, name: string): string | undefined {
  const v = h?.[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Pseudo headers live in HttpStreamInfo's fields, not in the header maps. */
function requestHeader(i: HttpStreamInfo, name: string): string | undefined {
  switch (name) {
    case ':method': return i.method;
    case ':path': return i.path;
    case ':authority': return i.authority;
    case 'host': return headerValue(i.requestHeaders, 'host') ?? i.authority;
    case ':scheme': return i.scheme;
    default: return headerValue(i.requestHeaders, name);
  }
}

function responseHeader(i: HttpStreamInfo, name: string): string | undefined {
  if (name === ':status') return i.responseCode > 0 ? String(i.responseCode) : undefined;
  const v = headerValue(i.responseHeaders, name);
  if (v === undefined && name === 'x-envoy-upstream-service-time' && i.upstreamServiceTimeMs !== undefined) return String(i.upstreamServiceTimeMs);
  return v;
}

/** `X?Y`: header X, or Y when X is absent; names are matched lower case. */
function headerNames(op: string, arg: string | undefined): [string, string | undefined] {
  const parts = (arg ?? '').split('?');
  if (arg === undefined || parts.length > 2 || parts.some((p) => !/^:?[A-Za-z0-9!#$&'*+.^_`|~-]+$/.test(p))) {
    throw new Error(`%${op}(...)% needs a header name, or two as X?Y (got ${JSON.stringify(arg ?? '')})`);
  }
  return [parts[0]!.toLowerCase(), parts[1]?.toLowerCase()];
}

function headerOperator(op: string, get: (i: HttpStreamInfo, name: string) => string | undefined, transform?: (v: string) => string): OperatorFactory {
  return (arg) => {
    const [main, alt] = headerNames(op, arg);
    return http((h) => {
      const v = get(h, main) ?? (alt === undefined ? undefined : get(h, alt));
      return v === undefined || !transform ? v : transform(v);
    });
  };
}

const trailer = (i: HttpStreamInfo, name: string): string | undefined => headerValue(i.responseTrailers, name);

const noArg = (op: string, e: Extractor): OperatorFactory => (arg) => {
  if (arg !== undefined) throw new Error(`%${op}% takes no argument`);
  return e;
};

const simple: Record<string, Extractor> = {
  PROTOCOL: http((h) => h.protocol),
  RESPONSE_CODE: (i) => (isHttp(i) ? i.responseCode : 0),
  RESPONSE_CODE_DETAILS: http((h) => orNone(h.responseCodeDetails)),
  CONNECTION_TERMINATION_DETAILS: http((h) => orNone(h.connectionTerminationDetails)),
  RESPONSE_FLAGS: (i) => responseFlagsString(i.responseFlags),
  BYTES_RECEIVED: (i) => i.bytesReceived,
  BYTES_SENT: (i) => i.bytesSent,
  DURATION: (i) => i.durationMs,
  UPSTREAM_HOST: (i) => full(i.upstreamHost),
  UPSTREAM_REMOTE_ADDRESS: (i) => full(i.upstreamHost),
  UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: (i) => ipOf(i.upstreamHost),
  UPSTREAM_REMOTE_PORT: (i) => portOf(i.upstreamHost),
  UPSTREAM_CLUSTER: cluster,
  UPSTREAM_CLUSTER_RAW: cluster,
  UPSTREAM_LOCAL_ADDRESS: (i) => full(i.upstreamLocal),
  UPSTREAM_LOCAL_ADDRESS_WITHOUT_PORT: (i) => ipOf(i.upstreamLocal),
  UPSTREAM_LOCAL_PORT: (i) => portOf(i.upstreamLocal),
  UPSTREAM_TRANSPORT_FAILURE_REASON: http((h) => orNone(h.upstreamTransportFailureReason)),
  UPSTREAM_REQUEST_ATTEMPT_COUNT: http((h) => h.attemptCount),
  DOWNSTREAM_LOCAL_ADDRESS: (i) => full(i.downstreamLocal),
  DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT: (i) => ipOf(i.downstreamLocal),
  DOWNSTREAM_LOCAL_PORT: (i) => portOf(i.downstreamLocal),
  DOWNSTREAM_REMOTE_ADDRESS: (i) => full(i.downstreamRemote),
  DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: (i) => ipOf(i.downstreamRemote),
  DOWNSTREAM_REMOTE_PORT: (i) => portOf(i.downstreamRemote),
  DOWNSTREAM_DIRECT_REMOTE_ADDRESS: (i) => full(i.downstreamRemote),
  DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT: (i) => ipOf(i.downstreamRemote),
  REQUESTED_SERVER_NAME: http((h) => orNone(h.requestedServerName)),
  ROUTE_NAME: http((h) => orNone(h.routeName)),
};

const operators: Record<string, OperatorFactory> = {
  ...Object.fromEntries(Object.entries(simple).map(([name, e]) => [name, noArg(name, e)])),
  START_TIME: (arg) => {
    const fmt = compileStartTime(arg);
    return (i) => fmt(i.startTime);
  },
  REQ: headerOperator('REQ', requestHeader),
  REQUEST_HEADER: headerOperator('REQUEST_HEADER', requestHeader),
  RESP: headerOperator('RESP', responseHeader),
  RESPONSE_HEADER: headerOperator('RESPONSE_HEADER', responseHeader),
  TRAILER: headerOperator('TRAILER', trailer),
  RESPONSE_TRAILER: headerOperator('RESPONSE_TRAILER', trailer),
  REQ_WITHOUT_QUERY: headerOperator('REQ_WITHOUT_QUERY', requestHeader, (v) => v.split('?', 1)[0] ?? v),
  HOSTNAME: (arg) => {
    if (arg !== undefined) throw new Error('%HOSTNAME% takes no argument');
    const name = hostname();
    return () => name;
  },
  ENVIRONMENT: (arg) => {
    if (!arg) throw new Error('%ENVIRONMENT(...)% needs a variable name');
    const v = process.env[arg];
    return () => v;
  },
};

export const knownOperators: readonly string[] = Object.keys(operators).sort();

/** The extractor for one operator; throws naming the operator when it is unknown or its argument is bad. */
export function compileOperator(name: string, arg: string | undefined): Extractor {
  const factory = operators[name];
  if (!factory) throw new Error(`unknown command operator %${name}%`);
  return factory(arg);
}
