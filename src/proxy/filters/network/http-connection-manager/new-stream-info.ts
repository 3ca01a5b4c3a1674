/**
 * A fresh HttpStreamInfo for one request: the connection's addresses and direction, the request
 * as received (after the header edits), and everything else not yet known.
 */
import type { HttpStreamInfo } from '../../../core/http-stream-info.ts';
import { newStreamInfo, type StreamInfo } from '../../../core/stream-info.ts';
import type { DownstreamRequest } from './codecs/downstream.ts';

export function newHttpStreamInfo(conn: StreamInfo, d: DownstreamRequest, requestedServerName: string | undefined): HttpStreamInfo {
  return {
    ...newStreamInfo(conn.direction, conn.downstreamLocal, conn.downstreamRemote),
    protocol: d.protocol,
    method: d.method,
    path: d.path,
    authority: d.authority,
    scheme: d.scheme,
    requestHeaders: d.headers,
    responseHeaders: undefined,
    responseTrailers: undefined,
    responseCode: 0,
    responseCodeDetails: '',
    connectionTerminationDetails: undefined,
    upstreamTransportFailureReason: undefined,
    routeName: undefined,
    requestedServerName,
    upstreamServiceTimeMs: undefined,
    attemptCount: 0,
    requestHeaderBytes: d.headerBytes,
    responseHeaderBytes: 0,
    requestMessages: 0,
    responseMessages: 0,
    downstreamPeer: undefined,
    upstreamPeer: undefined,
  };
}
