/**
 * Mode "mizzen": `mizzen sidecar` as uid/gid 1337 in both pods, behind the injector's capture
 * rules, configured from a registry.json written here (the runtime's --no-control-plane
 * contract): Service `web.bench` with ClusterIP 10.97.0.10 and ports 80 (http), 8081 (h2c) and
 * 5201 (iperf3), one endpoint (the server pod). The client calls the ClusterIP, so its sidecar
 * picks the endpoint from cluster outbound|80||web.bench.svc.cluster.local (no kube-proxy DNAT).
 * Telemetry stays on: Istio's TCP metrics and the access log (to the sidecar's log file).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCapture, cliEntry } from './capture.ts';
import { waitFor, type Netns, type Proc } from './netns.ts';
import type { ModeContext, ProxySet } from './mode.ts';
import { PORTS } from './topology.ts';

const NS = 'bench';
const CLIENT_POD = 'client-6d4f9-abcde';
const SERVER_POD = 'web-v1-7f9c8-x2x1q';

export function benchRegistry(clusterIp: string, clientIp: string, serverIp: string): unknown {
  const ports = [
    { name: 'http', port: PORTS.http, targetPort: PORTS.http, protocol: 'TCP', appProtocol: null },
    { name: 'tcp-h2c', port: PORTS.h2c, targetPort: PORTS.h2c, protocol: 'TCP', appProtocol: null },
    { name: 'tcp-iperf', port: PORTS.iperf, targetPort: PORTS.iperf, protocol: 'TCP', appProtocol: null },
  ];
  return {
    version: 1,
    services: [{ name: 'web', namespace: NS, hostname: `web.${NS}.svc.cluster.local`, clusterIP: clusterIp, labels: { app: 'web' }, selector: { app: 'web' }, ports }],
    endpoints: [{ service: 'web', namespace: NS, ip: serverIp, ready: true, pod: SERVER_POD, ports: ports.map((p) => ({ name: p.name, port: p.targetPort })) }],
    workloads: [
      { pod: CLIENT_POD, namespace: NS, ip: clientIp, workload: 'client', labels: { app: 'client', version: 'v1' }, serviceAccount: 'client', sidecar: true },
      { pod: SERVER_POD, namespace: NS, ip: serverIp, workload: 'web-v1', labels: { app: 'web', version: 'v1' }, serviceAccount: 'web', sidecar: true },
    ],
  };
}

function sidecarEnv(registry: string, pod: string, ip: string, workload: string, labels: Record<string, string>, ports: number[]): Record<string, string> {
  return {
    MIZZEN_REGISTRY: registry, POD_NAME: pod, POD_NAMESPACE: NS, INSTANCE_IP: ip, SERVICE_ACCOUNT: labels['app'] ?? 'default',
    ISTIO_META_WORKLOAD_NAME: workload, ISTIO_META_CLUSTER_ID: 'Kubernetes', ISTIO_META_APP_CONTAINERS: 'app',
    ISTIO_METAJSON_LABELS: JSON.stringify(labels), TERMINATION_DRAIN_DURATION_SECONDS: '1',
    ISTIO_META_POD_PORTS: JSON.stringify(ports.map((p) => ({ containerPort: p, protocol: 'TCP' }))),
  };
}

async function waitReady(pod: Netns, proc: Proc, log: string): Promise<void> {
  await waitFor(() => {
    if (!proc.running()) throw new Error(`mizzen sidecar in ${pod.name} exited; see ${log}`);
    return pod.tryExec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1:15021/healthz/ready']).stdout === '200';
  }, 20_000, `the mizzen sidecar in ${pod.name} to be ready`);
}

/** Extra node flags for the sidecar processes (e.g. --cpu-prof), set by the profiler. */
export interface MizzenOptions { readonly nodeFlags?: readonly string[] }

export async function startMizzen(ctx: ModeContext, o: MizzenOptions = {}): Promise<ProxySet> {
  const { topo, dir, proxyCpus } = ctx;
  const shared = join(dir, 'mizzen');
  mkdirSync(shared, { recursive: true });
  chmodSync(shared, 0o777);
  const registry = join(shared, 'registry.json');
  writeFileSync(registry, JSON.stringify(benchRegistry(topo.clusterIp, topo.clientIp, topo.serverIp), null, 2));
  applyCapture(topo.client);
  applyCapture(topo.server);
  const argv = [process.execPath, ...(o.nodeFlags ?? []), cliEntry, 'sidecar'];
  const ids = { uid: 1337, gid: 1337, cpus: proxyCpus };
  const clientLog = join(dir, 'mizzen-client-sidecar.log');
  const serverLog = join(dir, 'mizzen-server-sidecar.log');
  const client = topo.client.start(argv, { ...ids, logFile: clientLog, env: sidecarEnv(registry, CLIENT_POD, topo.clientIp, 'client', { app: 'client', version: 'v1' }, []) });
  const server = topo.server.start(argv, {
    ...ids, logFile: serverLog, env: sidecarEnv(registry, SERVER_POD, topo.serverIp, 'web-v1', { app: 'web', version: 'v1' }, [PORTS.http, PORTS.h2c, PORTS.iperf]),
  });
  await Promise.all([waitReady(topo.client, client, clientLog), waitReady(topo.server, server, serverLog)]);
  return {
    proxies: [{ side: 'client', pid: client.pid }, { side: 'server', pid: server.pid }],
    async stop() {
      await Promise.all([client.stop('SIGTERM', 8000), server.stop('SIGTERM', 8000)]);
    },
  };
}
