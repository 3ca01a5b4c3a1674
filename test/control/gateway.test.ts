/**
 * The gateway flavour of the control plane: LDS, RDS and CDS for a proxy of type router that
 * Gateways select by labels, checked by running the generated resources through the sidecar's
 * own translators (what `mizzen gateway` accepts) and routing requests with the data plane's
 * selectRoute: one bound listener per server port (Service 80 -> targetPort 8080), the edge
 * HCM (use_remote_address, xff_num_trusted_hops, istio-envoy), virtual hosts from the
 * VirtualServices bound to the Gateway (wildcards, ns/host scoping, per-match gateways),
 * httpsRedirect's 301, and 404 for hosts nobody routes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAny } from '../../src/core/xds/protos.ts';
import { TypeUrls } from '../../src/core/xds/type-urls.ts';
import { parseProxy, type Proxy } from '../../src/control/model/proxy.ts';
import type { PushContext } from '../../src/control/model/push-context.ts';
import { GATEWAY_GENERATORS, generatorsFor } from '../../src/control/xds/generators.ts';
import type { Json } from '../../src/control/xds/generator.ts';
import { generateGatewayClusters } from '../../src/control/xds/cds/gateway-clusters.ts';
import { generateGatewayListeners } from '../../src/control/xds/lds/gateway-listeners.ts';
import { generateGatewayRoutes } from '../../src/control/xds/rds/gateway-routes.ts';
import { generateSidecarRoutes } from '../../src/control/xds/rds/route-generator.ts';
import { translateListener } from '../../src/proxy/xds/translate/listener.ts';
import { translateRouteConfiguration } from '../../src/proxy/xds/translate/route-configuration.ts';
import { selectRoute } from '../../src/proxy/route/select-route.ts';
import type { RouteConfig } from '../../src/proxy/route/route-config.ts';
import { gatewayProxy as gatewayProxyOf, meta, pushContextOf, svc } from '../helpers/gateway-push.ts';

const REGISTRY = {
  version: 1,
  services: [
    svc('web', 'hello', '10.96.0.3', { app: 'web' }, [['http', 80, 8080]]),
    svc('api', 'hello', '10.96.0.4', { app: 'api' }, [['http', 9080, 9080]]),
    svc('istio-ingressgateway', 'istio-system', '10.96.0.9', { istio: 'ingressgateway' }, [['http2', 80, 8080], ['https', 443, 8443]]),
  ],
  endpoints: [
    { service: 'web', namespace: 'hello', ip: '10.250.0.3', ready: true, pod: 'web-1', ports: [{ name: 'http', port: 8080 }] },
    { service: 'api', namespace: 'hello', ip: '10.250.0.4', ready: true, pod: 'api-1', ports: [{ name: 'http', port: 9080 }] },
    { service: 'istio-ingressgateway', namespace: 'istio-system', ip: '10.250.0.9', ready: false, pod: 'gw-1', ports: [{ name: 'http2', port: 8080 }, { name: 'https', port: 8443 }] },
  ],
  workloads: [
    { pod: 'web-1', namespace: 'hello', ip: '10.250.0.3', workload: 'web', labels: { app: 'web' }, serviceAccount: 'default', sidecar: true },
    { pod: 'api-1', namespace: 'hello', ip: '10.250.0.4', workload: 'api', labels: { app: 'api' }, serviceAccount: 'default', sidecar: true },
    { pod: 'gw-1', namespace: 'istio-system', ip: '10.250.0.9', workload: 'istio-ingressgateway', labels: { istio: 'ingressgateway' }, serviceAccount: 'gw', sidecar: false },
  ],
};

const CONFIG: unknown[] = [
  { ...meta('Gateway', 'istio-system', 'hello-gateway'), spec: { selector: { istio: 'ingressgateway' }, servers: [
    { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com', 'hello/api.internal', 'other/hidden.internal'] },
  ] } },
  { ...meta('Gateway', 'hello', 'secure'), spec: { selector: { istio: 'ingressgateway' }, servers: [
    { port: { number: 80, name: 'http-redirect', protocol: 'HTTP' }, hosts: ['secure.example.org'], tls: { httpsRedirect: true } },
  ] } },
  { ...meta('Gateway', 'hello', 'elsewhere'), spec: { selector: { app: 'other-gateway' }, servers: [{ port: { number: 81, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } },
  { ...meta('VirtualService', 'hello', 'web'), spec: { hosts: ['web.example.com'], gateways: ['istio-system/hello-gateway'], http: [{ route: [{ destination: { host: 'web' } }] }] } },
  { ...meta('VirtualService', 'hello', 'api'), spec: {
    hosts: ['api.internal', 'hidden.internal', 'api'], gateways: ['istio-system/hello-gateway', 'mesh'],
    http: [
      { name: 'edge-only', match: [{ uri: { prefix: '/edge' }, gateways: ['istio-system/hello-gateway'] }], directResponse: { status: 418 } },
      { name: 'all', route: [{ destination: { host: 'api', port: { number: 9080 } } }] },
    ],
  } },
];

function pushOf(extra: unknown[] = [], mesh = {}): PushContext {
  return pushContextOf(REGISTRY, [...CONFIG, ...extra], { mesh });
}

const gatewayProxy = (metadata: Record<string, unknown> = {}): Proxy => gatewayProxyOf(metadata, { istio: 'ingressgateway', app: 'istio-ingressgateway' });

function routes(push: PushContext, proxy = gatewayProxy(), name = 'http.8080'): { json: Json; config: RouteConfig } {
  const [rc] = generateGatewayRoutes(proxy, push, [name]);
  assert.ok(rc, name);
  assert.doesNotThrow(() => encodeAny(TypeUrls.routeConfiguration, rc.resource));
  return { json: rc.resource, config: translateRouteConfiguration(rc.resource) };
}

const send = (config: RouteConfig, authority: string, path = '/') => selectRoute(config, { authority, path, method: 'GET', scheme: 'http', headers: {} }, () => 0);
const clusterOf = (config: RouteConfig, authority: string, path = '/'): string | undefined => {
  const action = send(config, authority, path)?.route.action;
  return action?.kind === 'route' && action.target.kind === 'cluster' ? action.target.cluster : undefined;
};

describe('gateway LDS', () => {
  it('serves routers with the gateway generators, sidecars and gRPC clients as before', () => {
    assert.equal(generatorsFor(gatewayProxy()), GATEWAY_GENERATORS);
    assert.notEqual(generatorsFor({ type: 'sidecar', generator: 'sidecar' }), GATEWAY_GENERATORS);
  });

  it('binds one listener per server port, on the Service targetPort, with the edge HCM', () => {
    const push = pushOf();
    const ls = generateGatewayListeners(gatewayProxy(), push);
    assert.deepEqual(ls.map((l) => l.name), ['0.0.0.0_8080']);
    const l = ls[0]?.resource ?? {};
    assert.doesNotThrow(() => encodeAny(TypeUrls.listener, l));
    const cfg = translateListener(l);
    assert.equal(cfg.bindToPort, true);
    assert.deepEqual(cfg.address, { ip: '0.0.0.0', port: 8080 });
    const route = cfg.filterChains[0]?.route;
    assert.ok(route?.kind === 'http_connection_manager');
    assert.equal(route.rds, 'http.8080');
    assert.equal(route.statPrefix, 'outbound_0.0.0.0_8080');
    assert.equal(route.settings.useRemoteAddress, true);
    assert.equal(route.settings.xffNumTrustedHops, 0);
    assert.equal(route.settings.serverName, 'istio-envoy');
  });

  it('takes xff_num_trusted_hops from the gateway topology: the pod\'s ProxyConfig over the mesh default', () => {
    const hops = (proxy: Proxy, push: PushContext): unknown => {
      const l = generateGatewayListeners(proxy, push)[0]?.resource as Json;
      return ((l['filterChains'] as Json[])[0]?.['filters'] as Json[])[0]?.['typedConfig'] as Json;
    };
    assert.equal((hops(gatewayProxy(), pushOf([], { gatewayTopology: { numTrustedProxies: 1 } })) as Json)['xffNumTrustedHops'], 1);
    const own = gatewayProxy({ PROXY_CONFIG: JSON.stringify({ gatewayTopology: { numTrustedProxies: 2 } }) });
    assert.equal((hops(own, pushOf([], { gatewayTopology: { numTrustedProxies: 1 } })) as Json)['xffNumTrustedHops'], 2);
  });

  it('falls back to the server port without a Service, and skips ports an unprivileged pod cannot bind', () => {
    const lone = parseProxy({ id: 'router~10.250.0.50~gw-2.istio-system~istio-system.svc.cluster.local', metadata: { LABELS: { istio: 'ingressgateway' } } });
    assert.ok(lone);
    assert.deepEqual(generateGatewayListeners(lone, pushOf()).map((l) => l.name), ['0.0.0.0_80']);
    const unprivileged = parseProxy({ id: lone.id, metadata: { LABELS: { istio: 'ingressgateway' }, UNPRIVILEGED_POD: 'true' } });
    assert.ok(unprivileged);
    assert.deepEqual(generateGatewayListeners(unprivileged, pushOf()), []);
    assert.deepEqual(generateGatewayListeners(gatewayProxy({ LABELS: { istio: 'egressgateway' } }), pushOf()), [], 'no Gateway selects it');
  });
});

describe('gateway RDS', () => {
  it('routes by host name to the VirtualService\'s destination, ignoring the port in Host', () => {
    const { json, config } = routes(pushOf());
    assert.equal(json['name'], 'http.8080');
    assert.equal(clusterOf(config, 'web.example.com'), 'outbound|80||web.hello.svc.cluster.local');
    assert.equal(clusterOf(config, 'web.example.com:80'), 'outbound|80||web.hello.svc.cluster.local');
    assert.equal(clusterOf(config, 'WEB.example.com:8080'), 'outbound|80||web.hello.svc.cluster.local');
    const names = (json['virtualHosts'] as Json[]).map((v) => `${String(v['name'])} ${JSON.stringify(v['domains'])}`);
    assert.deepEqual(names, ['api.internal:80 ["api.internal"]', 'secure.example.org:80 ["secure.example.org"]', 'web.example.com:80 ["web.example.com"]']);
  });

  it('answers 404 (no virtual host) for hosts no bound VirtualService covers, and honours ns/host scoping', () => {
    const { config } = routes(pushOf());
    assert.equal(send(config, 'unknown.example.com'), undefined);
    assert.equal(send(config, 'hidden.internal'), undefined, 'other/hidden.internal is not for VirtualServices in hello');
    assert.equal(send(config, 'api'), undefined, 'the short name is not a gateway host');
  });

  it('keeps gateway-only matches for the gateway and out of the sidecars\' routes', () => {
    const push = pushOf();
    const { config } = routes(push);
    const edge = send(config, 'api.internal', '/edge/x');
    assert.equal(edge?.route.name, 'edge-only');
    assert.equal(edge?.route.action.kind, 'directResponse');
    assert.equal(clusterOf(config, 'api.internal', '/v1'), 'outbound|9080||api.hello.svc.cluster.local');
    const sidecar = parseProxy({ id: 'sidecar~10.250.0.3~web-1.hello~hello.svc.cluster.local', metadata: { LABELS: { app: 'web' } } });
    assert.ok(sidecar);
    const mesh = generateSidecarRoutes(sidecar, push, ['9080'])[0]?.resource as Json;
    const apiVh = (mesh['virtualHosts'] as Json[]).find((v) => v['name'] === 'api.hello.svc.cluster.local:9080');
    assert.deepEqual((apiVh?.['routes'] as Json[]).map((r) => r['name']), ['all']);
  });

  it('sends a 301 to https for the hosts of a server with tls.httpsRedirect', () => {
    const { config } = routes(pushOf());
    const action = send(config, 'secure.example.org', '/login')?.route.action;
    assert.equal(action?.kind, 'redirect');
    assert.ok(action?.kind === 'redirect');
    assert.equal(action.schemeRedirect, 'https');
    assert.equal(action.status, 301);
  });

  it('matches wildcard server hosts and appends the routes of several VirtualServices, catch-all last', () => {
    const extra = [
      { ...meta('VirtualService', 'hello', 'any'), spec: { hosts: ['*.example.com'], gateways: ['istio-system/hello-gateway'], http: [{ route: [{ destination: { host: 'api', port: { number: 9080 } } }] }] } },
      { ...meta('VirtualService', 'hello', 'web-admin'), spec: { hosts: ['web.example.com'], gateways: ['istio-system/hello-gateway'], http: [
        { name: 'admin', match: [{ uri: { prefix: '/admin' } }], route: [{ destination: { host: 'api', port: { number: 9080 } } }] },
      ] } },
    ];
    const { config } = routes(pushOf(extra));
    assert.equal(clusterOf(config, 'shop.example.com'), 'outbound|9080||api.hello.svc.cluster.local');
    assert.equal(clusterOf(config, 'web.example.com', '/admin/x'), 'outbound|9080||api.hello.svc.cluster.local');
    assert.equal(clusterOf(config, 'web.example.com', '/'), 'outbound|80||web.hello.svc.cluster.local');
  });

  it('has Istio\'s blackhole virtual host when no VirtualService binds, and an empty config for a gone port', () => {
    const gwOnly = [{ ...meta('Gateway', 'istio-system', 'lonely'), spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 9000, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } }];
    const { json, config } = routes(pushOf(gwOnly), gatewayProxy(), 'http.9000');
    assert.deepEqual(json['virtualHosts'], [{ name: 'blackhole:9000', domains: ['*'], routes: [] }]);
    assert.equal(send(config, 'anything'), undefined);
    assert.deepEqual(routes(pushOf(), gatewayProxy(), 'http.7000').json['virtualHosts'], []);
  });
});

describe('gateway CDS', () => {
  it('has the outbound clusters routes use, and no inbound clusters', () => {
    const names = generateGatewayClusters(gatewayProxy(), pushOf()).map((c) => c.name);
    assert.ok(names.includes('outbound|80||web.hello.svc.cluster.local'));
    assert.ok(names.includes('outbound|9080||api.hello.svc.cluster.local'));
    assert.ok(names.includes('BlackHoleCluster') && names.includes('PassthroughCluster'));
    assert.ok(!names.some((n) => n.startsWith('inbound|') || n === 'InboundPassthroughCluster'), names.join(' '));
  });

  it('is not narrowed by a root-namespace Sidecar (Sidecars do not apply to gateways)', () => {
    const sidecar = { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'default', namespace: 'istio-system' }, spec: { egress: [{ hosts: ['./*'] }] } };
    const names = generateGatewayClusters(gatewayProxy(), pushOf([sidecar])).map((c) => c.name);
    assert.ok(names.includes('outbound|80||web.hello.svc.cluster.local'));
  });
});
