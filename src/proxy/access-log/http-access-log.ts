/**
 * The HTTP access log: one line per request (Envoy's HTTP connection manager access log), in
 * the configured encoding and format; and the factory the agent calls once, which compiles the
 * format and returns the HTTP and TCP loggers sharing it (Istio applies one format to both).
 */
import type { HttpObserver, HttpStream } from '../filters/http/http-observer.ts';
import type { ConnectionObserver } from '../filters/network/connection-observer.ts';
import { TcpAccessLogger } from './access-log.ts';
import type { AccessLogEncoding } from './istio-formats.ts';
import { compileAccessLogFormat, istioTextFormatter, type AccessLogFormatter } from './log-format.ts';

export class HttpAccessLogger implements HttpObserver {
  private readonly write: (line: string) => void;
  private readonly formatter: AccessLogFormatter;

  constructor(write: (line: string) => void, formatter: AccessLogFormatter = istioTextFormatter()) {
    this.write = write;
    this.formatter = formatter;
  }

  streamDone(s: HttpStream): void {
    this.write(`${this.formatter.format(s.info)}\n`);
  }
}

export interface AccessLogOptions {
  readonly encoding: AccessLogEncoding;
  /** MeshConfig accessLogFormat; empty or absent for Istio's default. */
  readonly format?: string | undefined;
  /** Receives each line, newline included. */
  readonly write: (line: string) => void;
}

export interface AccessLoggers {
  readonly http: HttpAccessLogger;
  readonly tcp: ConnectionObserver;
}

/** Compiles the format (throws FormatError naming a bad operator) and makes both loggers. */
export function createAccessLoggers(o: AccessLogOptions): AccessLoggers {
  const formatter = compileAccessLogFormat(o);
  return { http: new HttpAccessLogger(o.write, formatter), tcp: new TcpAccessLogger(o.write, formatter) };
}
