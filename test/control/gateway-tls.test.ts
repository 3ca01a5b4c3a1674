/**
 * HTTPS and TLS at the gateway, control plane to data plane: Gateway servers with tls.mode
 * SIMPLE, MUTUAL and PASSTHROUGH become one listener with tls_inspector and filter chains by
 * SNI (a DownstreamTlsContext with the server's files and the gateway HCM on
 * `https.<number>.<port name>.<gateway>.<ns>`, or tcp_proxy to the VirtualService tls route's
 * destination), checked through the sidecar's own listener translator with real certificates;
 * missing files and bad PEM are refused naming the field; a credentialName without its Secret
 * is left out (test/control/sds.test.ts covers credentials by SDS).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeAny } from '../../src/core/xds/protos.ts';
import { TypeUrls } from '../../src/core/xds/type-urls.ts';
import type { PushContext } from '../../src/control/model/push-context.ts';
import type { Json } from '../../src/control/xds/generator.ts';
import { generateGatewayListeners } from '../../src/control/xds/lds/gateway-listeners.ts';
import { generateGatewayRoutes } from '../../src/control/xds/rds/gateway-routes.ts';
import { translateListener } from '../../src/proxy/xds/translate/listener.ts';
import { translateRouteConfiguration } from '../../src/proxy/xds/translate/route-configuration.ts';
import { gatewayProxy, meta, pushContextOf, svc } from '../helpers/gateway-push.ts';
import { makeTestCerts } from '../helpers/tls-certs.ts';

const certs = makeTestCerts(['bookinfo.example.com', 'mtls.example.com']);

const REGISTRY = {
  version: 1,
  services: [
    svc('web', 'hello', '10.96.0.3', { app: 'web' }, [['http', 80, 8080]]),
    svc('secure', 'hello', '10.96.0.5', { app: 'secure' }, [['tls', 443, 8443]]),
    svc('istio-ingressgateway', 'istio-system', '10.96.0.9', { istio: 'ingressgateway' }, [['http2', 80, 8080], ['https', 443, 8443]]),
  ],
  endpoints: [
    { service: 'web', namespace: 'hello', ip: '10.250.0.3', ready: true, pod: 'web-1', ports: [{ name: 'http', port: 8080 }] },
    { service: 'secure', namespace: 'hello', ip: '10.250.0.5', ready: true, pod: 'secure-1', ports: [{ name: 'tls', port: 8443 }] },
    { service: 'istio-ingressgateway', namespace: 'istio-system', ip: '10.250.0.9', ready: false, pod: 'gw-1', ports: [{ name: 'http2', port: 8080 }, { name: 'https', port: 8443 }] },
  ],
  workloads: [
    { pod: 'gw-1', namespace: 'istio-system', ip: '10.250.0.9', workload: 'istio-ingressgateway', labels: { istio: 'ingressgateway' }, serviceAccount: 'gw', sidecar: false },
  ],
};

const gateway = (servers: unknown[]) => ({ ...meta('Gateway', 'hello', 'tls-gateway'), spec: { selector: { istio: 'ingressgateway' }, servers } });
const SIMPLE = { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['bookinfo.example.com'], tls: { mode: 'SIMPLE', serverCertificate: certs.serverCert, privateKey: certs.serverKey } };
const MUTUAL = { port: { number: 443, name: 'https-mtls', protocol: 'HTTPS' }, hosts: ['mtls.example.com'], tls: { mode: 'MUTUAL', serverCertificate: certs.serverCert, privateKey: certs.serverKey, caCertificates: certs.ca } };
const PASSTHROUGH = { port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['secure.example.com'], tls: { mode: 'PASSTHROUGH' } };
const VS = [
  { ...meta('VirtualService', 'hello', 'web'), spec: { hosts: ['bookinfo.example.com', 'mtls.example.com'], gateways: ['tls-gateway'], http: [{ route: [{ destination: { host: 'web' } }] }] } },
  { ...meta('VirtualService', 'hello', 'secure'), spec: { hosts: ['secure.example.com'], gateways: ['tls-gateway'], tls: [{ match: [{ sniHosts: ['secure.example.com'] }], route: [{ destination: { host: 'secure', port: { number: 443 } } }] }] } },
];

function pushOf(config: unknown[]): PushContext {
  return pushContextOf(REGISTRY, config);
}

function listener8443(config: unknown[]): Json | undefined {
  return generateGatewayListeners(gatewayProxy(), pushOf(config)).find((l) => l.name === '0.0.0.0_8443')?.resource;
}

describe('gateway TLS LDS', () => {
  it('SIMPLE, MUTUAL and PASSTHROUGH servers share 0.0.0.0_8443: tls_inspector, chains by SNI', () => {
    const l = listener8443([gateway([SIMPLE, MUTUAL, PASSTHROUGH]), ...VS]);
    assert.ok(l);
    assert.doesNotThrow(() => encodeAny(TypeUrls.listener, l));
    assert.deepEqual((l['listenerFilters'] as Json[]).map((f) => f['name']), ['envoy.filters.listener.tls_inspector']);
    const chains = l['filterChains'] as Json[];
    assert.deepEqual(chains.map((c) => (c['filterChainMatch'] as Json)['serverNames']), [['bookinfo.example.com'], ['mtls.example.com'], ['secure.example.com']]);
    const ctx = (i: number) => ((chains[i]?.['transportSocket'] as Json)['typedConfig'] as Json);
    assert.equal(ctx(0)['requireClientCertificate'], false);
    assert.deepEqual((ctx(0)['commonTlsContext'] as Json)['tlsCertificates'], [{ certificateChain: { filename: certs.serverCert }, privateKey: { filename: certs.serverKey } }]);
    assert.deepEqual((ctx(0)['commonTlsContext'] as Json)['alpnProtocols'], ['h2', 'http/1.1']);
    assert.equal(ctx(1)['requireClientCertificate'], true);
    assert.deepEqual((ctx(1)['commonTlsContext'] as Json)['validationContext'], { trustedCa: { filename: certs.ca } });
    assert.equal(chains[2]?.['transportSocket'], undefined);

    const cfg = translateListener(l);
    assert.equal(cfg.inspection.tls, true);
    const [simple, mutual, pass] = cfg.filterChains;
    assert.ok(simple?.transportSocket && mutual?.transportSocket);
    assert.equal(simple.transportSocket.requireClientCertificate, false);
    assert.deepEqual(simple.transportSocket.alpnProtocols, ['h2', 'http/1.1']);
    assert.equal(mutual.transportSocket.requireClientCertificate, true);
    assert.equal(mutual.transportSocket.verifyClient, true);
    assert.ok(simple.route.kind === 'http_connection_manager');
    assert.equal(simple.route.rds, 'https.443.https.tls-gateway.hello');
    assert.equal(pass?.transportSocket, undefined);
    assert.ok(pass?.route.kind === 'tcp_proxy');
    assert.deepEqual(pass.route.target, { kind: 'cluster', cluster: 'outbound|443||secure.hello.svc.cluster.local' });
  });

  it('routes each terminating HTTPS server on its own https.* route configuration', () => {
    const push = pushOf([gateway([SIMPLE, MUTUAL, PASSTHROUGH]), ...VS]);
    const names = generateGatewayRoutes(gatewayProxy(), push).map((r) => r.name).sort();
    assert.deepEqual(names, ['https.443.https-mtls.tls-gateway.hello', 'https.443.https.tls-gateway.hello']);
    const [rc] = generateGatewayRoutes(gatewayProxy(), push, ['https.443.https.tls-gateway.hello']);
    assert.ok(rc);
    const config = translateRouteConfiguration(rc.resource);
    assert.deepEqual(config.virtualHosts.map((v) => v.name), ['bookinfo.example.com:443']);
  });

  it('skips servers without usable credentials; the proxy refuses missing files and bad PEM naming the field', () => {
    const cred = { ...SIMPLE, tls: { mode: 'SIMPLE', credentialName: 'bookinfo-cert' } };
    assert.equal(listener8443([gateway([cred]), ...VS]), undefined);
    const missing = listener8443([gateway([{ ...SIMPLE, tls: { ...SIMPLE.tls, privateKey: '/nonexistent/key.pem' } }]), ...VS]);
    assert.ok(missing);
    assert.throws(() => translateListener(missing), /^.*Listener 0\.0\.0\.0_8443: filterChains\[0\]\.transportSocket\.typedConfig\.commonTlsContext\.tlsCertificates\[0\]\.privateKey\.filename: cannot read "\/nonexistent\/key\.pem": ENOENT/);
    const bad = join(certs.dir, 'bad.pem');
    writeFileSync(bad, 'not a certificate');
    const badPem = listener8443([gateway([{ ...SIMPLE, tls: { ...SIMPLE.tls, serverCertificate: bad } }]), ...VS]);
    assert.ok(badPem);
    assert.throws(() => translateListener(badPem), /tlsCertificates\[0\]\.certificateChain: is not a PEM certificate/);
  });
});
