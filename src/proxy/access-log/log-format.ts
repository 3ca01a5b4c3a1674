/**
 * The access log format as MeshConfig sets it: accessLogEncoding (TEXT or JSON) and
 * accessLogFormat (a format string for TEXT, a JSON object of format strings for JSON; empty for
 * Istio's default). Compiled once into one formatter shared by the HTTP and TCP loggers.
 */
import type { StreamInfo } from '../core/stream-info.ts';
import { TextFormatter } from './formatter.ts';
import { ISTIO_JSON_FORMAT, ISTIO_TEXT_FORMAT, type AccessLogEncoding } from './istio-formats.ts';
import { JsonFormatter, parseJsonFormat } from './json-formatter.ts';

export interface AccessLogFormatter {
  /** One log line, without its newline. */
  format(info: StreamInfo): string;
}

export interface AccessLogFormatSettings {
  readonly encoding: AccessLogEncoding;
  /** Empty or absent: Istio's default for the encoding. */
  readonly format?: string | undefined;
}

export const isAccessLogEncoding = (v: string): v is AccessLogEncoding => v === 'TEXT' || v === 'JSON';

/** Compiles the format; throws a FormatError that names the bad operator or key. */
export function compileAccessLogFormat(s: AccessLogFormatSettings): AccessLogFormatter {
  const custom = s.format ?? '';
  if (s.encoding === 'JSON') return new JsonFormatter(custom.trim() === '' ? ISTIO_JSON_FORMAT : parseJsonFormat(custom));
  return new TextFormatter(custom === '' ? ISTIO_TEXT_FORMAT : custom);
}

/** Why a format would not compile, or undefined: for validation at the edge. */
export function accessLogFormatProblem(s: AccessLogFormatSettings): string | undefined {
  try {
    compileAccessLogFormat(s);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

let istioText: AccessLogFormatter | undefined;

/** Istio's default TEXT formatter (compiled on first use). */
export function istioTextFormatter(): AccessLogFormatter {
  istioText ??= new TextFormatter(ISTIO_TEXT_FORMAT);
  return istioText;
}
