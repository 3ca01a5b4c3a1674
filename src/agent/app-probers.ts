/**
 * The app's own probes, run by the agent for `/app-health/<container>/<readyz|livez|startupz>`
 * as pilot-agent does: Istio's ISTIO_KUBE_APP_PROBERS JSON (validated at startup), probes sent
 * to the pod IP (or localhost with REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION) from 127.0.0.6
 * so the capture rules let them through. The app's status comes back as is; a redirect counts
 * as success; a failed request is a 500.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, isIPv6 } from 'node:net';
import { invalidFlag } from '../core/errors.ts';
import { grpcHealthCheck } from './grpc-health.ts';

export interface HttpGetAction {
  readonly path: string;
  readonly port: number;
  readonly scheme: 'HTTP' | 'HTTPS';
  readonly host?: string;
  readonly httpHeaders: readonly { readonly name: string; readonly value: string }[];
}

export interface AppProber {
  readonly httpGet?: HttpGetAction;
  readonly tcpSocket?: { readonly port: number };
  readonly grpc?: { readonly port: number; readonly service?: string };
  readonly timeoutSeconds: number;
}

export type AppProbers = Readonly<Record<string, AppProber>>;

export interface ProbeResult {
  readonly status: number;
  readonly body: string;
}

const pathPattern = /^\/(app-health|app-lifecycle)\/[^/]+\/(livez|readyz|startupz|prestopz|poststartz)$/;
const MAX_BODY = 10 * 1024;

function intPort(v: unknown, fail: (reason: string) => never): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) fail('the port must be int type (1-65535)');
  return v;
}

/** Parses Istio's prober JSON; errors name `source` (the flag or env var) and the probe path. */
export function parseAppProbers(text: string, source: string): AppProbers {
  if (text.trim() === '') return {};
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalidFlag(source, text, `not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalidFlag(source, text, 'expected a JSON object of probe paths');
  const out: Record<string, AppProber> = {};
  for (const [path, raw] of Object.entries(doc as Record<string, unknown>)) {
    const fail = (reason: string): never => { throw invalidFlag(source, text, `${path}: ${reason}`); };
    if (!pathPattern.test(path)) fail(`invalid path, must match ${pathPattern.source}`);
    const p = (raw ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const kinds = (['httpGet', 'tcpSocket', 'grpc'] as const).filter((k) => p[k] !== undefined && p[k] !== null);
    if (kinds.length !== 1) fail('invalid prober type, must be one of type httpGet, tcpSocket or gRPC');
    const timeout = (raw as { timeoutSeconds?: unknown }).timeoutSeconds;
    const timeoutSeconds = typeof timeout === 'number' && timeout > 0 ? timeout : 1;
    if (p.httpGet) {
      const h = p.httpGet;
      const scheme = String(h['scheme'] ?? 'HTTP').toUpperCase();
      if (scheme !== 'HTTP' && scheme !== 'HTTPS') fail(`scheme ${JSON.stringify(h['scheme'])} is not HTTP or HTTPS`);
      const headers = Array.isArray(h['httpHeaders']) ? (h['httpHeaders'] as { name?: unknown; value?: unknown }[]) : [];
      out[path] = {
        timeoutSeconds,
        httpGet: {
          path: typeof h['path'] === 'string' ? h['path'] : '/',
          port: intPort(h['port'], fail),
          scheme: scheme as 'HTTP' | 'HTTPS',
          ...(typeof h['host'] === 'string' && h['host'] ? { host: h['host'] } : {}),
          httpHeaders: headers.filter((x) => typeof x.name === 'string').map((x) => ({ name: String(x.name), value: String(x.value ?? '') })),
        },
      };
    } else if (p.tcpSocket) {
      out[path] = { timeoutSeconds, tcpSocket: { port: intPort(p.tcpSocket['port'], fail) } };
    } else if (p.grpc) {
      const service = p.grpc['service'];
      out[path] = { timeoutSeconds, grpc: { port: intPort(p.grpc['port'], fail), ...(typeof service === 'string' ? { service } : {}) } };
    }
  }
  return out;
}

export interface ProbeTarget {
  /** Where probes go: the pod IP, or 127.0.0.1 (legacy localhost). */
  readonly destination: string;
  readonly statusPort: number;
}

const bindFor = (ip: string): string => (isIPv6(ip) ? '::6' : '127.0.0.6');
const hostPort = (ip: string, port: number): string => (isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`);
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection', 'te']);

function probeHeaders(action: HttpGetAction, incoming: IncomingHttpHeaders, target: ProbeTarget): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(incoming)) if (v !== undefined && !hopByHop.has(k)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  for (const h of action.httpHeaders) if (out[h.name.toLowerCase()] === undefined) out[h.name.toLowerCase()] = h.value;
  const host = out['host'];
  const m = host === undefined ? null : /^(.*):(\d+)$/.exec(host);
  if (host === undefined) out['host'] = hostPort(target.destination, action.port);
  else if (m && Number(m[2]) === target.statusPort) out['host'] = `${m[1]}:${action.port}`;
  return out;
}

