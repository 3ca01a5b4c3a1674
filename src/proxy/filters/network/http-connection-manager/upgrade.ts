/**
 * An HTTP/1.1 Upgrade (WebSocket) through the connection manager: the route picks the cluster
 * and host as for any request, the request head is replayed on a fresh upstream connection, and
 * from then on bytes flow both ways untouched. The upstream's status line is read for the
 * access log (101 on success); the exchange is reported once both sides closed.
 */
import type { Socket } from 'node:net';
import type { Cluster, Host } from '../../../cluster/cluster.ts';
import { connectUpstream } from '../../../cluster/pool/connect.ts';
import { socketAddress } from '../../../core/address.ts';
import type { HeaderMap, HttpStreamInfo } from '../../../core/http-stream-info.ts';
import { ResponseFlags } from '../../../core/response-flags.ts';
import type { HttpStream } from '../../http/http-observer.ts';

export interface UpgradeTarget {
  readonly cluster: Cluster;
  readonly host: Host;
  readonly path: string;
  readonly authority: string;
  readonly upgrade: string;
}

function head(method: string, t: UpgradeTarget, headers: HeaderMap): string {
  const lines = [`${method} ${t.path} HTTP/1.1`, `host: ${t.authority}`, `connection: Upgrade`, `upgrade: ${t.upgrade}`];
  for (const k of Object.keys(headers)) {
    const v = headers[k];
    if (v === undefined || k === 'host') continue;
    for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${one}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export function proxyUpgrade(info: HttpStreamInfo, method: string, headers: HeaderMap, down: Socket, early: Buffer, t: UpgradeTarget, done: (s: HttpStream) => void): void {
  const started = Date.now();
  const stream: HttpStream = { info, cluster: t.cluster, host: t.host };
  info.upstreamCluster = t.cluster.name;
  info.upstreamHost = t.host.address;
  info.attemptCount = 1;
  const up = connectUpstream({ address: t.host.address, upstreamBind: t.cluster.upstreamBind, connectTimeoutMs: t.cluster.connectTimeoutMs, tcpKeepalive: t.cluster.tcpKeepalive });
  let closed = 0;
  const onClose = (): void => {
    if (++closed < 2) return;
    info.bytesReceived = down.bytesRead;
    info.bytesSent = down.bytesWritten ?? 0;
    info.durationMs = Date.now() - started;
    done(stream);
  };
  up.on('close', onClose);
  down.on('close', onClose);
  down.on('error', () => up.destroy());
  up.on('error', () => {
    if (info.responseCode === 0) {
      info.responseFlags.add(ResponseFlags.UpstreamConnectionFailure);
      info.responseCode = 503;
      info.responseCodeDetails = 'upstream_reset_before_response_started{remote_connection_failure}';
      if (!down.destroyed) down.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    } else {
      down.destroy();
    }
  });
  up.once('connect', () => {
    info.upstreamLocal = socketAddress(up.localAddress, up.localPort);
    up.write(head(method, t, headers));
    if (early.length > 0) up.write(early);
    up.once('data', (first: Buffer) => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(first.subarray(0, 16).toString('latin1'));
      info.responseCode = m ? Number(m[1]) : 0;
      info.responseCodeDetails = 'via_upstream';
    });
    up.pipe(down);
    down.pipe(up);
    down.resume();
  });
}
