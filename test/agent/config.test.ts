/**
 * `mizzen sidecar`'s configuration: Istio's env vars and the flags bind into one frozen config
 * (flags win; the discovery address also from PROXY_CONFIG; ISTIO_META_* into node metadata),
 * and a bad value is refused naming the flag or variable and the value, both in the binder and
 * through the real CLI (non-zero exit, nothing started).
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
      [{ ...env, MIZZEN_REGISTRY: undefined }, {}, /--registry \(or MIZZEN_REGISTRY\): "": the service registry path is required when there is no discovery address/],
    ];
    for (const [e, flags, re] of cases) {
      assert.throws(() => bindSidecarConfig({ env: e, flags }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'MZ_INVALID_FLAG');
        assert.match(err.message, re);
        return true;
      });
    }
  });

  it('takes the discovery address from PROXY_CONFIG, PILOT_DISCOVERY_ADDRESS, then --discovery-address', () => {
    const noRegistry = { ...env, MIZZEN_REGISTRY: undefined };
    const proxyConfig = bindSidecarConfig({ env: { ...noRegistry, PROXY_CONFIG: '{"discoveryAddress":"istiod.istio-system.svc:15010","concurrency":2}' }, flags: {} });
    assert.equal(proxyConfig.discoveryAddress, 'istiod.istio-system.svc:15010');
    assert.equal(proxyConfig.registryPath, '', 'no registry is needed with a discovery address');
    const yaml = bindSidecarConfig({ env: { ...noRegistry, PROXY_CONFIG: 'discoveryAddress: istiod.mesh.svc:15012\n' }, flags: {} });
    assert.equal(yaml.discoveryAddress, 'istiod.mesh.svc:15012');
    const pilot = bindSidecarConfig({ env: { ...noRegistry, PROXY_CONFIG: '{"discoveryAddress":"a.b:1"}', PILOT_DISCOVERY_ADDRESS: '10.96.0.10:15010' }, flags: {} });
    assert.equal(pilot.discoveryAddress, '10.96.0.10:15010');
    const flag = bindSidecarConfig({ env: { ...noRegistry, PILOT_DISCOVERY_ADDRESS: '10.96.0.10:15010' }, flags: { 'discovery-address': '[fd00::1]:15010' } });
    assert.equal(flag.discoveryAddress, '[fd00::1]:15010');
    assert.equal(bindSidecarConfig({ env: noRegistry, flags: { 'discovery-address': 'unix:/run/mizzen/ads.sock' } }).discoveryAddress, 'unix:/run/mizzen/ads.sock');
    assert.equal(bindSidecarConfig({ env, flags: {} }).discoveryAddress, '', 'registry mode when none is set');
  });

  it('passes ISTIO_META_* and ISTIO_METAJSON_* variables on as node metadata', () => {
    const c = bindSidecarConfig({ env: { ...env, ISTIO_META_DNS_CAPTURE: 'true', ISTIO_METAJSON_ANNOTATIONS: '{"a":"b"}' }, flags: { 'mesh-id': 'm1' } });
    assert.equal(c.nodeMetadata['DNS_CAPTURE'], 'true');
    assert.deepEqual(c.nodeMetadata['ANNOTATIONS'], { a: 'b' });
    assert.equal(c.nodeMetadata['WORKLOAD_NAME'], 'reviews-v1');
    assert.equal(c.meshId, 'm1');
  });

  it('refuses a bad discovery address, naming where it came from', () => {
    const cases: [NodeJS.ProcessEnv, Record<string, string>, RegExp][] = [
      [env, { 'discovery-address': 'istiod' }, /--discovery-address: "istiod": expected host:port, e\.g\. istiod\.istio-system\.svc:15010/],
      [{ ...env, PILOT_DISCOVERY_ADDRESS: 'istiod:99999' }, {}, /environment variable PILOT_DISCOVERY_ADDRESS: "istiod:99999": the port must be from 1 to 65535/],
      [{ ...env, PROXY_CONFIG: '{"discoveryAddress":"bad host:1"}' }, {}, /environment variable PROXY_CONFIG \(discoveryAddress\): "bad host:1": "bad host" is not a host name or IP address/],
      [{ ...env, PROXY_CONFIG: '{"discoveryAddress":15010}' }, {}, /PROXY_CONFIG \(discoveryAddress\): 15010: expected a string/],
      [{ ...env, PROXY_CONFIG: '[1,2' }, {}, /environment variable PROXY_CONFIG: "\[1,2": not valid YAML or JSON/],
      [env, { 'discovery-address': 'unix:relative.sock' }, /a unix socket address needs an absolute path/],
      [{ ...env, ISTIO_METAJSON_ANNOTATIONS: '{nope' }, {}, /environment variable ISTIO_METAJSON_ANNOTATIONS: "\{nope": not valid JSON/],
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
