/**
 * `mizzen port-forward POD|pod/NAME|svc/NAME LOCAL:REMOTE...`: a listener on 127.0.0.1 (the
 * only host address the mesh uses) per port; each accepted connection is piped through a child
 * started with `ip netns exec` in the pod's namespace that connects to 127.0.0.1:REMOTE there.
 * For a service, a ready pod it selects is used and the service port maps to its targetPort.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { invalidFlag } from '../../core/errors.ts';
import { toolPath } from '../host/commands.ts';
import { RuntimeErrors, runtimeError } from '../errors.ts';
import { selects } from '../plan/endpoints.ts';
import { callApi } from './api-client.ts';
import type { ListJson, PodJson, ServiceJson } from './kube-json.ts';
import { podTarget } from './pod-target.ts';

const PIPE = fileURLToPath(new URL('./forward-pipe.ts', import.meta.url));

export interface PortSpec {
  readonly local: number;
  readonly remote: number;
}

export function parsePortSpec(text: string): PortSpec {
  const m = /^(\d*):?(\d+)$/.exec(text);
  const local = m ? Number(m[1] === '' ? (text.startsWith(':') ? 0 : m[2]) : m[1]) : NaN;
  const remote = m ? Number(m[2]) : NaN;
  if (!m || !(remote >= 1 && remote <= 65535) || !(local >= 0 && local <= 65535)) {
    throw invalidFlag('PORT', text, 'must be LOCAL:REMOTE, PORT or :REMOTE');
  }
  return { local, remote };
}

interface Resolved { readonly pod: string; readonly ports: PortSpec[] }

async function resolveService(socket: string, namespace: string, name: string, ports: PortSpec[]): Promise<Resolved> {
  const svc = (await callApi<ListJson<ServiceJson>>(socket, 'GET', '/v1/services')).items.find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
  if (!svc) throw runtimeError(RuntimeErrors.NotFound, `services "${name}" not found in namespace "${namespace}"`);
  const pods = (await callApi<ListJson<PodJson>>(socket, 'GET', '/v1/pods')).items
    .filter((p) => p.metadata.namespace === namespace && selects(svc.spec.selector, p.metadata.labels) && p.status.phase === 'Running');
  const pod = pods.find((p) => p.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')) ?? pods[0];
  if (!pod) throw runtimeError(RuntimeErrors.NotFound, `service ${namespace}/${name} selects no running pod`);
  const containerPorts = (pod.spec.containers as { ports?: { name?: string; containerPort: number }[] }[]).flatMap((c) => c.ports ?? []);
  return {
    pod: pod.metadata.name,
    ports: ports.map((p) => {
      const sp = svc.spec.ports.find((x) => x.port === p.remote);
      if (!sp) throw runtimeError(RuntimeErrors.NotFound, `service ${namespace}/${name} does not have a service port ${p.remote}`);
      const target = typeof sp.targetPort === 'number' ? sp.targetPort : containerPorts.find((c) => c.name === sp.targetPort)?.containerPort;
      if (target === undefined) throw runtimeError(RuntimeErrors.NotFound, `pod ${pod.metadata.name} has no port named ${String(sp.targetPort)}`);
      return { local: p.local, remote: target };
    }),
  };
}

export interface PortForwardOptions {
  readonly socket: string;
  readonly namespace: string;
  readonly target: string;
  readonly ports: readonly string[];
  readonly address: string;
}

export async function portForward(o: PortForwardOptions, out: (line: string) => void, note: (line: string) => void): Promise<Server[]> {
  if (o.address !== '127.0.0.1' && o.address !== 'localhost') throw invalidFlag('--address', o.address, 'the mesh listens on the host only on 127.0.0.1 (or localhost)');
  const specs = o.ports.map(parsePortSpec);
  if (specs.length === 0) throw invalidFlag('PORT', '', 'at least one port is required');
  const [kind, name] = o.target.includes('/') ? o.target.split('/', 2) : ['pod', o.target];
  let resolved: Resolved;
  if (kind === 'svc' || kind === 'service' || kind === 'services') resolved = await resolveService(o.socket, o.namespace, name ?? '', specs);
  else if (kind === 'pod' || kind === 'pods' || kind === 'po') resolved = { pod: name ?? '', ports: specs };
  else throw invalidFlag('TYPE/NAME', o.target, 'must be a pod name, pod/NAME or svc/NAME');
  const ctx = await podTarget(o.socket, o.namespace, resolved.pod, undefined, () => undefined);
  const servers: Server[] = [];
  for (const spec of resolved.ports) {
    const server = createServer((conn) => {
      out(`Handling connection for ${(server.address() as { port: number }).port}`);
      const child = spawn(toolPath('ip'), ['netns', 'exec', ctx.netns, process.execPath, PIPE, '127.0.0.1', String(spec.remote)], { stdio: ['pipe', 'pipe', 'pipe'] });
      conn.pipe(child.stdin);
      child.stdout.pipe(conn);
      child.stderr.on('data', (d: Buffer) => note(d.toString().trimEnd()));
      child.stdin.on('error', () => undefined);
      conn.on('error', () => child.kill('SIGKILL'));
      conn.on('close', () => child.kill('SIGTERM'));
      child.on('exit', () => conn.end());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(spec.local, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    out(`Forwarding from 127.0.0.1:${port} -> ${spec.remote}`);
    servers.push(server);
  }
  return servers;
}
