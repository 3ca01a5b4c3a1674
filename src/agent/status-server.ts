/**
 * pilot-agent's status server on 0.0.0.0:15020: `/healthz/ready` (the proxy's readiness),
 * `/app-health/<container>/<probe>` (the app's rewritten probes), the merged
 * `/stats/prometheus`, and the localhost-only POST actions `/quitquitquit` and `/drain`.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../core/log.ts';
import { HttpServer, fromLocalhost, text, type HttpReply } from '../proxy/core/http-server.ts';
import type { ServerStatus } from '../proxy/core/server-state.ts';
import { runAppProbe, type AppProbers, type ProbeTarget } from './app-probers.ts';
import type { MetricsMerger } from './metrics-merge.ts';

export interface StatusServerDeps {
  readonly status: ServerStatus;
  readonly probers: AppProbers;
  readonly target: ProbeTarget;
  readonly merger: MetricsMerger;
  readonly log: Logger;
  /** /quitquitquit: exit now. */
  quit(): void;
  /** /drain: start draining, as on SIGTERM. */
  drain(): void;
}

export function createStatusServer(d: StatusServerDeps): HttpServer {
  let last: string | undefined; // the last answer logged, so a polling kubelet does not flood the log
  const ready = (): HttpReply => {
    const reason = d.status.notReadyReason();
    const now = reason ?? 'ready';
    if (now !== last) {
      if (reason) d.log.warn(`Envoy proxy is NOT ready: ${reason}`);
      else d.log.info('Envoy proxy is ready');
      last = now;
    }
    return text(reason ? 503 : 200, '');
  };
  const localAction = (name: string, act: () => void) => (req: IncomingMessage): HttpReply => {
    if (!fromLocalhost(req)) return text(403, 'Only requests from localhost are allowed\n');
    d.log.info(`handling ${name}`);
    setImmediate(act);
    return text(200, 'OK');
  };
  const probe = async (req: IncomingMessage, url: URL): Promise<HttpReply> => {
    const prober = d.probers[url.pathname];
    if (!prober) {
      d.log.error(`Prober does not exists url ${url.pathname}`);
      return text(400, `app prober config does not exists for ${url.pathname}`);
    }
    const r = await runAppProbe(prober, req.headers, d.target);
    if (r.status >= 400) d.log.debug(`app probe ${url.pathname} failed with ${r.status}`);
    return text(r.status, r.body);
  };
  const stats = (req: IncomingMessage, url: URL): Promise<HttpReply> => d.merger.handle(req, url);
  return new HttpServer([
    { path: '/healthz/ready', handler: ready },
    { path: '/stats/prometheus', handler: stats },
    { path: '/metrics', handler: stats },
    { path: '/quitquitquit', methods: ['POST'], handler: localAction('/quitquitquit, notifying pilot-agent to exit', d.quit) },
    { path: '/drain', methods: ['POST'], handler: localAction('/drain, starting drain', d.drain) },
    { path: '/app-health/', handler: probe },
    { path: '/app-lifecycle/', handler: probe },
  ], (err) => d.log.error(`status server: ${(err as Error).message ?? String(err)}`));
}
