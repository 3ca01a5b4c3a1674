/**
 * Planning, pure: Deployment pod names, Istio's injection (istio-init arguments from the
 * traffic annotations, istio-proxy's user and environment, the probe rewrite), endpoints and
 * the registry, kube-proxy's rules, hosts files, and kernel names within their limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeManifests } from '../../src/runtime/manifest/decode.ts';
import { parseManifestText } from '../../src/runtime/manifest/load.ts';
import type { Pod } from '../../src/runtime/model/objects.ts';
import type { PodView, ServiceView } from '../../src/runtime/model/views.ts';
import { planApply, type MeshSnapshot } from '../../src/runtime/plan/apply-plan.ts';
import { allEndpoints } from '../../src/runtime/plan/endpoints.ts';
import { containerArgv, containerEnv, type PodFacts } from '../../src/runtime/plan/env.ts';
import { hostsFile } from '../../src/runtime/plan/hosts.ts';
import { istioInitArgs } from '../../src/runtime/plan/init-args.ts';
import { parseCidr } from '../../src/runtime/plan/ipam.ts';
import { defaultMeshId, podNetns, podVeth } from '../../src/runtime/plan/names.ts';
import { planPod } from '../../src/runtime/plan/pod-plan.ts';
import { buildRegistry } from '../../src/runtime/plan/registry.ts';
import { expandDeployment } from '../../src/runtime/plan/replicas.ts';
import { serviceRules } from '../../src/runtime/plan/service-rules.ts';
import type { SidecarOptions } from '../../src/runtime/plan/sidecar.ts';

const SIDECAR: SidecarOptions = { sidecarCommand: ['/bin/sidecar', '--x'], cliCommand: ['/node', '/repo/src/cli/main.ts'], registryPath: '/s/registry.json', outboundTrafficPolicy: 'ALLOW_ANY' };
const EMPTY: MeshSnapshot = { namespaces: new Map([['default', {}]]), objects: new Map(), clusterIPs: new Set(), podIPs: new Set(), pods: new Set(), deploymentPods: new Map() };

function pod(annotations: Record<string, string> = {}, extra = ''): Pod {
  const set = decodeManifests(parseManifestText(`
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web, version: v2}, annotations: ${JSON.stringify(annotations)}}
spec:
  containers:
  - name: web
    command: [python3, -m, http.server, "8000"]
    ports: [{name: http, containerPort: 8000}]
    readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 2}
    livenessProbe: {tcpSocket: {port: 8000}}
    startupProbe: {exec: {command: ["true"]}}
${extra}`, 't.yaml'));
  const p = set.pods[0];
  assert.ok(p);
  return p;
}

function seq(): () => number {
  let i = 0;
  return () => ((i++ * 7) % 27) / 27;
}

describe('plan: deployments and names', () => {
  it('names pods <deployment>-<pod-template-hash>-<5 chars> and labels them with the hash', () => {
    const set = decodeManifests(parseManifestText(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1}
spec:
  replicas: 3
  selector: {matchLabels: {app: reviews}}
  template:
    metadata: {labels: {app: reviews}}
    spec: {containers: [{name: r, command: [sleep, "9"]}]}
`, 'd.yaml'));
    const d = set.deployments[0];
    assert.ok(d);
    const pods = expandDeployment(d, seq(), new Set());
    assert.equal(pods.length, 3);
    const hash = pods[0]?.pod.metadata.labels['pod-template-hash'] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    for (const p of pods) {
      assert.match(p.pod.metadata.name, new RegExp(`^reviews-v1-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.equal(p.workload, 'reviews-v1');
    }
    assert.equal(new Set(pods.map((p) => p.pod.metadata.name)).size, 3);
    // The same template always hashes the same.
    assert.equal(expandDeployment(d, seq(), new Set())[0]?.pod.metadata.labels['pod-template-hash'], hash);
  });

  it('keeps kernel names within limits and derived from the mesh id', () => {
    const long = 'a'.repeat(60);
    assert.ok(podNetns('mzab12', 'default', long).length <= 60);
    assert.ok(podNetns('mzab12', 'default', long).startsWith('mzab12-default-'));
    assert.notEqual(podNetns('mzab12', 'default', `${long}x`), podNetns('mzab12', 'default', `${long}y`));
    assert.equal(podVeth('mzab12', 'default', long).length, 15);
    assert.ok(podVeth('mzab12', 'default', 'web').startsWith('mzab12'));
    assert.match(defaultMeshId('/var/run/mizzen'), /^mz[0-9a-f]{4}$/);
    assert.notEqual(defaultMeshId('/tmp/a'), defaultMeshId('/tmp/b'));
  });
});

describe('plan: sidecar injection as Istio does it', () => {
  it('maps the traffic annotations onto istio-init\'s arguments', () => {
    assert.deepEqual(istioInitArgs({}), ['-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020']);
    const args = istioInitArgs({
      'sidecar.istio.io/interceptionMode': 'TPROXY',
      'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.96.0.0/16',
      'traffic.sidecar.istio.io/excludeOutboundIPRanges': '10.96.0.1/32',
      'traffic.sidecar.istio.io/includeInboundPorts': '8000,9000',
      'traffic.sidecar.istio.io/excludeInboundPorts': '9001',
      'traffic.sidecar.istio.io/includeOutboundPorts': '80',
      'traffic.sidecar.istio.io/excludeOutboundPorts': '5432',
      'traffic.sidecar.istio.io/kubevirtInterfaces': 'net1',
      'traffic.sidecar.istio.io/excludeInterfaces': 'eth1',
    });
    assert.deepEqual(args, ['-p', '15001', '-z', '15006', '-u', '1337', '-m', 'TPROXY', '-i', '10.96.0.0/16', '-x', '10.96.0.1/32', '-b', '8000,9000',
      '-d', '15090,15021,15020,9001', '-q', '80', '-o', '5432', '-k', 'net1', '-c', 'eth1']);
    assert.equal(istioInitArgs({ 'traffic.sidecar.istio.io/excludeInboundPorts': '9001,15020' })[15], '15090,15021,9001,15020');
  });

  it('decides injection from the namespace label and the pod\'s annotation', () => {
    assert.equal(planPod({ pod: pod(), workload: 'web' }, {}, SIDECAR, () => undefined).sidecar, false);
    assert.equal(planPod({ pod: pod(), workload: 'web' }, { 'istio-injection': 'enabled' }, SIDECAR, () => undefined).sidecar, true);
    assert.equal(planPod({ pod: pod({ 'sidecar.istio.io/inject': 'false' }), workload: 'web' }, { 'istio-injection': 'enabled' }, SIDECAR, () => undefined).sidecar, false);
    assert.equal(planPod({ pod: pod({ 'sidecar.istio.io/inject': 'true' }), workload: 'web' }, {}, SIDECAR, () => undefined).sidecar, true);
  });

  it('adds istio-init and istio-proxy (uid 1337, Istio\'s env), rewrites probes and holds the app', () => {
    const p = planPod({ pod: pod({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8000' }), workload: 'web-v2' }, { 'istio-injection': 'enabled' }, SIDECAR, () => undefined);
    assert.deepEqual(p.initContainers.map((c) => [c.spec.name, c.uid]), [['istio-init', 0]]);
    assert.deepEqual(p.initContainers[0]?.spec.command, ['/node', '/repo/src/cli/main.ts', 'iptables']);
    assert.deepEqual(p.containers.map((c) => [c.spec.name, c.role, c.uid, c.gid]), [['istio-proxy', 'sidecar', 1337, 1337], ['web', 'app', 1000, 1000]]);
    assert.equal(p.holdApplicationUntilProxyStarts, true);
    const proxy = p.containers[0]?.spec;
    assert.deepEqual([...(proxy?.command ?? []), ...(proxy?.args ?? [])], ['/bin/sidecar', '--x']);
    const env = Object.fromEntries((proxy?.env ?? []).map((e) => [e.name, e.value ?? `<${e.fieldPath ?? ''}>`]));
    assert.equal(env['INSTANCE_IP'], '<status.podIP>');
    assert.equal(env['POD_NAME'], '<metadata.name>');
    assert.equal(env['ISTIO_META_WORKLOAD_NAME'], 'web-v2');
    assert.equal(env['ISTIO_META_APP_CONTAINERS'], 'web');
    assert.equal(env['ISTIO_META_CLUSTER_ID'], 'Kubernetes');
    assert.equal(env['ISTIO_METAJSON_LABELS'], '{"app":"web","version":"v2"}');
    assert.equal(env['ISTIO_META_POD_PORTS'], '[{"name":"http","containerPort":8000,"protocol":"TCP"}]');
    assert.equal(env['ISTIO_PROMETHEUS_ANNOTATIONS'], '{"scrape":"true","port":"8000"}');
    assert.equal(env['MIZZEN_REGISTRY'], '/s/registry.json');
    assert.equal(env['MIZZEN_OUTBOUND_TRAFFIC_POLICY'], 'ALLOW_ANY');
    assert.equal(env['TERMINATION_DRAIN_DURATION_SECONDS'], '5');
    assert.deepEqual(JSON.parse(env['ISTIO_KUBE_APP_PROBERS'] ?? ''), {
      '/app-health/web/readyz': { httpGet: { path: '/ready', port: 8000, scheme: 'HTTP' }, timeoutSeconds: 1 },
      '/app-health/web/livez': { tcpSocket: { port: 8000 }, timeoutSeconds: 1 },
    });
    assert.equal(env['ISTIO_KUBE_APP_PROBERS'], '{"/app-health/web/readyz":{"httpGet":{"path":"/ready","port":8000,"scheme":"HTTP"},"timeoutSeconds":1},"/app-health/web/livez":{"tcpSocket":{"port":8000},"timeoutSeconds":1}}');
    const web = p.containers[1]?.spec;
    assert.deepEqual(web?.readinessProbe?.httpGet, { path: '/app-health/web/readyz', port: 15020, scheme: 'HTTP', httpHeaders: [] });
    assert.equal(web?.readinessProbe?.periodSeconds, 2);
    assert.deepEqual(web?.livenessProbe?.httpGet?.path, '/app-health/web/livez');
    assert.deepEqual(web?.startupProbe?.exec, { command: ['true'] }, 'exec probes are not rewritten');
    assert.equal(p.metadata.annotations['kubectl.kubernetes.io/default-container'], 'web');
    assert.equal(p.metadata.labels['service.istio.io/canonical-revision'], 'v2');
  });

  it('honours proxy.istio.io/config holdApplicationUntilProxyStarts: false, and runAsUser', () => {
    const p = planPod({ pod: pod({ 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: false\nterminationDrainDuration: 12s' }, '  securityContext: {runAsUser: 4000}'), workload: 'web' },
      { 'istio-injection': 'enabled' }, SIDECAR, () => undefined);
    assert.equal(p.holdApplicationUntilProxyStarts, false);
    assert.deepEqual(p.containers.map((c) => [c.spec.name, c.uid, c.gid]), [['web', 4000, 4000], ['istio-proxy', 1337, 1337]]);
    assert.equal(p.containers[1]?.spec.env.find((e) => e.name === 'TERMINATION_DRAIN_DURATION_SECONDS')?.value, '12');
  });
});

describe('plan: environment', () => {
  it('fills fieldRefs and expands $(VAR) in env, command and args', () => {
    const p = pod();
    const c = { ...p.spec.containers[0]!, env: [{ name: 'IP', fieldPath: 'status.podIP' }, { name: 'URL', value: 'http://$(IP):8000/$$(x)' }], args: ['--url=$(URL)'] };
    const facts: PodFacts = { name: 'web', namespace: 'default', uid: 'u', podIP: '10.250.0.7', serviceAccountName: 'default', nodeName: 'n', hostIP: '10.250.0.1', labels: {}, annotations: {} };
    const env = containerEnv(c, facts);
    assert.equal(env['URL'], 'http://10.250.0.7:8000/$(x)');
    assert.equal(env['HOSTNAME'], 'web');
    assert.match(env['PATH'] ?? '', /\/usr\/bin/);
    assert.deepEqual(containerArgv(c, env).slice(-1), ['--url=http://10.250.0.7:8000/$(x)']);
  });
});

describe('plan: services, endpoints, registry, rules and names', () => {
  const svc = decodeManifests(parseManifestText(`
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http, appProtocol: http}]
`, 's.yaml')).services[0]!;
  const view: ServiceView = { service: svc, clusterIP: '10.96.0.5' };
  const podView = (name: string, ip: string, ready: boolean): PodView => ({
    namespace: 'default', name, ip, ready, active: true, labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
    workload: 'web', serviceAccount: 'default', sidecar: false,
  });
  const pods = [podView('web-1', '10.250.0.3', true), podView('web-2', '10.250.0.4', false), { ...podView('other', '10.250.0.9', true), labels: { app: 'x' } }];

  it('lists selected pods as endpoints with readiness and resolved ports', () => {
    const eps = allEndpoints([view], pods);
    assert.deepEqual(eps.map((e) => [e.pod, e.ready, e.ports[0]?.port]), [['web-1', true, 8000], ['web-2', false, 8000]]);
    const reg = buildRegistry(3, [view], eps, pods);
    assert.deepEqual(reg.services[0], {
      name: 'web', namespace: 'default', hostname: 'web.default.svc.cluster.local', clusterIP: '10.96.0.5', labels: { app: 'web' },
      selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8000, protocol: 'TCP', appProtocol: 'http' }],
    });
    assert.deepEqual(reg.endpoints[1], { service: 'web', namespace: 'default', ip: '10.250.0.4', ready: false, pod: 'web-2', ports: [{ name: 'http', port: 8000 }] });
    assert.deepEqual(reg.workloads[0], { pod: 'other', namespace: 'default', ip: '10.250.0.9', workload: 'web', labels: { app: 'x' }, serviceAccount: 'default', sidecar: false });
  });

  it('DNATs a ClusterIP to ready endpoints only, at random, and rejects when none is ready', () => {
    const ready2 = allEndpoints([view], [podView('a', '10.250.0.3', true), podView('b', '10.250.0.4', true)]);
    const rules = serviceRules([view], ready2);
    assert.match(rules, /-A PREROUTING -m comment --comment "mizzen service portals" -j MIZZEN-SERVICES/);
    assert.match(rules, /-A MIZZEN-SERVICES -d 10\.96\.0\.5\/32 -p tcp -m comment --comment "default\/web:http cluster IP" -m tcp --dport 80 -j MIZZEN-SVC-[A-Z2-7]{16}/);
    assert.match(rules, /-m statistic --mode random --probability 0\.5000000000 -j MIZZEN-SEP-/);
    assert.match(rules, /-j DNAT --to-destination 10\.250\.0\.3:8000/);
    assert.match(rules, /-j DNAT --to-destination 10\.250\.0\.4:8000/);
    const one = serviceRules([view], allEndpoints([view], pods));
    assert.doesNotMatch(one, /10\.250\.0\.4:8000/, 'a not-ready endpoint gets no traffic');
    assert.doesNotMatch(one, /statistic/);
    const none = serviceRules([view], []);
    assert.match(none, /-A MIZZEN-SERVICES -d 10\.96\.0\.5\/32 .*has no endpoints.* -j REJECT --reject-with icmp-port-unreachable/);
  });

  it('writes hosts entries for every service, the bare name only in the pod\'s namespace', () => {
    assert.match(hostsFile({ namespace: 'default', name: 'p', ip: '10.250.0.3' }, [view]), /^10\.96\.0\.5\tweb\.default\.svc\.cluster\.local web\.default\.svc web\.default web$/m);
    assert.match(hostsFile({ namespace: 'shop', name: 'p', ip: '10.250.0.3' }, [view]), /^10\.96\.0\.5\tweb\.default\.svc\.cluster\.local web\.default\.svc web\.default$/m);
  });
});

describe('plan: an apply against the running mesh', () => {
  const opts = { meshId: 'mzt1', podCidr: parseCidr('--pod-cidr', '10.250.0.0/16'), serviceCidr: parseCidr('--service-cidr', '10.96.0.0/16'), sidecar: SIDECAR, random: seq() };
  const docs = (text: string): ReturnType<typeof decodeManifests> => decodeManifests(parseManifestText(text, 'a.yaml'));
  const web = `
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec: {containers: [{name: c, command: [sleep, "9"]}]}
`;

  it('allocates ClusterIPs (never .1) and pod addresses (after the bridge\'s), reporting in document order', () => {
    const plan = planApply(docs(web), EMPTY, opts);
    assert.equal(plan.services[0]?.clusterIP, '10.96.0.2');
    assert.equal(plan.pods[0]?.ip, '10.250.0.2');
    assert.equal(plan.pods[0]?.netns, 'mzt1-default-web');
    assert.deepEqual(plan.results, ['service/web created', 'pod/web created']);
    assert.deepEqual(plan.waitFor, ['default/web']);
  });

  it('treats an identical re-apply as unchanged and refuses a different one whole', () => {
    const first = planApply(docs(web), EMPTY, opts);
    const snap: MeshSnapshot = {
      ...EMPTY,
      objects: new Map(first.created.map((o) => [`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, JSON.stringify(o)])),
      clusterIPs: new Set(['10.96.0.2']), podIPs: new Set(['10.250.0.2']), pods: new Set(['default/web']),
    };
    const again = planApply(docs(web), snap, opts);
    assert.deepEqual(again.results, ['service/web unchanged', 'pod/web unchanged']);
    assert.deepEqual(again.pods, []);
    assert.deepEqual(again.waitFor, ['default/web']);
    assert.throws(() => planApply(docs(web.replace('port: 80', 'port: 81')), snap, opts), /Service default\/web: already exists with a different spec/);
  });
});
