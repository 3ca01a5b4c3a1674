/**
 * The debug HTTP API on 15014 (istiod's monitoring/debug port): GET /ready, /debug/syncz,
 * /debug/config_dump?proxyID=, /debug/push_status, /debug/registryz, /debug/configz, and
 * POST/DELETE /apis/config with Istio YAML. Answers are JSON; a handler that fails answers 500
 * and the server carries on.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import type { ConfigStore } from '../config/store.ts';
import type { ServiceRegistry } from '../registry/service-registry.ts';
import { ControlErrorCodes, ControlPlaneError } from '../xds/errors.ts';
import type { DiscoveryServer } from '../xds/server/discovery-server.ts';
import { applyConfig, deleteConfig } from './apis-config.ts';
import { configDump, findConnection } from './config-dump.ts';
import { syncz } from './syncz.ts';

export interface DebugServerOptions {
  readonly host: string;
  readonly port: number;
  readonly discovery: DiscoveryServer;
  readonly store: ConfigStore;
  readonly registry: ServiceRegistry;
  readonly ready: () => boolean;
  readonly log: Logger;
}

export interface DebugServer {
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' }).end(`${JSON.stringify(body, null, 2)}\n`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function route(o: DebugServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://debug');
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (path === '/apis/config' && (method === 'POST' || method === 'DELETE')) {
    const body = await readBody(req);
    const file = url.searchParams.get('file') ?? 'request';
    const answer = method === 'POST' ? applyConfig(o.store, body, file) : deleteConfig(o.store, body, file);
    json(res, answer.code, { results: answer.results, errors: answer.errors });
    return;
  }
  if (method !== 'GET') {
    json(res, 405, { error: `${method} ${path} is not allowed` });
    return;
  }
  switch (path) {
    case '/ready':
      res.writeHead(o.ready() ? 200 : 503, { 'content-type': 'text/plain' }).end(o.ready() ? 'ready\n' : 'not ready\n');
      return;
    case '/debug/syncz':
      json(res, 200, syncz(o.discovery.connections(), o.discovery.instanceId));
      return;
    case '/debug/config_dump': {
      const id = url.searchParams.get('proxyID');
      if (!id) return json(res, 400, { error: 'give the proxy: /debug/config_dump?proxyID=<id or pod.namespace>' });
      const conn = findConnection(o.discovery.connections(), id);
      if (!conn) return json(res, 404, { error: `no connected proxy ${JSON.stringify(id)}` });
      json(res, 200, configDump(conn));
      return;
    }
    case '/debug/push_status':
      json(res, 200, { version: o.discovery.pushContext.version, pushes: o.discovery.pushes() });
      return;
    case '/debug/registryz':
      json(res, 200, o.registry.services());
      return;
    case '/debug/endpointz':
      json(res, 200, o.registry.endpoints());
      return;
    case '/debug/configz':
      json(res, 200, o.store.all());
      return;
    default:
      json(res, 404, { error: `unknown path ${path}`, paths: ['/ready', '/debug/syncz', '/debug/config_dump?proxyID=', '/debug/push_status', '/debug/registryz', '/debug/endpointz', '/debug/configz', 'POST|DELETE /apis/config'] });
  }
}

export async function startDebugServer(o: DebugServerOptions): Promise<DebugServer> {
  const server = createServer((req, res) => {
    route(o, req, res).catch((err: unknown) => {
      o.log.error(`debug: ${req.method} ${req.url}: ${describeError(err)}`);
      if (!res.headersSent) json(res, 500, { error: describeError(err) });
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) => reject(new ControlPlaneError(ControlErrorCodes.BindFailed, `debug server cannot listen on ${o.host}:${o.port}: ${cause.message}`, { cause })));
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : o.port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
