/**
 * One request as the route matchers read it: the RouteRequest the connection manager passes,
 * the path without query string or fragment (and its lower-case form, made once when a
 * case-insensitive route asks), header values by lower-case name with the pseudo headers
 * `:authority`, `:path`, `:method` and `:scheme` answered from the request line, and the query
 * parameters (first value per name, not percent-decoded, as Envoy's route matching reads them).
 */
import type { HeaderMap } from '../core/http-stream-info.ts';

export interface RouteRequest {
  /** :authority (Host for HTTP/1.x). */
  readonly authority: string;
  /** :path as received, with its query string. */
  readonly path: string;
  readonly method: string;
  readonly scheme: string;
  /** Lower-case names, no pseudo headers. */
  readonly headers: HeaderMap;
}

/** The path before its first `?` or `#`. */
export function pathOnly(path: string): string {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 63 || c === 35) return path.slice(0, i);
  }
  return path;
}

/** A header's value: repeated headers joined with ",", as Envoy's getAllOfHeaderAsString does. */
export function headerValue(req: RouteRequest, name: string): string | undefined {
  if (name.charCodeAt(0) === 58) {
    switch (name) {
      case ':authority': return req.authority;
      case ':path': return req.path;
      case ':method': return req.method;
      case ':scheme': return req.scheme;
      default: return undefined;
    }
  }
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function parseQuery(path: string): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  const q = path.indexOf('?');
  if (q < 0) return out;
  const hash = path.indexOf('#', q);
  for (const part of path.slice(q + 1, hash < 0 ? undefined : hash).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (!out.has(name)) out.set(name, eq < 0 ? '' : part.slice(eq + 1));
  }
  return out;
}

export class RequestView {
  readonly req: RouteRequest;
  readonly path: string;
  #lower: string | undefined;
  #query: ReadonlyMap<string, string> | undefined;
  /** The request's one random draw for runtime fractions, made on first use. */
  #draw: number | undefined;
  readonly #random: () => number;

  constructor(req: RouteRequest, random: () => number) {
    this.req = req;
    this.path = pathOnly(req.path);
    this.#random = random;
  }

  get lowerPath(): string {
    return (this.#lower ??= this.path.toLowerCase());
  }

  get query(): ReadonlyMap<string, string> {
    return (this.#query ??= parseQuery(this.req.path));
  }

  get draw(): number {
    return (this.#draw ??= this.#random());
  }
}
