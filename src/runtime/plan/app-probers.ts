/**
 * Istio's probe rewrite: with a sidecar, an app container's httpGet and tcpSocket probes become
 * `httpGet :15020/app-health/<container>/<readyz|livez|startupz>` (timing kept), and the
 * originals, with named ports resolved to numbers, go to the agent in ISTIO_KUBE_APP_PROBERS:
 * `{"/app-health/web/readyz": {"httpGet": {"path": "/", "port": 8080, "scheme": "HTTP"}, "timeoutSeconds": 1}}`.
 */
import type { Container, IntOrString, Probe } from '../model/objects.ts';
import { STATUS_PORT } from './init-args.ts';

export type AppProbers = Record<string, Record<string, unknown>>;

const KINDS = [['readinessProbe', 'readyz'], ['livenessProbe', 'livez'], ['startupProbe', 'startupz']] as const;

/** A named port resolved against the container's ports (validation made sure it exists). */
export function resolvePort(c: Container, port: IntOrString): number {
  if (typeof port === 'number') return port;
  return c.ports.find((p) => p.name === port)?.containerPort ?? 0;
}

function prober(c: Container, probe: Probe): Record<string, unknown> | undefined {
  if (probe.httpGet) {
    const h = probe.httpGet;
    const httpGet: Record<string, unknown> = { path: h.path, port: resolvePort(c, h.port) };
    if (h.host !== undefined) httpGet['host'] = h.host;
    httpGet['scheme'] = h.scheme;
    if (h.httpHeaders.length > 0) httpGet['httpHeaders'] = h.httpHeaders;
    return { httpGet, timeoutSeconds: probe.timeoutSeconds };
  }
  if (probe.tcpSocket) {
    const t = probe.tcpSocket;
    return { tcpSocket: { port: resolvePort(c, t.port), ...(t.host === undefined ? {} : { host: t.host }) }, timeoutSeconds: probe.timeoutSeconds };
  }
  return undefined;
}

export interface RewriteResult {
  readonly containers: Container[];
  readonly probers: AppProbers;
}

export function rewriteAppProbes(apps: readonly Container[]): RewriteResult {
  const probers: AppProbers = {};
  const containers = apps.map((c) => {
    let out: Container = c;
    for (const [key, suffix] of KINDS) {
      const probe = c[key];
      if (!probe) continue;
      const original = prober(c, probe);
      if (!original) continue;
      const path = `/app-health/${c.name}/${suffix}`;
      probers[path] = original;
      const { httpGet: _h, tcpSocket: _t, ...timing } = probe;
      out = { ...out, [key]: { ...timing, httpGet: { path, port: STATUS_PORT, scheme: 'HTTP', httpHeaders: [] } } };
    }
    return out;
  });
  return { containers, probers };
}
