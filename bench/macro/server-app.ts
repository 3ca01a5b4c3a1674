/**
 * The server pod's apps: nginx (Debian's nginx-light) serving a 1 KB body over HTTP/1.1 on
 * port 80 and over h2c (prior knowledge) on 8081, one worker, keepalive_requests high (h2load
 * does not reconnect), no access log, sendfile off (with sendfile, nginx writes an h2 DATA
 * frame's header and body separately and h2c requests stall 40 ms on Nagle and delayed ACKs
 * across the veths); the gRPC app (grpc-app.ts, @grpc/grpc-js) on 50051; and an iperf3 server on
 * 5201. All pinned to the load CPU.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';
import { PORTS } from './topology.ts';
import { waitFor, type Netns, type Proc } from './netns.ts';

export const BODY_BYTES = 1024;
export const PATH_1K = '/1k';

function nginxConf(dir: string): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/tmp-${t};`).join('\n');
  return `daemon off;
user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
worker_rlimit_nofile 16384;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  http2_max_requests 100000000;
  sendfile off;
  tcp_nodelay on;
${temp}
  server { listen ${PORTS.http} reuseport backlog=4096; root ${dir}/www; location / { } }
  server { listen ${PORTS.h2c} http2; root ${dir}/www; location / { } }
}
`;
}

export interface ServerApps {
  readonly nginx: Proc;
  readonly iperf: Proc;
  readonly grpc: Proc;
  stop(): Promise<void>;
}

export async function startServerApps(server: Netns, dir: string, cpus: string): Promise<ServerApps> {
  const root = join(dir, 'nginx');
  mkdirSync(join(root, 'www'), { recursive: true });
  chmodSync(root, 0o755);
  writeFileSync(join(root, 'www', PATH_1K.slice(1)), 'x'.repeat(BODY_BYTES - 1) + '\n');
  writeFileSync(join(root, 'nginx.conf'), nginxConf(root));
  const nginx = server.start(['nginx', '-p', root, '-c', join(root, 'nginx.conf')], { cpus, logFile: join(dir, 'nginx.out') });
  const iperf = server.start(['iperf3', '-s', '-p', String(PORTS.iperf)], { cpus, uid: 1000, logFile: join(dir, 'iperf3-server.out') });
  const grpcLog = join(dir, 'grpc-app.out');
  const grpc = server.start([process.execPath, join(repoRoot, 'bench', 'macro', 'grpc-app.ts'), 'serve', String(PORTS.grpc)], { cpus, uid: 1000, logFile: grpcLog });
  await waitFor(() => {
    if (!nginx.running()) throw new Error(`nginx exited; see ${root}/nginx-error.log`);
    const r = server.tryExec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${PORTS.http}${PATH_1K}`]);
    return r.stdout === '200';
  }, 10_000, 'nginx in the server pod');
  const grpcPort = `:${PORTS.grpc.toString(16).toUpperCase().padStart(4, '0')} `;
  await waitFor(() => {
    if (!grpc.running()) throw new Error(`the gRPC app exited; see ${grpcLog}`);
    return server.tryExec(['cat', '/proc/net/tcp']).stdout.includes(grpcPort);
  }, 20_000, 'the gRPC app in the server pod');
  return {
    nginx, iperf, grpc,
    async stop() {
      await Promise.all([nginx.stop('SIGQUIT'), iperf.stop(), grpc.stop()]);
    },
  };
}
