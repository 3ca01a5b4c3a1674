/**
 * Shared pieces for the proxy and agent tests: real servers on loopback, an in-process sidecar on
 * ephemeral ports whose "original destination" comes from a table (the kernel's part is covered
 * by the namespace tests), registry files, and small socket helpers.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { bindSidecarConfig, type RawFlags } from '../../src/agent/bind.ts';
import { startSidecar, type Sidecar, type SidecarOverrides } from '../../src/agent/main.ts';
import type { Address } from '../../src/proxy/core/address.ts';
import type { DestinationResolver } from '../../src/proxy/core/original-destination.ts';

export function tempDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `mz-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `value` as JSON to `path` the way the runtime does: temp file, then rename. */
export function writeAtomically(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, typeof value === 'string' ? value : JSON.stringify(value));
  renameSync(tmp, path);
}

export function listenOn(server: Server, host = '127.0.0.1', port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : 0);
    });
  });
}

const openSockets = new WeakMap<Server, Set<Socket>>();

/** Closes a server and ends whatever connections it still has. */
export const closeServer = (s: Server): Promise<void> => new Promise((r) => {
  s.close(() => r());
  for (const sock of openSockets.get(s) ?? []) sock.destroy();
  (s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
});

export function connectTo(port: number, host = '127.0.0.1', opts: { localAddress?: string; allowHalfOpen?: boolean } = {}): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host, allowHalfOpen: opts.allowHalfOpen ?? true, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Everything a socket receives until it closes, and how it closed (ends our side on the peer's FIN unless told not to). */
export function collect(s: Socket, opts: { endOnEnd?: boolean } = {}): Promise<{ data: string; ended: boolean; error: string | undefined }> {
  return new Promise((resolve) => {
    let data = '';
    let ended = false;
    let error: string | undefined;
    s.on('data', (d: Buffer) => (data += d.toString()));
    s.on('end', () => {
      ended = true;
      if (opts.endOnEnd !== false && s.writable) s.end();
    });
    s.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    s.on('close', () => resolve({ data, ended, error }));
  });
}

/** A resolver answering from a function of the listener port the connection arrived on. */
export function tableResolver(lookup: (localPort: number) => Address | undefined): DestinationResolver {
  return { resolve: (s) => (s.localPort === undefined ? undefined : lookup(s.localPort)) };
}

export interface TestSidecar {
  readonly sidecar: Sidecar;
  readonly accessLog: string[];
  readonly logs: string[];
  /** Sets where connections arriving on the outbound / inbound listener were "going". */
  route(direction: 'outbound' | 'inbound', dst: Address): void;
}

/** An in-process sidecar on ephemeral ports (flags as `mizzen sidecar` takes them). */
export async function startTestSidecar(flags: RawFlags, opts: Pick<SidecarOverrides, 'maxConnectionsPerCluster' | 'random' | 'xdsBackoff'> & { env?: NodeJS.ProcessEnv } = {}): Promise<TestSidecar> {
  const { env = {}, ...overrides } = opts;
  const cfg = bindSidecarConfig({
    env,
    flags: { 'proxy-admin-port': '0', 'outbound-port': '0', 'inbound-port': '0', 'status-port': '0', 'readiness-port': '0', 'prometheus-port': '0', 'registry-poll-interval': '200ms', ...flags },
  });
  const accessLog: string[] = [];
  const logs: string[] = [];
  const routes = new Map<string, Address>();
  const ports = { outbound: -1, inbound: -1 };
  const sidecar = await startSidecar(cfg, {
    accessLog: (l) => accessLog.push(l),
    writeLog: (l) => logs.push(l),
    resolver: tableResolver((p) => (p === ports.outbound ? routes.get('outbound') : p === ports.inbound ? routes.get('inbound') : undefined)),
    ...overrides,
  });
  ports.outbound = sidecar.ports.outbound;
  ports.inbound = sidecar.ports.inbound;
  return { sidecar, accessLog, logs, route: (d, dst) => routes.set(d, dst) };
}

export async function httpGet(port: number, path: string, init: RequestInit = {}): Promise<{ status: number; body: string; type: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/** A registry with one service (`reviews`, ClusterIP 10.96.0.12:9080) over the given endpoints. */
export function registryWith(endpoints: { ip: string; ready: boolean; port: number }[], extra: { workloads?: unknown[]; version?: number } = {}): unknown {
  const port = endpoints[0]?.port ?? 9080;
  return {
    version: extra.version ?? 1,
    services: [{
      name: 'reviews', namespace: 'default', hostname: 'reviews.default.svc.cluster.local', clusterIP: '10.96.0.12',
      labels: { app: 'reviews' }, selector: { app: 'reviews' },
      ports: [{ name: 'http', port: 9080, targetPort: port, protocol: 'TCP', appProtocol: null }],
    }],
    endpoints: endpoints.map((e, i) => ({ service: 'reviews', namespace: 'default', ip: e.ip, ready: e.ready, pod: `reviews-v${i + 1}-abc`, ports: [{ name: 'http', port: e.port }] })),
    workloads: extra.workloads ?? endpoints.map((e, i) => ({
      pod: `reviews-v${i + 1}-abc`, namespace: 'default', ip: e.ip, workload: `reviews-v${i + 1}`,
      labels: { app: 'reviews', version: `v${i + 1}` }, serviceAccount: 'bookinfo-reviews', sidecar: true,
    })),
  };
}

/** Sets (or, with `undefined`, deletes) the value at a dotted path in a parsed JSON document. */
export function setPath(doc: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = doc as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  const last = keys.at(-1) ?? '';
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

export function echoServer(handler?: (s: Socket) => void): Server {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    if (handler) handler(s);
    else s.pipe(s);
  });
  openSockets.set(server, sockets);
  return server;
}
