/**
 * `mizzen sidecar`'s configuration: Istio's env vars and the flags bind into one frozen config
 * (flags win), and a bad value is refused naming the flag or variable and the value, both in
 * the binder and through the real CLI (non-zero exit, nothing started).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindSidecarConfig } from '../../src/agent/bind.ts';
import { runCli } from '../helpers/cli.ts';

const env = {
  MIZZEN_REGISTRY: '/var/run/mizzen/registry.json',
  POD_NAME: 'reviews-v1-7f9c-x2x1',
  POD_NAMESPACE: 'bookinfo',
  INSTANCE_IP: '10.250.0.5',
  ISTIO_META_WORKLOAD_NAME: 'reviews-v1',
  ISTIO_META_CLUSTER_ID: 'Kubernetes',
  ISTIO_META_APP_CONTAINERS: 'reviews, sidecar-helper',
  ISTIO_METAJSON_LABELS: '{"app":"reviews","version":"v1"}',
  ISTIO_META_POD_PORTS: '[{"name":"http","containerPort":9080,"protocol":"TCP"}]',
  ISTIO_KUBE_APP_PROBERS: '{"/app-health/reviews/readyz":{"httpGet":{"path":"/health","port":9080,"scheme":"HTTP"},"timeoutSeconds":3}}',
  ISTIO_PROMETHEUS_ANNOTATIONS: '{"scrape":"true","path":"/metrics","port":"9091"}',
  MIZZEN_OUTBOUND_TRAFFIC_POLICY: 'REGISTRY_ONLY',
  TERMINATION_DRAIN_DURATION_SECONDS: '7',
  INTERCEPTION_MODE: 'TPROXY',
};

describe('sidecar config', () => {
  it("binds Istio's environment into one frozen config", () => {
    const c = bindSidecarConfig({ env, flags: {} });
    assert.equal(c.registryPath, '/var/run/mizzen/registry.json');
    assert.equal(c.podNamespace, 'bookinfo');
    assert.deepEqual(c.appContainers, ['reviews', 'sidecar-helper']);
    assert.deepEqual(c.labels, { app: 'reviews', version: 'v1' });
    assert.deepEqual(c.podPorts, [{ name: 'http', containerPort: 9080, protocol: 'TCP' }]);
    assert.deepEqual(c.appProbers['/app-health/reviews/readyz'], { timeoutSeconds: 3, httpGet: { path: '/health', port: 9080, scheme: 'HTTP', httpHeaders: [] } });
    assert.deepEqual(c.prometheusScrape, { path: '/metrics', port: '9091' });
    assert.equal(c.outboundTrafficPolicy, 'REGISTRY_ONLY');
    assert.equal(c.drainDurationMs, 7000);
    assert.equal(c.interceptionMode, 'TPROXY');
    assert.equal(c.connectTimeoutMs, 10_000);
    assert.equal(c.proxyAdminPort, 15000);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.labels) && Object.isFrozen(c.podPorts[0]));
  });

  it('lets flags override the environment', () => {
    const c = bindSidecarConfig({ env, flags: { 'outbound-traffic-policy': 'ALLOW_ANY', 'termination-drain-duration': '1', 'connect-timeout': '250ms', 'interception-mode': 'REDIRECT', 'proxy-admin-port': '16000' } });
    assert.equal(c.outboundTrafficPolicy, 'ALLOW_ANY');
    assert.equal(c.drainDurationMs, 1000);
    assert.equal(c.connectTimeoutMs, 250);
    assert.equal(c.interceptionMode, 'REDIRECT');
    assert.equal(c.proxyAdminPort, 16000);
  });

  it('names the flag or variable and the value it refuses', () => {
    const cases: [NodeJS.ProcessEnv, Record<string, string>, RegExp][] = [
      [env, { 'outbound-traffic-policy': 'DENY' }, /--outbound-traffic-policy: "DENY": expected ALLOW_ANY or REGISTRY_ONLY/],
      [{ ...env, MIZZEN_OUTBOUND_TRAFFIC_POLICY: 'allow_any' }, {}, /environment variable MIZZEN_OUTBOUND_TRAFFIC_POLICY: "allow_any"/],
      [{ ...env, INTERCEPTION_MODE: 'TPORXY' }, {}, /environment variable INTERCEPTION_MODE: "TPORXY": expected REDIRECT or TPROXY/],
      [env, { 'proxy-admin-port': '70000' }, /--proxy-admin-port: "70000": expected a port number/],
      [env, { 'status-port': '15090' }, /--status-port: 15090: port is also used by --prometheus-port/],
      [{ ...env, TERMINATION_DRAIN_DURATION_SECONDS: '5s' }, {}, /environment variable TERMINATION_DRAIN_DURATION_SECONDS: "5s": expected a number of seconds/],
      [env, { 'connect-timeout': 'soon' }, /--connect-timeout: "soon": expected a positive duration/],
      [{ ...env, ISTIO_METAJSON_LABELS: '{"app":1}' }, {}, /environment variable ISTIO_METAJSON_LABELS: .*expected a JSON object of string labels/],
      [{ ...env, ISTIO_KUBE_APP_PROBERS: '{"/healthz":{"httpGet":{"port":80}}}' }, {}, /environment variable ISTIO_KUBE_APP_PROBERS: .*\/healthz: invalid path/],
      [{ ...env, ISTIO_KUBE_APP_PROBERS: '{"/app-health/a/livez":{"httpGet":{"port":"http"}}}' }, {}, /\/app-health\/a\/livez: the port must be int type/],
      [{ ...env, ISTIO_KUBE_APP_PROBERS: '{"/app-health/a/livez":{"httpGet":{"port":80},"tcpSocket":{"port":80}}}' }, {}, /must be one of type httpGet, tcpSocket or gRPC/],
      [{ ...env, ISTIO_PROMETHEUS_ANNOTATIONS: '{"port":"15020"}' }, {}, /ISTIO_PROMETHEUS_ANNOTATIONS: "15020": application port is the same as the agent status port/],
      [{ ...env, INSTANCE_IP: '10.250.0' }, {}, /environment variable INSTANCE_IP: "10.250.0": expected an IP address/],
      [{ ...env, MIZZEN_REGISTRY: undefined }, {}, /--registry \(or MIZZEN_REGISTRY\): "": the service registry path is required/],
    ];
    for (const [e, flags, re] of cases) {
      assert.throws(() => bindSidecarConfig({ env: e, flags }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'MZ_INVALID_FLAG');
        assert.match(err.message, re);
        return true;
      });
    }
  });

  it('the CLI exits non-zero with the flag and value named', async () => {
    const r = await runCli(['sidecar', '--registry', '/nonexistent/registry.json', '--outbound-traffic-policy', 'BOGUS']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /mizzen: invalid value for --outbound-traffic-policy: "BOGUS": expected ALLOW_ANY or REGISTRY_ONLY/);
    const e = await runCli(['sidecar', '--registry', '/nonexistent/registry.json'], { env: { ...process.env, TERMINATION_DRAIN_DURATION_SECONDS: 'forever' } });
    assert.notEqual(e.code, 0);
    assert.match(e.stderr, /environment variable TERMINATION_DRAIN_DURATION_SECONDS: "forever"/);
    const help = await runCli(['sidecar', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--outbound-traffic-policy <value>.*\(env MIZZEN_OUTBOUND_TRAFFIC_POLICY\)/);
  });
});
