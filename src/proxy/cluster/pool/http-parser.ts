/**
 * Node's HTTP/1.x parser (llhttp, the native one node:http runs on), reached through
 * `_http_common` so a connection can own one parser without node:http's ClientRequest/Agent or
 * IncomingMessage/ServerResponse machinery: response parsers for the upstream pools, request
 * parsers for the downstream HTTP/1.x codec. This is the one module that touches that internal
 * surface; the callbacks' shapes are those node:http itself installs.
 */
import { createRequire } from 'node:module';

export interface HttpParserCallbacks {
  /** Header (or trailer) fields flushed before the head completes or after the body. */
  onHeaders(raw: string[]): void;
  /** Returns 1 to tell the parser the message has no body (HEAD, 1xx), else 0. */
  onHeadersComplete(raw: string[] | undefined, status: number, keepAlive: boolean): number;
  onBody(chunk: Buffer): void;
  onMessageComplete(): void;
}

/** One native parser instance, typed to what we use. */
export interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  /** Bytes consumed, or an Error with an HPE_* `code`. */
  execute(chunk: Buffer): number | Error;
  /** End of input: completes a read-until-close body, or an Error. */
  finish(): number | Error | undefined;
  close(): void;
  [callback: number]: unknown;
}

interface ParserClass {
  new (): NativeParser;
  readonly REQUEST: number;
  readonly RESPONSE: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
}

const { HTTPParser, methods } = createRequire(import.meta.url)('_http_common') as { HTTPParser: ParserClass; methods: readonly string[] };

/** llhttp's method index -> name (its HTTP methods are numbered as node's list; QUERY is 46). */
export function methodName(i: number): string {
  return i === 46 ? 'QUERY' : (methods[i] ?? 'GET');
}

export interface RequestParserCallbacks {
  /** Header lines (and the URL so far) flushed before the head completes, or trailers after the body. */
  onHeaders(raw: string[], url: string): void;
  onHeadersComplete(raw: string[] | undefined, method: number, url: string, http10: boolean, upgrade: boolean, keepAlive: boolean): number;
  onBody(chunk: Buffer): void;
  onMessageComplete(): void;
}

/** A request parser for one downstream connection. */
export function requestParser(cb: RequestParserCallbacks, maxHeaderBytes: number): NativeParser {
  const p = new HTTPParser();
  p.initialize(HTTPParser.REQUEST, {}, maxHeaderBytes, 0);
  p[HTTPParser.kOnHeaders] = (raw: string[], url: string): void => cb.onHeaders(raw, url);
  p[HTTPParser.kOnHeadersComplete] = (maj: number, min: number, raw: string[] | undefined, method: number, url: string, _s: unknown, _m: unknown, upgrade: boolean, keepAlive: boolean): number =>
    cb.onHeadersComplete(raw, method, url, maj === 1 && min === 0, upgrade, keepAlive);
  p[HTTPParser.kOnBody] = (chunk: Buffer): void => cb.onBody(chunk);
  p[HTTPParser.kOnMessageComplete] = (): void => cb.onMessageComplete();
  return p;
}

/** Envoy's default max_request_headers_kb (60 KiB), for response heads too. */
const MAX_HEADER_BYTES = 60 * 1024;

/** A response parser for one upstream connection, calling `cb` (as `this`-free functions). */
export function responseParser(cb: HttpParserCallbacks): NativeParser {
  const p = new HTTPParser();
  p.initialize(HTTPParser.RESPONSE, {}, MAX_HEADER_BYTES, 0);
  p[HTTPParser.kOnHeaders] = (raw: string[]): void => cb.onHeaders(raw);
  p[HTTPParser.kOnHeadersComplete] = (_maj: number, _min: number, raw: string[] | undefined, _m: unknown, _u: unknown, status: number, _msg: string, _upgrade: boolean, keepAlive: boolean): number =>
    cb.onHeadersComplete(raw, status, keepAlive);
  p[HTTPParser.kOnBody] = (chunk: Buffer): void => cb.onBody(chunk);
  p[HTTPParser.kOnMessageComplete] = (): void => cb.onMessageComplete();
  return p;
}
