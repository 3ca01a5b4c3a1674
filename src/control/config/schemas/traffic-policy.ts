/** Schemas for TrafficPolicy, its per-port overrides, client TLS settings and tunnel settings. */
import { array, object } from '../schema/composites.ts';
import { fqdnProblem, isIPAddress } from '../schema/names.ts';
import { bool, enumOf, port, str } from '../schema/scalars.ts';
import type { Path, Reporter } from '../schema/schema.ts';
import type { ClientTLSSettings, PortTrafficPolicy, TrafficPolicy, TunnelSettings } from '../types/traffic-policy.ts';
import { portSelector } from './common.ts';
import { connectionPool, outlierDetection } from './connection-pool.ts';
import { loadBalancer } from './load-balancer.ts';

export const clientTls = object<ClientTLSSettings>('ClientTLSSettings', {
  mode: enumOf(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']),
  clientCertificate: str(), privateKey: str(), caCertificates: str(), credentialName: str(), subjectAltNames: array(str()),
  sni: str(), insecureSkipVerify: bool(), caCrl: str(),
}, {
  rules: [(t, path, r) => {
    const files = t.clientCertificate || t.privateKey || t.caCertificates;
    if ((t.mode === 'SIMPLE' || t.mode === 'MUTUAL') && t.credentialName && files) {
      r.error(path, t, 'cannot specify client certificates or CA certificate if credentialName is set');
    } else if (t.mode === 'MUTUAL' && !t.credentialName) {
      if (!t.clientCertificate) r.error([...path, 'clientCertificate'], undefined, 'client certificate required for mutual tls');
      if (!t.privateKey) r.error([...path, 'privateKey'], undefined, 'private key required for mutual tls');
    }
  }],
});

const tunnel = object<TunnelSettings>('TunnelSettings', {
  protocol: enumOf(['CONNECT', 'POST']),
  targetHost: str({ check: (h) => (isIPAddress(h) ? undefined : fqdnProblem(h)) }),
  targetPort: port(),
}, { required: ['targetHost', 'targetPort'] });

function atLeastOne(fields: readonly string[], what: string) {
  return (v: object, path: Path, r: Reporter): void => {
    if (!fields.some((f) => f in v)) r.error(path, v, `${what} must have at least one field`);
  };
}

const portTrafficPolicy = object<PortTrafficPolicy>('PortTrafficPolicy', {
  port: portSelector, loadBalancer, connectionPool, outlierDetection, tls: clientTls,
}, { required: ['port'], rules: [atLeastOne(['loadBalancer', 'connectionPool', 'outlierDetection', 'tls'], 'port traffic policy')] });

export const trafficPolicy = object<TrafficPolicy>('TrafficPolicy', {
  loadBalancer, connectionPool, outlierDetection, tls: clientTls,
  portLevelSettings: array(portTrafficPolicy),
  tunnel,
  proxyProtocol: object<{ version?: 'V1' | 'V2' }>('ProxyProtocol', { version: enumOf(['V1', 'V2']) }),
}, {
  oneOf: [['tunnel', 'proxyProtocol']],
  rules: [atLeastOne(['loadBalancer', 'connectionPool', 'outlierDetection', 'tls', 'portLevelSettings', 'tunnel', 'proxyProtocol'],
    'traffic policy')],
});
