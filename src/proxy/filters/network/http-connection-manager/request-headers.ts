/**
 * How the connection manager edits request headers before routing, as Envoy's
 * ConnectionManagerUtility does: hop-by-hop headers go (those named by Connection too);
 * x-forwarded-for gets the downstream address appended when use_remote_address is set (the
 * gateway), and is passed on untouched otherwise (sidecars, as Istio configures them); with
 * xff_num_trusted_hops N the client is the Nth address from the right of the x-forwarded-for
 * received, and an external client is named in x-envoy-external-address (internal requests get
 * x-envoy-internal); x-forwarded-proto is set when absent or when no hop is trusted;
 * x-request-id is generated when absent (and replaced on an external request at the edge unless
 * preserve_external_request_id).
 */
import { randomUUID } from 'node:crypto';
import type { HeaderMap } from '../../../core/http-stream-info.ts';
import type { HcmSettings } from './hcm-settings.ts';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'http2-settings'];

/** The value of a header as one string (repeated values joined by ", "). */
export function headerValue(h: HeaderMap, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Removes hop-by-hop headers and those listed in Connection; keeps `te: trailers` (gRPC). */
export function stripHopByHop(h: HeaderMap): void {
  const listed = headerValue(h, 'connection');
  if (listed) for (const n of listed.split(',')) {
    const name = n.trim().toLowerCase();
    if (name !== '' && name !== 'te') delete h[name];
  }
  const te = headerValue(h, 'te');
  for (const n of HOP_BY_HOP) delete h[n];
  if (te !== undefined && te.split(',').some((t) => t.trim().toLowerCase() === 'trailers')) h['te'] = 'trailers';
}

function isInternal(ip: string): boolean {
  return /^(10\.|127\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip) || ip === '::1' || ip.startsWith('fd') || ip.startsWith('fc');
}

export interface RequestContext {
  readonly scheme: string;
  readonly remoteIp: string | undefined;
}

/** Edits `h` in place; returns whether the request counts as internal (Envoy's x-envoy-internal). */
export function mutateRequestHeaders(h: HeaderMap, s: HcmSettings, ctx: RequestContext): boolean {
  stripHopByHop(h);
  let internal = true;
  if (s.useRemoteAddress && ctx.remoteIp) {
    const xff = headerValue(h, 'x-forwarded-for');
    // xff_num_trusted_hops N: the client is the Nth address from the right of the XFF received.
    const client = s.xffNumTrustedHops > 0 ? lastXffAddress(xff, s.xffNumTrustedHops) ?? ctx.remoteIp : ctx.remoteIp;
    h['x-forwarded-for'] = xff ? `${xff},${ctx.remoteIp}` : ctx.remoteIp;
    internal = xff === undefined && isInternal(client);
    // A trusted hop's x-forwarded-proto is kept; an untrusted one is overwritten.
    if (s.xffNumTrustedHops === 0 || h['x-forwarded-proto'] === undefined) h['x-forwarded-proto'] = ctx.scheme;
    if (internal) {
      h['x-envoy-internal'] = 'true';
    } else {
      delete h['x-envoy-internal'];
      h['x-envoy-external-address'] = client;
    }
  } else if (h['x-forwarded-proto'] === undefined) {
    h['x-forwarded-proto'] = ctx.scheme;
  }
  if (s.generateRequestId) {
    const external = s.useRemoteAddress && !internal;
    if (h['x-request-id'] === undefined || (external && !s.preserveExternalRequestId)) h['x-request-id'] = randomUUID();
  }
  return internal;
}

/** The nth address from the right of an x-forwarded-for value (1 = the last), if it has that many. */
function lastXffAddress(xff: string | undefined, n: number): string | undefined {
  const parts = (xff ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
  return parts[parts.length - n];
}
