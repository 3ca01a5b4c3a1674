/**
 * The small HTTP servers the sidecar runs (admin 15000, readiness 15021, Prometheus 15090, the
 * agent's 15020): a path table of handlers returning a status and a body. Handler failures
 * become 500s, never crashes; close() also ends idle keep-alive connections.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Address } from './address.ts';

export interface HttpReply {
  readonly status: number;
  readonly body: string | Buffer;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type HttpHandler = (req: IncomingMessage, url: URL) => HttpReply | Promise<HttpReply>;

export interface Route {
  /** Exact path, or a prefix when it ends with `/`. */
  readonly path: string;
  /** Allowed methods; others get 405. Default: any. */
  readonly methods?: readonly string[];
  readonly handler: HttpHandler;
}

export const text = (status: number, body: string, contentType = 'text/plain; charset=UTF-8'): HttpReply => ({ status, body, contentType });
export const json = (status: number, value: unknown): HttpReply => ({ status, body: `${JSON.stringify(value, null, 2)}\n`, contentType: 'application/json' });

export class HttpServer {
  private readonly server: Server;
  private readonly routes: readonly Route[];
  private readonly onError: (err: unknown) => void;

  constructor(routes: readonly Route[], onError: (err: unknown) => void) {
    this.routes = routes;
    this.onError = onError;
    this.server = createServer((req, res) => {
      void this.dispatch(req).then((reply) => {
        res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'text/plain; charset=UTF-8', ...reply.headers });
        res.end(reply.body);
      }).catch((err: unknown) => {
        this.onError(err);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.server.keepAliveTimeout = 5000;
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  private async dispatch(req: IncomingMessage): Promise<HttpReply> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = this.routes.find((r) => r.path === url.pathname || (r.path.endsWith('/') && url.pathname.startsWith(r.path)));
    if (!route) return text(404, 'invalid path. admin commands are:\n' + this.routes.map((r) => `  ${r.path}`).join('\n') + '\n');
    if (route.methods && !route.methods.includes(req.method ?? 'GET')) return text(405, `method ${req.method ?? ''} not allowed, use ${route.methods.join(' or ')}\n`);
    try {
      return await route.handler(req, url);
    } catch (err) {
      this.onError(err);
      return text(500, `${(err as Error).message ?? String(err)}\n`);
    }
  }

  listen(ip: string, port: number): Promise<Address> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, ip, () => {
        this.server.off('error', reject);
        this.server.on('error', this.onError);
        const a = this.server.address();
        resolve(typeof a === 'object' && a !== null ? { ip: a.address, port: a.port } : { ip, port });
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** True for requests from a loopback address (Istio only takes /quitquitquit from localhost). */
export function fromLocalhost(req: IncomingMessage): boolean {
  const ip = req.socket.remoteAddress ?? '';
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.');
}
