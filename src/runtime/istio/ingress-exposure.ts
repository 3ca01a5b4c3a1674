/**
 * The ingress gateway on the host: the one-host mesh's LoadBalancer. A listener on 127.0.0.1
 * only (the mesh never listens on the host's other addresses), run by the supervisor; each
 * connection is piped, as port-forward does, through a child started with `ip netns exec` in
 * the gateway pod's namespace, which connects to 127.0.0.1:8080 there (Service port 80's
 * targetPort; a second exposure does the same for 443's 8443, TLS passing through untouched). So the gateway sees its client as 127.0.0.1, which is also the address of every
 * host client of the mesh: x-forwarded-for carries 127.0.0.1. A ready gateway pod is preferred;
 * without a running one the connection is closed.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../core/log.ts';
import { toolPath } from '../host/commands.ts';

const PIPE = fileURLToPath(new URL('../client/forward-pipe.ts', import.meta.url));

export interface IngressExposureOptions {
  /** The host port; 0 picks a free one. */
  readonly port: number;
  /** The network namespace of a gateway pod to forward to, or undefined when none runs. */
  readonly gatewayNetns: () => string | undefined;
  /** The port in the gateway pod. */
  readonly targetPort: number;
  /** The scheme of the address shown (`https` for the TLS port); the bytes are piped either way. */
  readonly scheme?: 'http' | 'https';
  readonly log: Logger;
}

export interface IngressExposure {
  readonly server: Server;
  /** `http://127.0.0.1:<port>` (or `https://` for the TLS port) */
  readonly url: string;
  readonly port: number;
  close(): void;
}

function forward(conn: Socket, netns: string, targetPort: number, log: Logger): void {
  const child = spawn(toolPath('ip'), ['netns', 'exec', netns, process.execPath, PIPE, '127.0.0.1', String(targetPort)], { stdio: ['pipe', 'pipe', 'pipe'] });
  conn.pipe(child.stdin);
  child.stdout.pipe(conn);
  child.stderr.on('data', (d: Buffer) => log.warn(`ingress gateway: ${d.toString().trimEnd()}`));
  child.stdin.on('error', () => undefined);
  conn.on('error', () => child.kill('SIGKILL'));
  conn.on('close', () => child.kill('SIGTERM'));
  child.on('exit', () => conn.end());
}

export async function exposeIngress(o: IngressExposureOptions): Promise<IngressExposure> {
  const children = new Set<Socket>();
  const server = createServer((conn) => {
    children.add(conn);
    conn.on('close', () => children.delete(conn));
    const netns = o.gatewayNetns();
    if (!netns) {
      o.log.warn('ingress gateway: no gateway pod is running; closing the connection');
      conn.destroy();
      return;
    }
    forward(conn, netns, o.targetPort, o.log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => o.log.error(`ingress gateway listener: ${err.message}`));
  const port = (server.address() as { port: number }).port;
  return {
    server, port, url: `${o.scheme ?? 'http'}://127.0.0.1:${port}`,
    close: () => {
      server.close();
      for (const c of children) c.destroy();
    },
  };
}
