/**
 * Through the ingress gateways: XFF with gatewayTopology.numTrustedProxies (edge-gateway, whose
 * ProxyConfig trusts one proxy, against istio-ingressgateway, which trusts none), and the
 * headers an app behind a sidecar receives, as the seeds show them.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TrafficMesh } from '../mesh-driver.ts';
import { get } from '../requests.ts';

export function gatewayHeadersSuite(mesh: TrafficMesh): void {
  const XFF = { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' };
  const viaHost = (path: string, headers: Record<string, string> = {}): Record<string, string> => {
    const r = mesh.viaGateway('xff.traffic.test', path, headers);
    assert.equal(r.status, 200, r.body);
    return (JSON.parse(r.body) as { headers: Record<string, string> }).headers;
  };

  it('gatewayTopology.numTrustedProxies 1 (edge-gateway\'s ProxyConfig): the client is the last XFF address, named in x-envoy-external-address; its x-forwarded-proto is kept', async () => {
    const [gw] = mesh.podsOf('edge-gateway');
    assert.ok(gw);
    await mesh.untilConfig(gw, 'listener', (j) => j.includes('"xffNumTrustedHops":1'), 'xff_num_trusted_hops 1');
    const ip = await mesh.podIp(gw);
    const bareIp = await mesh.podIp('bare.traffic');
    // From bare (no sidecar), as a load balancer in front of the gateway would forward it.
    const out = await mesh.exec('bare.traffic', 'app', ['curl', '-sS', '-H', 'Host: xff.traffic.test', '-H', `x-forwarded-for: ${XFF['x-forwarded-for']}`,
      '-H', `x-forwarded-proto: ${XFF['x-forwarded-proto']}`, `http://${ip}:8080/xff/trusted`]);
    const h = (JSON.parse(out) as { headers: Record<string, string> }).headers;
    assert.equal(h['x-forwarded-for'], `203.0.113.7,${bareIp}`);
    assert.equal(h['x-envoy-external-address'], '203.0.113.7');
    assert.equal(h['x-forwarded-proto'], 'https');
    assert.equal(h['x-envoy-internal'], undefined);
  });

  it('numTrustedProxies 0 (istio-ingressgateway): the peer is the client; an XFF sender is external, its x-forwarded-proto overwritten', () => {
    const h = viaHost('/xff/untrusted', XFF);
    assert.equal(h['x-forwarded-for'], '203.0.113.7,127.0.0.1');
    assert.equal(h['x-envoy-external-address'], '127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-envoy-internal'], undefined);
  });

  it('the headers the app behind a sidecar receives, as the seeds show: from the gateway XFF and x-envoy-*, b3 trace headers, no peer metadata, no XFCC without mTLS', async () => {
    const h = viaHost('/xff/seeds');
    assert.equal(h['x-forwarded-for'], '127.0.0.1', 'the gateway puts the client address in XFF');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-envoy-internal'], 'true');
    assert.equal(h['x-envoy-attempt-count'], '1');
    assert.match(h['x-request-id'] ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.match(h['x-b3-traceid'] ?? '', /^[0-9a-f]{32}$/);
    assert.match(h['x-b3-spanid'] ?? '', /^[0-9a-f]{16}$/);
    assert.match(h['x-b3-parentspanid'] ?? '', /^[0-9a-f]{16}$/, 'the sidecar\'s span is a child of the gateway\'s');
    assert.match(h['x-b3-sampled'] ?? '', /^[01]$/);
    for (const absent of ['x-envoy-peer-metadata', 'x-envoy-peer-metadata-id', 'x-forwarded-client-cert', 'x-envoy-external-address']) assert.equal(h[absent], undefined, absent);
    // Between sidecars: no XFF (sidecars do not append), the same x-envoy and trace headers.
    const mesh2 = (await mesh.one(get('/xff/sidecar'))).echo?.headers ?? {};
    assert.equal(mesh2['x-forwarded-for'], undefined);
    assert.equal(mesh2['x-forwarded-proto'], 'http');
    assert.equal(mesh2['x-envoy-attempt-count'], '1');
    assert.match(mesh2['x-b3-parentspanid'] ?? '', /^[0-9a-f]{16}$/);
    for (const absent of ['x-envoy-peer-metadata', 'x-envoy-peer-metadata-id', 'x-forwarded-client-cert', 'x-envoy-internal']) assert.equal(mesh2[absent], undefined, absent);
  });
}
