/**
 * The response head of the HTTP/1.x downstream codec, serialized once: the status line, the
 * headers (connection-specific ones left out: the codec frames the body itself), `date` when
 * absent (as node:http and Envoy's local replies have it), and the framing the body needs:
 * content-length as given, none for HEAD/1xx/204/304 or a response that ends with its head,
 * chunked on HTTP/1.1 otherwise, and read-until-close on HTTP/1.0.
 */
import { STATUS_CODES } from 'node:http';
import type { HeaderMap } from '../../../../core/http-stream-info.ts';
import { CONNECTION_HEADERS } from './downstream.ts';

export type ResponseFraming = 'none' | 'length' | 'chunked' | 'close';

export interface ResponseHead {
  readonly text: string;
  readonly framing: ResponseFraming;
  /** The header block's size as Envoy counts it (status line + header lines). */
  readonly bytes: number;
}

let dateSecond = -1;
let dateText = '';
function httpDate(): string {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  if (s !== dateSecond) {
    dateSecond = s;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

const unsafe = (v: string): boolean => v.includes('\n') || v.includes('\r');

export interface ResponseContext {
  readonly http10: boolean;
  readonly head: boolean;
  /** The connection closes after this response (connection: close goes out). */
  readonly close: boolean;
  /** An HTTP/1.0 client asked for keep-alive (connection: keep-alive goes out). */
  readonly keepAlive10: boolean;
}

export function serializeResponseHead(status: number, h: HeaderMap, endStream: boolean, c: ResponseContext): ResponseHead {
  let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  let bytes = 17;
  let length = false;
  let date = false;
  for (const k in h) {
    const v = h[k];
    if (v === undefined || CONNECTION_HEADERS.has(k)) continue;
    if (typeof v === 'string') {
      if (unsafe(v)) continue;
      text += `${k}: ${v}\r\n`;
      bytes += k.length + v.length + 4;
    } else {
      for (const one of v) if (!unsafe(one)) text += `${k}: ${one}\r\n`;
      bytes += k.length + v.join(', ').length + 4;
    }
    if (k === 'content-length') length = true;
    else if (k === 'date') date = true;
  }
  if (!date) text += `date: ${httpDate()}\r\n`;
  const bodiless = c.head || status < 200 || status === 204 || status === 304;
  let framing: ResponseFraming;
  if (bodiless) framing = 'none';
  else if (length) framing = 'length';
  else if (endStream) {
    framing = 'none';
    text += 'content-length: 0\r\n';
  } else if (c.http10) framing = 'close';
  else {
    framing = 'chunked';
    text += 'transfer-encoding: chunked\r\n';
  }
  if (c.close || framing === 'close') text += 'connection: close\r\n';
  else if (c.keepAlive10) text += 'connection: keep-alive\r\n';
  return { text: `${text}\r\n`, framing, bytes };
}
