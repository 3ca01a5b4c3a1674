/**
 * The supervisor's JSON API: HTTP/1.1 over the unix socket api.sock in the state directory.
 * GET /v1/mesh, /v1/pods, /v1/services, /v1/endpoints, /v1/pods/<ns>/<pod>/exec?container=C;
 * POST /v1/apply {documents} and POST /v1/down. Errors answer {code, error}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chmodSync, rmSync } from 'node:fs';
import { MizzenError } from '../../core/errors.ts';
import { RuntimeErrors, runtimeError } from '../errors.ts';
import type { SourceDocument } from '../manifest/document.ts';
import { isIngressGateway } from '../istio/ingress-gateway.ts';
import { endpointsJson, podJson, serviceJson } from './object-json.ts';
import type { Supervisor } from './supervisor.ts';

const STATUS: Record<string, number> = {
  [RuntimeErrors.InvalidManifest]: 400, [RuntimeErrors.Conflict]: 409, [RuntimeErrors.NotFound]: 404,
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
}

function list(items: unknown[]): unknown {
  return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
}

function execContext(sup: Supervisor, ns: string, name: string, container: string | null): unknown {
  const pod = sup.store.pods.get(`${ns}/${name}`);
  if (!pod) throw runtimeError(RuntimeErrors.NotFound, `pods "${name}" not found in namespace "${ns}"`);
  const all = [...pod.containers, ...pod.init];
  const c = container ? all.find((x) => x.name === container) : pod.containers.find((x) => x.name === pod.planned.metadata.annotations['kubectl.kubernetes.io/default-container']) ?? pod.containers[0];
  if (!c) throw runtimeError(RuntimeErrors.NotFound, `container ${container ?? ''} is not valid for pod ${name}: choose one of ${all.map((x) => x.name).join(', ')}`);
  return {
    pod: name, namespace: ns, container: c.name, containers: all.map((x) => x.name),
    initContainers: pod.init.map((x) => x.name), netns: pod.address.netns,
    uid: c.planned.uid, gid: c.planned.gid, env: c.env, workingDir: c.workingDir, running: c.status.state.kind === 'running',
  };
}

async function route(sup: Supervisor, req: IncomingMessage, res: ServerResponse, onDown: () => void): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://mizzen');
  const path = url.pathname;
  const node = sup.node.netns;
  if (req.method === 'GET' && path === '/v1/mesh') return send(res, 200, sup.record);
  if (req.method === 'GET' && path === '/v1/pods') {
    return send(res, 200, list([...sup.store.pods.values()].map((p) => podJson(p, node, sup.node.bridgeIp))));
  }
  if (req.method === 'GET' && path === '/v1/services') {
    const ingress = sup.ingressAddress();
    return send(res, 200, list([...sup.store.services.values()].map((s) => serviceJson(s.view, s.createdAt, isIngressGateway(s.view.service.metadata) ? ingress : undefined))));
  }
  if (req.method === 'GET' && path === '/v1/endpoints') {
    const eps = sup.sync.endpoints;
    return send(res, 200, list([...sup.store.services.values()].map((s) => endpointsJson(s.view,
      eps.filter((e) => e.namespace === s.view.service.metadata.namespace && e.service === s.view.service.metadata.name), s.createdAt))));
  }
  const exec = /^\/v1\/pods\/([^/]+)\/([^/]+)\/exec$/.exec(path);
  if (req.method === 'GET' && exec) {
    return send(res, 200, execContext(sup, decodeURIComponent(exec[1] ?? ''), decodeURIComponent(exec[2] ?? ''), url.searchParams.get('container')));
  }
  if (req.method === 'POST' && path === '/v1/apply') {
    const body = (await readBody(req)) as { documents?: SourceDocument[] };
    return send(res, 200, await sup.apply(body.documents ?? []));
  }
  if (req.method === 'POST' && path === '/v1/down') {
    const body = (await readBody(req)) as { gracePeriodSeconds?: number };
    await sup.down((body.gracePeriodSeconds ?? 30) * 1000);
    send(res, 200, { down: sup.opts.meshId });
    return onDown();
  }
  send(res, 404, { code: RuntimeErrors.NotFound, error: `no route ${req.method ?? ''} ${path}` });
}

export function serveApi(sup: Supervisor, onDown: () => void): Promise<Server> {
  const socket = sup.paths.api;
  rmSync(socket, { force: true });
  const server = createServer((req, res) => {
    route(sup, req, res, onDown).catch((err: unknown) => {
      const code = err instanceof MizzenError ? err.code : 'MZ_INTERNAL';
      send(res, STATUS[code] ?? 500, { code, error: err instanceof Error ? err.message : String(err) });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => {
      chmodSync(socket, 0o660);
      resolve(server);
    });
  });
}
