/**
 * gRPC facts Istio's HTTP metrics need: whether a request is gRPC (content-type
 * application/grpc*, request_protocol="grpc") and its status (grpc_response_status): grpc-status
 * from the trailers, else from the headers (trailers-only responses), else derived from the HTTP
 * status as Envoy's Grpc::Utility::httpToGrpcStatus does; "" when no response was sent.
 */
import type { HeaderMap, HttpStreamInfo } from '../core/http-stream-info.ts';

const first = (h: HeaderMap | undefined, name: string): string | undefined => {
  const v = h?.[name];
  return Array.isArray(v) ? v[0] : v;
};

export function isGrpcRequest(i: HttpStreamInfo): boolean {
  const ct = first(i.requestHeaders, 'content-type');
  return ct !== undefined && ct.toLowerCase().startsWith('application/grpc');
}

/** HTTP status -> gRPC status code (Envoy's mapping). */
export function httpToGrpcStatus(code: number): number {
  switch (code) {
    case 400: return 13; // INTERNAL
    case 401: return 16; // UNAUTHENTICATED
    case 403: return 7; // PERMISSION_DENIED
    case 404: return 12; // UNIMPLEMENTED
    case 429: case 502: case 503: case 504: return 14; // UNAVAILABLE
    default: return 2; // UNKNOWN
  }
}

export function grpcStatusOf(i: HttpStreamInfo): string {
  const s = first(i.responseTrailers, 'grpc-status') ?? first(i.responseHeaders, 'grpc-status');
  if (s !== undefined && /^\d+$/.test(s.trim())) return String(Number(s.trim()));
  return i.responseCode > 0 ? String(httpToGrpcStatus(i.responseCode)) : '';
}
