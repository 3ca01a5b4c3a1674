/**
 * Responses the proxy makes itself (no route, no healthy upstream, timeouts, faults,
 * redirects): a text body, or for gRPC requests a trailers-only response carrying grpc-status
 * and grpc-message, as Envoy's local replies are.
 */
import type { HeaderMap } from '../../../core/http-stream-info.ts';
import { grpcStatusFor } from '../../http/router/reset-reasons.ts';
import type { LocalReply } from '../../http/http-filter.ts';

export interface LocalResponse {
  readonly status: number;
  readonly headers: HeaderMap;
  readonly body: string;
}

export function localResponse(r: LocalReply, grpc: boolean): LocalResponse {
  const body = r.body ?? '';
  if (grpc) {
    const headers: HeaderMap = {
      ...r.headers,
      'content-type': 'application/grpc',
      'grpc-status': String(r.grpcStatus ?? grpcStatusFor(r.status)),
      ...(body ? { 'grpc-message': encodeURIComponent(body) } : {}),
    };
    return { status: 200, headers, body: '' };
  }
  const headers: HeaderMap = { ...r.headers };
  if (body !== '') {
    headers['content-type'] ??= 'text/plain';
    headers['content-length'] = String(Buffer.byteLength(body));
  } else if (headers['content-length'] === undefined) {
    headers['content-length'] = '0';
  }
  return { status: r.status, headers, body };
}
