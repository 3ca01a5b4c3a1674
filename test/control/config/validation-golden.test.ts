/**
 * Golden table of invalid resources: each input (a spec, wrapped in a resource named `x` in
 * `default`) and the exact messages validation reports. Covers unknown fields, wrong types,
 * enums, durations, RE2 regexes, weights, conflicts, required fields, ports, percentages,
 * oneofs, Gateway TLS rules and every security kind.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { validateResource } from '../../../src/control/config/validate.ts';

const API: Record<string, string> = {
  VirtualService: 'networking.istio.io/v1', DestinationRule: 'networking.istio.io/v1beta1', Gateway: 'networking.istio.io/v1alpha3',
  ServiceEntry: 'networking.istio.io/v1', Sidecar: 'networking.istio.io/v1', WorkloadEntry: 'networking.istio.io/v1',
  PeerAuthentication: 'security.istio.io/v1', AuthorizationPolicy: 'security.istio.io/v1beta1', RequestAuthentication: 'security.istio.io/v1',
};

const ROUTE = 'route:\n  - destination: {host: reviews}';
const VS = (http: string): string => `hosts: [reviews]\nhttp:\n- ${http}`;
const UNSUPPORTED_HTTP_FIELDS = 'name, match, route, redirect, directResponse, delegate, rewrite, timeout, retries, fault, mirror, mirrors, '
  + 'mirrorPercent, mirrorPercentage, corsPolicy, headers';
const DNS_LABEL = 'must be a DNS-1123 label: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit';
const RE2 = '(Istio uses RE2 syntax, https://github.com/google/re2/wiki/Syntax)';

/** [name, kind, spec YAML, expected messages] */
const cases: [string, string, string, string[]][] = [
  ['unknown field', 'VirtualService', VS(`rout:\n  - destination: {host: reviews}`),
    [`VirtualService default/x: spec.http[0].rout = [{"destination":{"host":"reviews"}}]: unknown field (HTTPRoute has ${UNSUPPORTED_HTTP_FIELDS})`]],
  ['the write-up\'s misplaced consecutiveGatewayErrors', 'DestinationRule',
    'host: myapp.default.svc.cluster.local\ntrafficPolicy:\n  connectionPool:\n    http: {maxRetries: 3, consecutiveGatewayErrors: 5}',
    ['DestinationRule default/x: spec.trafficPolicy.connectionPool.http.consecutiveGatewayErrors = 5: unknown field '
      + '(ConnectionPoolSettings.HTTPSettings has http1MaxPendingRequests, http2MaxRequests, maxRequestsPerConnection, maxRetries, '
      + 'idleTimeout, h2UpgradePolicy, useClientProtocol, maxConcurrentStreams)']],
  ['wrong type', 'VirtualService', `hosts: reviews\nhttp:\n- ${ROUTE}`, ['VirtualService default/x: spec.hosts = "reviews": expected a list of string values']],
  ['invalid enum', 'DestinationRule', 'host: reviews\ntrafficPolicy:\n  loadBalancer: {simple: ROUND_ROBBIN}',
    ['DestinationRule default/x: spec.trafficPolicy.loadBalancer.simple = "ROUND_ROBBIN": expected one of UNSPECIFIED, LEAST_CONN, RANDOM, PASSTHROUGH, ROUND_ROBIN, LEAST_REQUEST']],
  ['duration without a unit', 'VirtualService', VS(`${ROUTE}\n  timeout: 5`),
    ['VirtualService default/x: spec.http[0].timeout = 5: expected a duration string such as "1s" or "100ms"']],
  ['malformed duration', 'VirtualService', VS(`${ROUTE}\n  timeout: 1.5.s`),
    ['VirtualService default/x: spec.http[0].timeout = "1.5.s": invalid duration: expected a number with a unit (h, m, s, ms, us, ns), such as "1s", "0.5s", "100ms" or "1m30s"']],
  ['duration under 1ms', 'VirtualService', VS(`${ROUTE}\n  retries: {attempts: 3, perTryTimeout: 500us}`),
    ['VirtualService default/x: spec.http[0].retries.perTryTimeout = "500us": duration must be at least 1ms']],
  ['duration finer than 1ms', 'VirtualService', VS(`${ROUTE}\n  timeout: 1.0005s`),
    ['VirtualService default/x: spec.http[0].timeout = "1.0005s": only durations to ms precision are supported']],
  ['zero duration', 'VirtualService', VS(`${ROUTE}\n  timeout: 0s`), ['VirtualService default/x: spec.http[0].timeout = "0s": duration must be at least 1ms']],
  ['regex lookahead', 'VirtualService', VS(`match:\n  - uri: {regex: "/api/(?=v1)"}\n  ${ROUTE}`),
    [`VirtualService default/x: spec.http[0].match[0].uri.regex = "/api/(?=v1)": invalid regex: lookahead \`(?=\` is not supported by RE2 ${RE2}`]],
  ['regex backreference', 'VirtualService', VS(`match:\n  - headers:\n      cookie: {regex: "(user)=\\\\1"}\n  ${ROUTE}`),
    [`VirtualService default/x: spec.http[0].match[0].headers.cookie.regex = "(user)=\\\\1": invalid regex: backreferences (\`\\1\`) are not supported by RE2 ${RE2}`]],
  ['weights not summing to 100', 'VirtualService',
    VS('route:\n  - destination: {host: reviews, subset: v1}\n    weight: 50\n  - destination: {host: reviews, subset: v2}\n    weight: 30'),
    ['VirtualService default/x: spec.http[0].route = [50,30]: the weights of the 2 destinations must sum to 100, they sum to 80']],
  ['route and redirect', 'VirtualService', VS(`${ROUTE}\n  redirect: {uri: /v2}`),
    ['VirtualService default/x: spec.http[0]: HTTP route cannot contain both route and redirect']],
  ['no route at all', 'VirtualService', VS('match:\n  - uri: {prefix: /}'),
    ['VirtualService default/x: spec.http[0]: HTTP route, redirect, directResponse or delegate is required']],
  ['no rules', 'VirtualService', 'hosts: [reviews]', ['VirtualService default/x: spec: http, tcp or tls must be provided in virtual service']],
  ['missing host', 'DestinationRule', 'subsets:\n- name: v1', ['DestinationRule default/x: spec.host: required field is missing']],
  ['missing servers', 'Gateway', 'selector: {istio: ingressgateway}', ['Gateway default/x: spec.servers: required field is missing']],
  ['missing server hosts', 'Gateway', 'servers:\n- port: {number: 80, name: http, protocol: HTTP}',
    ['Gateway default/x: spec.servers[0].hosts: required field is missing']],
  ['port out of range', 'VirtualService', VS('route:\n  - destination: {host: reviews, port: {number: 70000}}'),
    ['VirtualService default/x: spec.http[0].route[0].destination.port.number = 70000: must be a port number from 1 to 65535']],
  ['percentage over 100', 'VirtualService', VS(`${ROUTE}\n  fault:\n    abort: {httpStatus: 503, percentage: {value: 150}}`),
    ['VirtualService default/x: spec.http[0].fault.abort.percentage.value = 150: must be a number from 0 to 100']],
  ['negative mirror percentage', 'VirtualService', VS(`${ROUTE}\n  mirror: {host: reviews-shadow}\n  mirrorPercentage: {value: -1}`),
    ['VirtualService default/x: spec.http[0].mirrorPercentage.value = -1: must be a number from 0 to 100']],
  ['exact and prefix together', 'VirtualService', VS(`match:\n  - uri: {exact: /a, prefix: /b}\n  ${ROUTE}`),
    ['VirtualService default/x: spec.http[0].match[0].uri = {"exact":"/a","prefix":"/b"}: only one of exact, prefix, regex may be set']],
  ['empty StringMatch', 'VirtualService', VS(`match:\n  - uri: {}\n  ${ROUTE}`),
    ['VirtualService default/x: spec.http[0].match[0].uri = {}: one of exact, prefix, regex is required']],
  ['invalid header name', 'VirtualService', VS(`match:\n  - headers:\n      "end user": {exact: jason}\n  ${ROUTE}`),
    ['VirtualService default/x: spec.http[0].match[0].headers["end user"] = {"exact":"jason"}: header name "end user" is not a valid header name']],
  ['redirect code', 'VirtualService', VS('redirect: {uri: /v2, redirectCode: 200}'),
    ['VirtualService default/x: spec.http[0].redirect.redirectCode = 200: must be a 3xx redirect code from 300 to 399']],
  ['retries disabled but configured', 'VirtualService', VS(`${ROUTE}\n  retries: {attempts: 0, perTryTimeout: 2s}`),
    ['VirtualService default/x: spec.http[0].retries.attempts = 0: http retry policy configured when attempts are set to 0 (disabled)']],
  ['mesh wildcard host', 'VirtualService', `hosts: ["*"]\nhttp:\n- ${ROUTE}`,
    ['VirtualService default/x: spec.hosts[0] = "*": wildcard host * is not allowed for virtual services bound to the mesh gateway']],
  ['duplicate exportTo', 'VirtualService', `hosts: [reviews]\nexportTo: [".", default]\nhttp:\n- ${ROUTE}`,
    ['VirtualService default/x: spec.exportTo = [".","default"]: duplicate entries in exportTo']],
  ['HTTPS without tls', 'Gateway', 'servers:\n- port: {number: 443, name: https, protocol: HTTPS}\n  hosts: ["*"]',
    ['Gateway default/x: spec.servers[0].tls: server must have TLS settings for HTTPS ports']],
  ['certificates on plain HTTP', 'Gateway', 'servers:\n- port: {number: 80, name: http, protocol: HTTP}\n  hosts: ["*"]\n  tls: {mode: SIMPLE, credentialName: cert}',
    ['Gateway default/x: spec.servers[0].tls = {"mode":"SIMPLE","credentialName":"cert"}: server cannot have TLS settings for plain text HTTP ports (only tls.httpsRedirect)']],
  ['httpsRedirect on TCP', 'Gateway', 'servers:\n- port: {number: 31400, name: tcp, protocol: TCP}\n  hosts: ["*"]\n  tls: {httpsRedirect: true}',
    ['Gateway default/x: spec.servers[0].tls = {"httpsRedirect":true}: server cannot have TLS settings for non HTTPS/TLS ports (protocol TCP)']],
  ['duplicate subset', 'DestinationRule', 'host: reviews\nsubsets:\n- name: v1\n- name: v1',
    ['DestinationRule default/x: spec.subsets[1].name = "v1": duplicate subset names: v1']],
  ['subset name', 'DestinationRule', 'host: reviews\nsubsets:\n- name: V1', [`DestinationRule default/x: spec.subsets[0].name = "V1": ${DNS_LABEL}`]],
  ['maglev table size', 'DestinationRule', 'host: reviews\ntrafficPolicy:\n  loadBalancer:\n    consistentHash: {httpHeaderName: x-user, maglev: {tableSize: 1000}}',
    ['DestinationRule default/x: spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize = 1000: tableSize must be a prime number for maglev']],
  ['consistent hash without a key', 'DestinationRule', 'host: reviews\ntrafficPolicy:\n  loadBalancer:\n    consistentHash: {}',
    ['DestinationRule default/x: spec.trafficPolicy.loadBalancer.consistentHash = {}: one of httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName is required']],
  ['local origin failures without split', 'DestinationRule', 'host: reviews\ntrafficPolicy:\n  outlierDetection: {consecutiveLocalOriginFailures: 3}',
    ['DestinationRule default/x: spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures = 3: outlier detection consecutive local origin '
      + 'failures is specified, but split external local origin errors is set to false']],
  ['action', 'AuthorizationPolicy', 'action: ALOW', ['AuthorizationPolicy default/x: spec.action = "ALOW": expected one of ALLOW, DENY, AUDIT, CUSTOM']],
  ['DENY without rules', 'AuthorizationPolicy', 'action: DENY',
    ['AuthorizationPolicy default/x: spec.rules: DENY action without rules is meaningless as it will never be triggered, add an empty rule {} if you want it triggered for every request']],
  ['ipBlocks', 'AuthorizationPolicy', 'rules:\n- from:\n  - source: {ipBlocks: ["10.0.0.0/33"]}',
    ['AuthorizationPolicy default/x: spec.rules[0].from[0].source.ipBlocks[0] = "10.0.0.0/33": invalid prefix length /33 (must be 0 to 32)']],
  ['condition key', 'AuthorizationPolicy', 'rules:\n- when:\n  - {key: "request.header[x]", values: [a]}',
    ['AuthorizationPolicy default/x: spec.rules[0].when[0].key = "request.header[x]": unknown attribute "request.header[x]" (expected source.ip, '
      + 'remote.ip, source.namespace, source.principal, request.headers[...], request.auth.claims[...], destination.ip, destination.port, connection.sni, ...)']],
  ['mtls mode', 'PeerAuthentication', 'mtls: {mode: STRICTT}', ['PeerAuthentication default/x: spec.mtls.mode = "STRICTT": expected one of UNSET, DISABLE, PERMISSIVE, STRICT']],
  ['port-level mTLS without selector', 'PeerAuthentication', 'portLevelMtls:\n  "8080": {mode: DISABLE}',
    ['PeerAuthentication default/x: spec.portLevelMtls = {"8080":{"mode":"DISABLE"}}: mesh/namespace peer authentication cannot have port level mTLS (set selector.matchLabels)']],
  ['JWT rule', 'RequestAuthentication', 'jwtRules:\n- jwksUri: ftp://keys.example.com/jwks', [
    'RequestAuthentication default/x: spec.jwtRules[0].jwksUri = "ftp://keys.example.com/jwks": jwksUri must use the http or https scheme',
    'RequestAuthentication default/x: spec.jwtRules[0].issuer: required field is missing']],
  ['DNS resolution of a wildcard', 'ServiceEntry', 'hosts: ["*.example.com"]\nports: [{number: 443, name: https, protocol: TLS}]\nresolution: DNS',
    ['ServiceEntry default/x: spec.hosts[0] = "*.example.com": hosts must be FQDN if no endpoints are provided for resolution mode DNS']],
  ['port name and location', 'ServiceEntry', 'hosts: [api.example.com]\nports: [{number: 443, protocol: TLS}]\nlocation: MESH_EXTERNEL', [
    'ServiceEntry default/x: spec.ports[0].name: required field is missing',
    'ServiceEntry default/x: spec.location = "MESH_EXTERNEL": expected one of MESH_EXTERNAL, MESH_INTERNAL']],
  ['egress host without namespace', 'Sidecar', 'egress:\n- hosts: [istio-system]',
    ['Sidecar default/x: spec.egress[0].hosts[0] = "istio-system": expected namespace/host, such as "./*", "istio-system/*" or "*/foo.example.com"']],
  ['empty Sidecar', 'Sidecar', '{}', ['Sidecar default/x: spec: sidecar: empty configuration provided']],
  ['WorkloadEntry port name', 'WorkloadEntry', 'address: 10.0.0.7\nports: {"HTTP": 8080}', [`WorkloadEntry default/x: spec.ports.HTTP = 8080: ${DNS_LABEL}`]],
];