function get(url: URL, headers: Record<string, string>, localAddress: string, deadline: number): Promise<{ res: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', headers, localAddress, agent: false, rejectUnauthorized: false });
    const timer = setTimeout(() => req.destroy(new Error('probe timed out')), Math.max(1, deadline - Date.now()));
    req.on('error', (err) => { clearTimeout(timer); reject(err); });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => { if (size < MAX_BODY) chunks.push(c); size += c.length; });
      res.on('error', (err) => { clearTimeout(timer); reject(err); });
      res.on('end', () => { clearTimeout(timer); resolve({ res, body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString() }); });
    });
    req.end();
  });
}

async function httpProbe(action: HttpGetAction, timeoutMs: number, incoming: IncomingHttpHeaders, target: ProbeTarget): Promise<ProbeResult> {
  const path = action.path.startsWith('/') ? action.path : `/${action.path}`;
  let url = new URL(`${action.scheme === 'HTTPS' ? 'https' : 'http'}://${hostPort(target.destination, action.port)}${path}`);
  const headers = probeHeaders(action, incoming, target);
  const deadline = Date.now() + timeoutMs;
  for (let redirects = 0; ; redirects++) {
    const { res, body } = await get(url, headers, bindFor(target.destination), deadline);
    const status = res.statusCode ?? 500;
    if (status < 300 || status >= 400) return { status, body };
    const next = res.headers.location ? new URL(res.headers.location, url) : undefined;
    // As kubelet: a redirect elsewhere counts as success; same-host redirects are followed (10 at most).
    if (!next || next.hostname !== url.hostname) return { status: 200, body: '' };
    if (redirects >= 10) throw new Error('stopped after 10 redirects');
    url = next;
  }
}

function tcpProbe(port: number, timeoutMs: number, target: ProbeTarget): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const s = connect({ host: target.destination, port, localAddress: bindFor(target.destination) });
    const done = (status: number): void => { clearTimeout(timer); s.destroy(); resolve({ status, body: '' }); };
    const timer = setTimeout(() => done(500), timeoutMs);
    s.once('connect', () => done(200));
    s.once('error', () => done(500));
  });
}

/** Runs one app probe; never rejects. */
export async function runAppProbe(prober: AppProber, incoming: IncomingHttpHeaders, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = prober.timeoutSeconds * 1000;
  try {
    if (prober.httpGet) return await httpProbe(prober.httpGet, timeoutMs, incoming, target);
    if (prober.tcpSocket) return await tcpProbe(prober.tcpSocket.port, timeoutMs, target);
    if (prober.grpc) {
      const serving = await grpcHealthCheck({ host: target.destination, port: prober.grpc.port, service: prober.grpc.service ?? '', localAddress: bindFor(target.destination), timeoutMs });
      return { status: serving ? 200 : 500, body: '' };
    }
  } catch {
    return { status: 500, body: '' };
  }
  return { status: 500, body: '' };
}
