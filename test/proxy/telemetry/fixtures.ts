/**
 * Builders for the telemetry unit tests: HttpStreamInfo and TCP StreamInfo objects as the
 * connection manager and tcp_proxy would fill them, and minimal clusters and hosts.
 */
import type { Cluster, Host, ServiceMetadata } from '../../../src/proxy/cluster/cluster.ts';
import type { HttpStreamInfo } from '../../../src/proxy/core/http-stream-info.ts';
import type { ResponseFlag } from '../../../src/proxy/core/response-flags.ts';
import type { StreamInfo } from '../../../src/proxy/core/stream-info.ts';
import type { HttpFilterCallbacks } from '../../../src/proxy/filters/http/http-filter.ts';
import type { HttpStream } from '../../../src/proxy/filters/http/http-observer.ts';
import type { WorkloadMetadata } from '../../../src/proxy/stats/workload-metadata.ts';

export function httpInfo(over: Partial<HttpStreamInfo> = {}): HttpStreamInfo {
  return {
    direction: 'inbound',
    startTime: new Date('2021-12-15T18:05:56.334Z'),
    downstreamLocal: { ip: '172.16.46.11', port: 80 },
    downstreamRemote: { ip: '192.168.10.254', port: 0 },
    responseFlags: new Set<ResponseFlag>(),
    upstreamCluster: 'inbound|80||',
    upstreamHost: { ip: '172.16.46.11', port: 80 },
    upstreamLocal: { ip: '127.0.0.6', port: 50763 },
    bytesReceived: 0,
    bytesSent: 615,
    durationMs: 0,
    protocol: 'HTTP/1.1',
    method: 'GET',
    path: '/',
    authority: 'www.gasida.dev:30384',
    scheme: 'http',
    requestHeaders: {
      'x-forwarded-for': '192.168.10.254',
      'user-agent': 'curl/7.68.0',
      'x-request-id': '0844349b-d290-994b-93b2-da36bf929c62',
    },
    responseHeaders: { 'x-envoy-upstream-service-time': '0', 'content-type': 'text/html' },
    responseTrailers: undefined,
    responseCode: 200,
    responseCodeDetails: 'via_upstream',
    connectionTerminationDetails: undefined,
    upstreamTransportFailureReason: undefined,
    routeName: 'default',
    requestedServerName: undefined,
    upstreamServiceTimeMs: 0,
    attemptCount: 1,
    requestHeaderBytes: 0,
    responseHeaderBytes: 0,
    requestMessages: 0,
    responseMessages: 0,
    downstreamPeer: undefined,
    upstreamPeer: undefined,
    ...over,
  };
}

export function tcpInfo(over: Partial<StreamInfo> = {}): StreamInfo {
  return {
    direction: 'outbound',
    startTime: new Date('2024-10-19T16:16:59.092Z'),
    downstreamLocal: { ip: '10.96.0.12', port: 9080 },
    downstreamRemote: { ip: '10.250.0.5', port: 41234 },
    responseFlags: new Set<ResponseFlag>(),
    upstreamCluster: 'outbound|9080||reviews.default.svc.cluster.local',
    upstreamHost: { ip: '10.250.0.7', port: 9080 },
    upstreamLocal: { ip: '10.250.0.5', port: 51000 },
    bytesReceived: 5,
    bytesSent: 2,
    durationMs: 12,
    ...over,
  };
}

export function meta(workload: string, namespace: string, app: string, version: string, cluster = 'Kubernetes'): WorkloadMetadata {
  return { workload, namespace, app, version, canonicalService: app, canonicalRevision: version, cluster };
}

export function cluster(name: string, service?: ServiceMetadata): Cluster {
  return { name, service } as unknown as Cluster;
}

export function host(ip: string, port: number, peer?: WorkloadMetadata): Host {
  return { address: { ip, port }, peer } as unknown as Host;
}

export const stream = (info: HttpStreamInfo, c?: Cluster, h?: Host): HttpStream => ({ info, cluster: c, host: h });

export const callbacks = (info: HttpStreamInfo): HttpFilterCallbacks => ({ info, sendLocalReply: () => {}, continueDecoding: () => {}, perFilterConfig: () => undefined, onDestroy: () => {} });
