/**
 * The access log: one line per TCP connection in Istio's default TEXT format, as istio-proxy
 * prints it for TCP (request fields are "-", response code 0):
 * [%START_TIME%] "- - -" 0 %RESPONSE_FLAGS% - - "-" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% -
 * "-" "-" "-" "-" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS%
 * %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% - -
 */
import { formatAddress } from '../core/address.ts';
import { responseFlagsString } from '../core/response-flags.ts';
import type { StreamInfo } from '../core/stream-info.ts';
import type { ConnectionObserver, ProxiedConnection } from '../filters/network/connection-observer.ts';

export function formatTcpAccessLog(i: StreamInfo): string {
  return [
    `[${i.startTime.toISOString()}]`,
    '"- - -"',
    '0',
    responseFlagsString(i.responseFlags),
    '-', // %RESPONSE_CODE_DETAILS%
    '-', // %CONNECTION_TERMINATION_DETAILS%
    '"-"', // "%UPSTREAM_TRANSPORT_FAILURE_REASON%"
    String(i.bytesReceived),
    String(i.bytesSent),
    String(i.durationMs ?? 0),
    '-', // %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%
    '"-"', '"-"', '"-"', '"-"', // X-FORWARDED-FOR, USER-AGENT, X-REQUEST-ID, :AUTHORITY
    `"${formatAddress(i.upstreamHost)}"`,
    i.upstreamCluster,
    formatAddress(i.upstreamLocal),
    formatAddress(i.downstreamLocal),
    formatAddress(i.downstreamRemote),
    '-', // %REQUESTED_SERVER_NAME%
    '-', // %ROUTE_NAME%
  ].join(' ');
}

export class TcpAccessLogger implements ConnectionObserver {
  private readonly write: (line: string) => void;

  constructor(write: (line: string) => void) {
    this.write = write;
  }

  opened(): void {}
  progress(): void {}

  closed(c: ProxiedConnection): void {
    this.write(`${formatTcpAccessLog(c.info)}\n`);
  }
}
