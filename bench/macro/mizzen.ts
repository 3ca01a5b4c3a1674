/**
 * Mode "mizzen": `mizzen sidecar` as uid/gid 1337 in both pods, behind the injector's capture
 * rules, programmed over xDS (PILOT_DISCOVERY_ADDRESS) by a real `mizzen control` in the node
 * namespace, which reads a registry.json written here: Service `web.bench` with ClusterIP
 * 10.97.0.10 and ports `http` 80 (HTTP/1.1, L7), `http2` 8081 (h2c, L7 with HTTP/2 upstream, per
 * Istio's cluster protocol), `grpc` 50051 (gRPC, L7, HTTP/2 upstream) and `tcp-iperf` 5201 (tcp_proxy), one endpoint (the server pod). The
 * client calls the ClusterIP, so its sidecar picks the endpoint (no kube-proxy DNAT). Telemetry
 * stays on: Istio's HTTP and TCP metrics, and the access log to a file per sidecar.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCapture } from './capture.ts';
import { repoRoot } from './paths.ts';
import { startControlPlane } from './control-plane.ts';
import { waitFor, type Netns, type Proc } from './netns.ts';
import type { ModeContext, ProxySet } from './mode.ts';
import { readTelemetry } from './telemetry.ts';
import { PORTS } from './topology.ts';

const NS = 'bench';
const CLIENT_POD = 'client-6d4f9-abcde';
const SERVER_POD = 'web-v1-7f9c8-x2x1q';

export function benchRegistry(clusterIp: string, clientIp: string, serverIp: string): unknown {
  const ports = [
    { name: 'http', port: PORTS.http, targetPort: PORTS.http, protocol: 'TCP', appProtocol: null },
    { name: 'http2', port: PORTS.h2c, targetPort: PORTS.h2c, protocol: 'TCP', appProtocol: null },
    { name: 'grpc', port: PORTS.grpc, targetPort: PORTS.grpc, protocol: 'TCP', appProtocol: null },
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

interface SidecarIdentity { pod: string; ip: string; workload: string; labels: Record<string, string>; ports: number[]; accessLog: string }

/** The istio-proxy container's environment as the injector writes it (src/runtime/plan/sidecar.ts), with xDS. */
function sidecarEnv(discovery: string, s: SidecarIdentity): Record<string, string> {
  return {
    PILOT_DISCOVERY_ADDRESS: discovery, POD_NAME: s.pod, POD_NAMESPACE: NS, INSTANCE_IP: s.ip, SERVICE_ACCOUNT: s.labels['app'] ?? 'default',
    ISTIO_META_WORKLOAD_NAME: s.workload, ISTIO_META_CLUSTER_ID: 'Kubernetes', ISTIO_META_APP_CONTAINERS: 'app',
    ISTIO_METAJSON_LABELS: JSON.stringify(s.labels), TERMINATION_DRAIN_DURATION_SECONDS: '1',
    ISTIO_META_POD_PORTS: JSON.stringify(s.ports.map((p) => ({ containerPort: p, protocol: 'TCP' }))),
    MIZZEN_ACCESS_LOG_FILE: s.accessLog,
  };
}

async function waitReady(pod: Netns, proc: Proc, log: string): Promise<void> {
  await waitFor(() => {
    if (!proc.running()) throw new Error(`mizzen sidecar in ${pod.name} exited; see ${log}`);
    return pod.tryExec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1:15021/healthz/ready']).stdout === '200';
  }, 30_000, `the mizzen sidecar in ${pod.name} to be ready`);
}

/** Extra node flags for the sidecar processes (e.g. --cpu-prof, set by the profiler), and extra environment (experiments). */
export interface MizzenOptions { readonly nodeFlags?: readonly string[]; readonly env?: Readonly<Record<string, string>> }

export async function startMizzen(ctx: ModeContext, o: MizzenOptions = {}): Promise<ProxySet> {
  const { topo, dir, proxyCpus } = ctx;
  const shared = join(dir, 'mizzen');
  mkdirSync(shared, { recursive: true });
  chmodSync(shared, 0o777);
  const registry = join(shared, 'registry.json');
  writeFileSync(registry, JSON.stringify(benchRegistry(topo.clusterIp, topo.clientIp, topo.serverIp), null, 2));
  const cp = await startControlPlane({ node: topo.node, address: topo.nodeIp, registry, dir, cpus: ctx.loadCpus });
  applyCapture(topo.client);
  applyCapture(topo.server);
  // As the runtime starts it: bin/mizzen.js runs precompiled dist/ when fresh and adds the sidecar's V8 flags.
  const argv = [process.execPath, ...(o.nodeFlags ?? []), join(repoRoot, 'bin', 'mizzen.js'), 'sidecar'];
  const ids = { uid: 1337, gid: 1337, cpus: proxyCpus };
  const clientLog = join(dir, 'mizzen-client-sidecar.log');
  const serverLog = join(dir, 'mizzen-server-sidecar.log');
  const clientAccess = join(shared, 'client-access.log');
  const serverAccess = join(shared, 'server-access.log');
  const client = topo.client.start(argv, {
    ...ids, logFile: clientLog,
    env: { ...sidecarEnv(cp.discoveryAddress, { pod: CLIENT_POD, ip: topo.clientIp, workload: 'client', labels: { app: 'client', version: 'v1' }, ports: [], accessLog: clientAccess }), ...o.env },
  });
  const server = topo.server.start(argv, {
    ...ids, logFile: serverLog,
    env: { ...sidecarEnv(cp.discoveryAddress, { pod: SERVER_POD, ip: topo.serverIp, workload: 'web-v1', labels: { app: 'web', version: 'v1' }, ports: [PORTS.http, PORTS.h2c, PORTS.grpc, PORTS.iperf], accessLog: serverAccess }), ...o.env },
  });
  await Promise.all([waitReady(topo.client, client, clientLog), waitReady(topo.server, server, serverLog)]);
  return {
    proxies: [{ side: 'client', pid: client.pid }, { side: 'server', pid: server.pid }],
    others: [{ name: 'control plane (mizzen control)', pid: cp.proc.pid }],
    telemetry: () => readTelemetry({ pod: topo.client, accessLog: clientAccess }, { pod: topo.server, accessLog: serverAccess }),
    async stop() {
      await Promise.all([client.stop('SIGTERM', 8000), server.stop('SIGTERM', 8000)]);
      await cp.proc.stop('SIGTERM', 5000);
    },
  };
}
