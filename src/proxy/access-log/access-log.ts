/**
 * The TCP access log: one line per connection, in Istio's default TEXT format unless another
 * formatter is given; for TCP the request fields are "-" and the response code 0:
 * [%START_TIME%] "- - -" 0 %RESPONSE_FLAGS% - - "-" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% -
 * "-" "-" "-" "-" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS%
 * %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% - -
 */
import type { StreamInfo } from '../core/stream-info.ts';
import type { ConnectionObserver, ProxiedConnection } from '../filters/network/connection-observer.ts';
import { istioTextFormatter, type AccessLogFormatter } from './log-format.ts';

export function formatTcpAccessLog(i: StreamInfo): string {
  return istioTextFormatter().format(i);
}

export class TcpAccessLogger implements ConnectionObserver {
  private readonly write: (line: string) => void;
  private readonly formatter: AccessLogFormatter;

  constructor(write: (line: string) => void, formatter: AccessLogFormatter = istioTextFormatter()) {
    this.write = write;
    this.formatter = formatter;
  }

  opened(): void {}
  progress(): void {}

  closed(c: ProxiedConnection): void {
    this.write(`${this.formatter.format(c.info)}\n`);
  }
}
