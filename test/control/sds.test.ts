/**
 * Gateway credentials by SDS, control plane side: Kubernetes Secrets as users write them are
 * validated (kubernetes.io/tls data, generic cert/key/cacert, stringData; problems name Secret,
 * field and value and never show a key), kept by the ConfigStore apart from Istio config and
 * announced in its change events; credentialName servers get Istio's DownstreamTlsContext shape
 * (tls_certificate_sds_secret_configs `kubernetes://NAME` over ADS; combined_validation_context
 * with `kubernetes://NAME-cacert` for MUTUAL); the SDS generator serves the Secrets of the
 * gateway's own namespace, the CA from `NAME-cacert` or from the Secret's ca.crt; a missing
 * Secret leaves the chain out with a logged reason. TLS servers that terminate route by tcp
 * routes; TCP servers get a tcp_proxy listener. The proxy puts SDS secrets in place of the
 * references (sds-listeners.ts) and its listener translator loads them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createLogger, type Logger } from '../../src/core/log.ts';
import { encodeAny } from '../../src/core/xds/protos.ts';
import { TypeUrls } from '../../src/core/xds/type-urls.ts';
import { parseCredentialSecret } from '../../src/control/config/secrets/kube-secret.ts';
import { ConfigStore } from '../../src/control/config/store.ts';
import type { PushContext } from '../../src/control/model/push-context.ts';
import type { Json } from '../../src/control/xds/generator.ts';
import { GATEWAY_GENERATORS, SIDECAR_GENERATORS } from '../../src/control/xds/generators.ts';
import { generateGatewayListeners } from '../../src/control/xds/lds/gateway-listeners.ts';
import { generateSecrets } from '../../src/control/xds/sds/secret-generator.ts';
import { listenerSecretNames, resolveListenerSecrets } from '../../src/proxy/xds/sds-listeners.ts';
import { translateListener } from '../../src/proxy/xds/translate/listener.ts';
import { translateSecret } from '../../src/proxy/xds/translate/secret.ts';
import { gatewayProxy, meta, pushContextOf, svc } from '../helpers/gateway-push.ts';
import { makeTestCerts } from '../helpers/tls-certs.ts';

const certs = makeTestCerts(['cred.example.com', 'mtls.example.com', 'tcp.example.com']);
const pem = (f: string): string => readFileSync(f, 'utf8');
const b64 = (f: string): string => readFileSync(f).toString('base64');

const REGISTRY = {
  version: 1,
  services: [
    svc('web', 'hello', '10.96.0.3', { app: 'web' }, [['http', 80, 8080]]),
    svc('echo', 'hello', '10.96.0.4', { app: 'echo' }, [['tcp', 9000, 9000]]),
    svc('istio-ingressgateway', 'istio-system', '10.96.0.9', { istio: 'ingressgateway' }, [['http2', 80, 8080], ['https', 443, 8443]]),
  ],
  endpoints: [
    { service: 'istio-ingressgateway', namespace: 'istio-system', ip: '10.250.0.9', ready: true, pod: 'gw-1', ports: [{ name: 'http2', port: 8080 }, { name: 'https', port: 8443 }] },
  ],
  workloads: [{ pod: 'gw-1', namespace: 'istio-system', ip: '10.250.0.9', workload: 'istio-ingressgateway', labels: { istio: 'ingressgateway' }, serviceAccount: 'gw', sidecar: false }],
};

const secretDoc = (name: string, ns: string, extra: Json): Json => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, ...extra });
const TLS_SECRET = secretDoc('cred', 'istio-system', { type: 'kubernetes.io/tls', data: { 'tls.crt': b64(certs.serverCert), 'tls.key': b64(certs.serverKey) } });
const GENERIC = secretDoc('generic', 'istio-system', { stringData: { cert: pem(certs.serverCert), key: pem(certs.serverKey), cacert: pem(certs.ca) } });
const CA_ONLY = secretDoc('cred-cacert', 'istio-system', { stringData: { cacert: pem(certs.ca) } });

const server = (name: string, host: string, tls: Json, protocol = 'HTTPS') => ({ port: { number: 443, name, protocol }, hosts: [host], tls });
const gateway = (servers: unknown[]) => ({ ...meta('Gateway', 'hello', 'gw'), spec: { selector: { istio: 'ingressgateway' }, servers } });
const VS = [
  { ...meta('VirtualService', 'hello', 'web'), spec: { hosts: ['cred.example.com', 'mtls.example.com'], gateways: ['gw'], http: [{ route: [{ destination: { host: 'web' } }] }] } },
  { ...meta('VirtualService', 'hello', 'tcp'), spec: { hosts: ['tcp.example.com'], gateways: ['gw'], tcp: [{ match: [{ port: 443 }], route: [{ destination: { host: 'echo', port: { number: 9000 } } }] }, { match: [{ port: 31400 }], route: [{ destination: { host: 'echo', port: { number: 9000 } } }] }] } },
];

function pushOf(config: readonly unknown[], secrets: readonly Json[], log?: Logger): PushContext {
  return pushContextOf(REGISTRY, config, { secrets, ...(log ? { log } : {}) });
}

const chainsOf = (push: PushContext, port = '0.0.0.0_8443'): Json[] =>
  (generateGatewayListeners(gatewayProxy(), push).find((l) => l.name === port)?.resource['filterChains'] as Json[] | undefined) ?? [];
const commonOf = (chain: Json | undefined): Json => ((chain?.['transportSocket'] as Json)['typedConfig'] as Json)['commonTlsContext'] as Json;

describe('Kubernetes Secrets as gateway credentials', () => {
  it('accepts the tls type (data, base64) and the generic cert/key/cacert form (stringData), and a CA-only Secret', () => {
    const tls = parseCredentialSecret(TLS_SECRET).secret;
    assert.equal(tls?.cert, pem(certs.serverCert));
    assert.equal(tls?.key, pem(certs.serverKey));
    assert.equal(tls?.caCert, undefined);
    const generic = parseCredentialSecret(GENERIC).secret;
    assert.equal(generic?.caCert, pem(certs.ca));
    assert.equal(parseCredentialSecret(CA_ONLY).secret?.caCert, pem(certs.ca));
    const tlsWithCa = parseCredentialSecret(secretDoc('c', 'ns', { type: 'kubernetes.io/tls', data: { 'tls.crt': b64(certs.serverCert), 'tls.key': b64(certs.serverKey), 'ca.crt': b64(certs.ca) } }));
    assert.equal(tlsWithCa.secret?.caCert, pem(certs.ca));
  });

  it('refuses malformed Secrets naming Secret, field and value, and never shows a key', () => {
    const problems = (extra: Json): string => parseCredentialSecret(secretDoc('bad', 'istio-system', extra), 'bad.yaml').problems.join('\n');
    assert.match(problems({ type: 'kubernetes.io/tls', data: { 'tls.crt': '%%%', 'tls.key': b64(certs.serverKey) } }),
      /^Secret istio-system\/bad \(bad\.yaml\): data\.tls\.crt: "%%%": is not base64/);
    assert.match(problems({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64(certs.serverCert) } }), /type: "kubernetes\.io\/tls": needs data\.tls\.crt and data\.tls\.key \(missing tls\.key\)/);
    assert.match(problems({ stringData: { cert: 'hello', key: pem(certs.serverKey) } }), /stringData\.cert: "hello": is not a PEM certificate/);
    const mismatch = problems({ stringData: { cert: pem(certs.serverCert), key: pem(certs.clientKey) } });
    assert.match(mismatch, /stringData\.key: \(\d+ characters, value not shown\): does not match the certificate in stringData\.cert/);
    const notKey = problems({ stringData: { cert: pem(certs.serverCert), key: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' } });
    assert.match(notKey, /stringData\.key: \(\d+ characters, value not shown\): is not a PEM private key/);
    assert.ok(!notKey.includes('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'));
    const other = parseCredentialSecret(secretDoc('db', 'apps', { data: { password: 'eA==' } }));
    assert.deepEqual(other, { problems: [] }, 'a Secret without credential keys is valid and no credential');
  });

  it('are kept by the store apart from Istio config, with change events of kind Secret', () => {
    const store = new ConfigStore();
    const events: { kinds: string[]; secrets: string[] }[] = [];
    store.on('change', (ev) => events.push({ kinds: [...ev.kinds], secrets: [...ev.secrets] }));
    const s = parseCredentialSecret(TLS_SECRET).secret;
    assert.ok(s);
    store.sync('file:a', { resources: [], secrets: [s] });
    store.sync('file:a', { resources: [], secrets: [s] });
    store.sync('file:a', { resources: [], secrets: [], rejectedSecrets: ['istio-system/cred'] });
    assert.ok(store.secrets.get('istio-system', 'cred'), 'a refused new version keeps the last good one');
    store.sync('file:a', { resources: [] });
    assert.equal(store.secrets.get('istio-system', 'cred'), undefined);
    assert.deepEqual(events, [{ kinds: ['Secret'], secrets: ['istio-system/cred'] }, { kinds: ['Secret'], secrets: ['istio-system/cred'] }]);
    assert.deepEqual(store.all(), [], 'no Secret among the Istio resources');
  });
});

describe('gateway SDS', () => {
  it('SIMPLE with credentialName: Istio\'s SDS reference over ADS, HTTPS ALPN; the SDS Secret carries the PEM inline', () => {
    const push = pushOf([gateway([server('https', 'cred.example.com', { mode: 'SIMPLE', credentialName: 'cred' })]), ...VS], [TLS_SECRET]);
    const chains = chainsOf(push);
    assert.equal(chains.length, 1);
    assert.deepEqual(commonOf(chains[0]), {
      tlsCertificateSdsSecretConfigs: [{ name: 'kubernetes://cred', sdsConfig: { ads: {}, resourceApiVersion: 'V3' } }],
      alpnProtocols: ['h2', 'http/1.1'],
    });
    const [secret, ...rest] = generateSecrets(gatewayProxy(), push, ['kubernetes://cred']);
    assert.equal(rest.length, 0);
    assert.doesNotThrow(() => encodeAny(TypeUrls.secret, secret?.resource ?? {}));
    const tc = (secret?.resource['tlsCertificate'] as Json);
    assert.equal(Buffer.from(String((tc['certificateChain'] as Json)['inlineBytes']), 'base64').toString(), pem(certs.serverCert));
    assert.deepEqual(generateSecrets(gatewayProxy(), push).map((r) => r.name), ['kubernetes://cred'], 'a wildcard request gets what the servers reference');
    assert.ok(GATEWAY_GENERATORS.generators.has(TypeUrls.secret) && !SIDECAR_GENERATORS.generators.has(TypeUrls.secret), 'only gateways get SDS');
    const both = pushOf([gateway([server('https', 'cred.example.com', { mode: 'SIMPLE', credentialNames: ['cred', 'generic'] })]), ...VS], [TLS_SECRET, GENERIC]);
    assert.deepEqual((commonOf(chainsOf(both)[0])['tlsCertificateSdsSecretConfigs'] as Json[]).map((r) => r['name']), ['kubernetes://cred', 'kubernetes://generic'], 'credentialNames: one reference each');
  });

  it('MUTUAL: combined_validation_context with NAME-cacert, from a NAME-cacert Secret or the Secret\'s own CA', () => {
    const mutual = gateway([server('https', 'mtls.example.com', { mode: 'MUTUAL', credentialName: 'cred' })]);
    const push = pushOf([mutual, ...VS], [TLS_SECRET, CA_ONLY]);
    const common = commonOf(chainsOf(push)[0]);
    assert.deepEqual(common['combinedValidationContext'], {
      defaultValidationContext: {}, validationContextSdsSecretConfig: { name: 'kubernetes://cred-cacert', sdsConfig: { ads: {}, resourceApiVersion: 'V3' } },
    });
    const [ca] = generateSecrets(gatewayProxy(), push, ['kubernetes://cred-cacert']);
    assert.equal(Buffer.from(String(((ca?.resource['validationContext'] as Json)['trustedCa'] as Json)['inlineBytes']), 'base64').toString(), pem(certs.ca));
    const own = pushOf([gateway([server('https', 'mtls.example.com', { mode: 'MUTUAL', credentialName: 'generic' })]), ...VS], [GENERIC]);
    assert.equal(generateSecrets(gatewayProxy(), own, ['kubernetes://generic-cacert']).length, 1, 'cacert in the Secret itself');
    assert.deepEqual(chainsOf(pushOf([mutual, ...VS], [TLS_SECRET])), [], 'MUTUAL without any CA: left out');
  });

  it('a missing Secret leaves the server out and says why; other namespaces\' Secrets are not served', () => {
    const lines: string[] = [];
    const log = { ...createLogger({ level: 'error' }), warn: (m: string) => lines.push(m) } as Logger;
    const push = pushOf([gateway([server('https', 'cred.example.com', { mode: 'SIMPLE', credentialName: 'absent' }), server('https-2', 'mtls.example.com', { mode: 'SIMPLE', credentialName: 'cred' })]), ...VS], [TLS_SECRET], log);
    assert.deepEqual(chainsOf(push).map((c) => (c['filterChainMatch'] as Json)['serverNames']), [['mtls.example.com']]);
    chainsOf(push);
    assert.deepEqual(lines, ['Gateway hello/gw server https: tls.credentialName "absent": no Secret istio-system/absent with a certificate and key (tls.crt/tls.key or cert/key); the server is left out until it exists'], 'logged once per push');
    const elsewhere = pushOf([], [secretDoc('cred', 'hello', { stringData: { 'tls.crt': pem(certs.serverCert), 'tls.key': pem(certs.serverKey) } })]);
    assert.deepEqual(generateSecrets(gatewayProxy(), elsewhere, ['kubernetes://cred']), [], 'the Secret is in another namespace than the gateway');
  });

  it('protocol TLS with SIMPLE terminates and routes by the tcp route; protocol TCP gets a tcp_proxy listener', () => {
    const push = pushOf([gateway([server('tls', 'tcp.example.com', { mode: 'SIMPLE', credentialName: 'cred' }, 'TLS'), { port: { number: 31400, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] }]), ...VS], [TLS_SECRET]);
    const [chain] = chainsOf(push);
    assert.equal(commonOf(chain)['alpnProtocols'], undefined, 'no ALPN for TLS servers');
    assert.deepEqual(((chain?.['filters'] as Json[])[0]?.['typedConfig'] as Json)['cluster'], 'outbound|9000||echo.hello.svc.cluster.local');
    const tcp = generateGatewayListeners(gatewayProxy(), push).find((l) => l.name === '0.0.0.0_31400')?.resource;
    assert.ok(tcp, 'a listener for the TCP server');
    assert.equal(tcp['bindToPort'], true);
    assert.deepEqual((((tcp['filterChains'] as Json[])[0]?.['filters'] as Json[])[0]?.['typedConfig'] as Json)['cluster'], 'outbound|9000||echo.hello.svc.cluster.local');
    assert.doesNotThrow(() => translateListener(tcp));
  });

  it('the proxy puts the SDS secrets in place of the references; a chain waits while its secret is missing', () => {
    const push = pushOf([gateway([server('https', 'cred.example.com', { mode: 'MUTUAL', credentialName: 'cred' }), server('https-2', 'mtls.example.com', { mode: 'SIMPLE', credentialName: 'generic' })]), ...VS], [TLS_SECRET, CA_ONLY, GENERIC]);
    const listener = generateGatewayListeners(gatewayProxy(), push).find((l) => l.name === '0.0.0.0_8443')?.resource;
    assert.ok(listener);
    assert.deepEqual(listenerSecretNames(listener).sort(), ['kubernetes://cred', 'kubernetes://cred-cacert', 'kubernetes://generic']);
    const secrets = new Map(generateSecrets(gatewayProxy(), push).map((r) => [r.name, translateSecret(r.resource)]));
    const resolved = resolveListenerSecrets(listener, (n) => secrets.get(n));
    assert.deepEqual(resolved.waiting, []);
    assert.ok(resolved.json);
    const cfg = translateListener(resolved.json);
    assert.equal(cfg.filterChains.length, 2);
    assert.equal(cfg.filterChains[0]?.transportSocket?.verifyClient, true);
    assert.equal(cfg.filterChains[0]?.transportSocket?.requireClientCertificate, true);
    const partial = resolveListenerSecrets(listener, (n) => (n === 'kubernetes://generic' ? secrets.get(n) : undefined));
    assert.deepEqual([...partial.waiting].sort(), ['kubernetes://cred', 'kubernetes://cred-cacert']);
    assert.equal(translateListener(partial.json ?? {}).filterChains.length, 1, 'the chain whose secrets are there serves');
    assert.equal(resolveListenerSecrets(listener, () => undefined).json, undefined, 'nothing to serve yet: the listener warms');
    assert.throws(() => translateSecret({ name: 'kubernetes://x', tlsCertificate: { certificateChain: { inlineString: pem(certs.serverCert) }, privateKey: { inlineString: pem(certs.clientKey) } } }),
      /Secret kubernetes:\/\/x: tlsCertificate: the certificate and key cannot be loaded together/);
  });
});
