/**
 * Modes "haproxy-tcp" and "haproxy-http": Debian's HAProxy in the sidecar position of both pods,
 * behind the same capture rules, as uid/gid 1337 (so its own connections are not captured).
 * Outbound (15001) connects to the original destination (`server s 0.0.0.0:0`); inbound (15006)
 * does the same from 127.0.0.6, as Envoy's inbound cluster does. One thread (nbthread 1), as
 * each Mizzen sidecar has one event loop. In http mode the frontends stay tcp and switch to an
 * http backend for the HTTP/1.1, h2c and gRPC ports by original destination port (HAProxy's implicit
 * TCP to HTTP upgrade, which detects the h2 preface; h2c to the server with `proto h2`), so
 * only iperf3 passes at L4, as Istio treats ports named tcp-*.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCapture } from './capture.ts';
import type { ModeContext, ProxySet } from './mode.ts';
import { waitFor, type Netns, type Proc } from './netns.ts';
import { PORTS } from './topology.ts';

export function haproxyConfig(mode: 'tcp' | 'http'): string {
  // In http mode the HTTP/1.1 port and the h2c port are HTTP (h2c both legs: the h2 preface is
  // detected on the upgraded connection, `proto h2` towards the server); iperf3 passes at L4, as
  // Istio treats a port named tcp-*.
  const http = (backend: string): string => mode === 'http'
    ? `  use_backend ${backend}_http if { dst_port ${PORTS.http} }\n  use_backend ${backend}_h2 if { dst_port ${PORTS.h2c} }\n  use_backend ${backend}_h2 if { dst_port ${PORTS.grpc} }\n`
    : '';
  const httpBackends = (backend: string, source: string): string => mode === 'http'
    ? `backend ${backend}_http\n  mode http\n  option http-keep-alive\n${source}  server s 0.0.0.0:0\n`
      + `backend ${backend}_h2\n  mode http\n  option http-keep-alive\n${source}  server s 0.0.0.0:0 proto h2\n`
    : '';
  return `global
  maxconn 4000
  nbthread 1
defaults
  mode tcp
  timeout connect 5s
  timeout client 600s
  timeout server 600s
frontend outbound
  bind 0.0.0.0:15001
${http('orig')}  default_backend orig
${httpBackends('orig', '')}backend orig
  server s 0.0.0.0:0
frontend inbound
  bind 0.0.0.0:15006
${http('orig_in')}  default_backend orig_in
${httpBackends('orig_in', '  source 127.0.0.6\n')}backend orig_in
  source 127.0.0.6
  server s 0.0.0.0:0
`;
}

function start(pod: Netns, cfg: string, ctx: ModeContext, side: string): Proc {
  return pod.start(['haproxy', '-db', '-f', cfg], { uid: 1337, gid: 1337, cpus: ctx.proxyCpus, logFile: join(ctx.dir, `haproxy-${side}.log`) });
}

export async function startHaproxy(ctx: ModeContext, mode: 'tcp' | 'http'): Promise<ProxySet> {
  const cfg = join(ctx.dir, `haproxy-${mode}.cfg`);
  writeFileSync(cfg, haproxyConfig(mode));
  const check = ctx.topo.client.tryExec(['haproxy', '-c', '-q', '-f', cfg]);
  if (check.code !== 0) throw new Error(`haproxy -c refused ${cfg}: ${check.stderr || check.stdout}`);
  applyCapture(ctx.topo.client);
  applyCapture(ctx.topo.server);
  const client = start(ctx.topo.client, cfg, ctx, 'client');
  const server = start(ctx.topo.server, cfg, ctx, 'server');
  for (const [pod, p] of [[ctx.topo.client, client], [ctx.topo.server, server]] as const) {
    await waitFor(() => {
      if (!p.running()) throw new Error(`haproxy in ${pod.name} exited; see ${ctx.dir}`);
      return /:3A99 /i.test(pod.tryExec(['cat', '/proc/net/tcp']).stdout) && /:3A9E /i.test(pod.tryExec(['cat', '/proc/net/tcp']).stdout);
    }, 10_000, `haproxy listening in ${pod.name}`);
  }
  return {
    proxies: [{ side: 'client', pid: client.pid }, { side: 'server', pid: server.pid }],
    async stop() {
      await Promise.all([client.stop('SIGUSR1', 3000), server.stop('SIGUSR1', 3000)]);
    },
  };
}