describe('validation: golden messages for invalid resources', () => {
  for (const [name, kind, spec, expected] of cases) {
    it(`${kind}: ${name}`, () => {
      const r = validateResource({ apiVersion: API[kind], kind, metadata: { name: 'x' }, spec: parse(spec) as unknown });
      assert.equal(r.resource, undefined, 'the resource is refused');
      assert.deepEqual(r.issues.map((i) => i.message), expected);
      for (const i of r.issues) assert.equal(i.severity, 'error');
    });
  }
});

describe('validation: the envelope', () => {
  const spec = { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] };
  const vs = (over: Record<string, unknown>): unknown => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews' }, spec, ...over });
  const messages = (input: unknown): string[] => validateResource(input).issues.map((i) => i.message);

  it('names the apiVersion a kind is not served at', () => {
    assert.deepEqual(messages(vs({ apiVersion: 'networking.istio.io/v2' })),
      ['VirtualService default/reviews: apiVersion = "networking.istio.io/v2": unsupported version for VirtualService: expected one of '
        + 'networking.istio.io/v1, networking.istio.io/v1beta1, networking.istio.io/v1alpha3']);
  });
  it('checks metadata: a name is required and must be a DNS subdomain; namespace a DNS label', () => {
    assert.deepEqual(messages(vs({ metadata: {} })), ['metadata.name: required field is missing']);
    assert.deepEqual(messages(vs({ metadata: { name: 'Reviews' } })), ['VirtualService default/Reviews: metadata.name = "Reviews": must be a DNS-1123 subdomain: '
      + 'lowercase letters, digits, "-" and ".", each part starting and ending with a letter or digit']);
    assert.deepEqual(messages(vs({ metadata: { name: 'reviews', namespace: 'Prod_1' } })), [`VirtualService Prod_1/reviews: metadata.namespace = "Prod_1": ${DNS_LABEL}`]);
  });
  it('refuses unknown top-level fields and non-objects', () => {
    assert.deepEqual(messages(vs({ specs: {} })), ['VirtualService default/reviews: specs = {}: unknown field (expected apiVersion, kind, metadata, spec)']);
    assert.deepEqual(messages('kind: VirtualService'), ['expected a Kubernetes object (a mapping with apiVersion, kind, metadata, spec), got a string']);
    assert.deepEqual(messages({ kind: 'VirtualService' }), ['apiVersion: apiVersion is required']);
  });
  it('reports every error of a resource, not just the first', () => {
    const r = validateResource(vs({ spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }], timeout: 'soon' }], tcp: 'x' } }));
    assert.equal(r.issues.length, 2);
  });
  it('accepts every apiVersion users write, defaults the namespace, and deep-freezes the result', () => {
    for (const v of ['v1', 'v1beta1', 'v1alpha3']) {
      const r = validateResource(vs({ apiVersion: `networking.istio.io/${v}` }));
      assert.ok(r.resource, v);
      assert.equal(r.resource.metadata.namespace, 'default');
      assert.ok(Object.isFrozen(r.resource) && Object.isFrozen(r.resource.spec));
      assert.ok(r.resource.kind === 'VirtualService' && Object.isFrozen(r.resource.spec.http?.[0]?.route?.[0]?.destination));
    }
  });
  it('accepts maglev without tableSize (regression: it was required; Envoy then uses 65537)', () => {
    const r = validateResource({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'x', namespace: 'default' },
      spec: { host: 'reviews', trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x-user', maglev: {} } } } } });
    assert.ok(r.resource, JSON.stringify(r.issues));
    assert.deepEqual(r.issues, []);
  });
  it('keeps warnings beside a valid resource (deprecated fields)', () => {
    const r = validateResource(vs({ spec: { ...spec, http: [{ ...spec.http[0], mirror: { host: 'shadow' }, mirrorPercent: 5 }] } }));
    assert.ok(r.resource);
    assert.deepEqual(r.issues.map((i) => `${i.severity}: ${i.message}`), ['warning: VirtualService default/reviews: spec.http[0].mirrorPercent = 5: deprecated: use mirrorPercentage']);
  });
});
