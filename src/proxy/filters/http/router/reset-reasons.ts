/**
 * How an upstream failure before the response started becomes a local reply, as Envoy's router
 * reports it: the response flag, %RESPONSE_CODE_DETAILS% and the body text users see
 * ("upstream connect error or disconnect/reset before headers. reset reason: ...").
 */
import type { ResetReason, UpstreamFailure } from '../../../cluster/pool/conn-pool.ts';
import { ResponseFlags, type ResponseFlag } from '../../../core/response-flags.ts';
import type { RetryOutcome } from '../../../route/retry.ts';

const FLAGS: Readonly<Record<ResetReason, ResponseFlag>> = {
  connection_failure: ResponseFlags.UpstreamConnectionFailure,
  connect_timeout: ResponseFlags.UpstreamConnectionFailure,
  connection_termination: ResponseFlags.UpstreamConnectionTermination,
  local_reset: ResponseFlags.LocalReset,
  remote_reset: ResponseFlags.UpstreamRemoteReset,
  remote_refused_stream_reset: ResponseFlags.UpstreamRemoteReset,
  overflow: ResponseFlags.UpstreamOverflow,
  protocol_error: ResponseFlags.UpstreamProtocolError,
};

const TEXT: Readonly<Record<ResetReason, string>> = {
  connection_failure: 'remote connection failure',
  connect_timeout: 'connection timeout',
  connection_termination: 'connection termination',
  local_reset: 'local reset',
  remote_reset: 'remote reset',
  remote_refused_stream_reset: 'remote refused stream reset',
  overflow: 'overflow',
  protocol_error: 'protocol error',
};

export const flagFor = (r: ResetReason): ResponseFlag => FLAGS[r];

export function resetBody(f: UpstreamFailure): string {
  const detail = f.detail ? `, transport failure reason: ${f.detail}` : '';
  return `upstream connect error or disconnect/reset before headers. reset reason: ${TEXT[f.reason]}${detail}`;
}

export function resetDetails(f: UpstreamFailure): string {
  const why = [TEXT[f.reason], f.detail].filter((s) => s !== '').join(',').replace(/ /g, '_');
  return `upstream_reset_before_response_started{${why}}`;
}

/** The outcome a retry policy judges, for a failed attempt. */
export function outcomeOf(f: UpstreamFailure): RetryOutcome {
  if (f.reason === 'connection_failure' || f.reason === 'connect_timeout') return { connectFailure: true, reset: true, beforeRequest: true };
  if (f.reason === 'remote_refused_stream_reset') return { refusedStream: true, reset: true };
  if (f.reason === 'overflow') return { overflow: true };
  return { reset: true };
}

/** Envoy's HTTP status -> gRPC status for local replies to gRPC requests. */
export function grpcStatusFor(httpStatus: number): number {
  switch (httpStatus) {
    case 400: return 13;
    case 401: return 16;
    case 403: return 7;
    case 404: return 12;
    case 429: case 502: case 503: case 504: return 14;
    default: return 2;
  }
}
