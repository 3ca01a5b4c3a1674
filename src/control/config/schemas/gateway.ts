/**
 * Schema for Gateway: selector and servers (port, hosts, bind, TLS), with Istio's checks: TLS
 * settings required on HTTPS/TLS ports and refused on plain ports (except httpsRedirect on
 * HTTP), unique port and server names.
 */
import { array, map, object } from '../schema/composites.ts';
import { ipProblem, labelKeyProblem, labelValueProblem, namespacedHostProblem } from '../schema/names.ts';
import { int, str } from '../schema/scalars.ts';
import type { Path, Reporter } from '../schema/schema.ts';
import type { Gateway, Port, Server } from '../types/gateway.ts';
import { isHttpProtocol, isTlsProtocol, protocol } from './protocol.ts';
import { serverTls } from './server-tls.ts';

const UNIX = 'unix://';

const port = object<Port>('Port', {
  number: int({ min: 0, max: 65535, what: 'a port number' }),
  protocol: protocol(),
  name: str({ nonEmpty: true }),
  targetPort: int({ min: 0, max: 65535, what: 'a port number' }),
}, {
  required: ['protocol', 'name'],
  rules: [(p, path, r) => {
    if (p.targetPort) r.error([...path, 'targetPort'], p.targetPort, 'targetPort has no impact on Gateways');
  }],
});

function serverRules(s: Server, path: Path, r: Reporter): void {
  const unix = s.bind?.startsWith(UNIX) ?? false;
  if (unix && s.port.number) r.error([...path, 'port', 'number'], s.port.number, 'port number must be 0 for unix domain socket');
  if (!unix && !s.port.number) r.error([...path, 'port', 'number'], s.port.number, 'a port number from 1 to 65535 is required');
  const proto = s.port.protocol;
  if (isTlsProtocol(proto)) {
    if (!s.tls) r.error([...path, 'tls'], undefined, `server must have TLS settings for ${proto.toUpperCase()} ports`);
    return;
  }
  if (!s.tls) return;
  if (!isHttpProtocol(proto)) {
    r.error([...path, 'tls'], s.tls, `server cannot have TLS settings for non HTTPS/TLS ports (protocol ${proto})`);
  } else if (!s.tls.httpsRedirect || s.tls.serverCertificate || s.tls.privateKey || s.tls.caCertificates || s.tls.credentialName) {
    r.error([...path, 'tls'], s.tls, 'server cannot have TLS settings for plain text HTTP ports (only tls.httpsRedirect)');
  }
}

const server = object<Server>('Server', {
  port,
  bind: str({ check: (b) => (b.startsWith(UNIX) ? (b.length > UNIX.length ? undefined : 'unix address must not be empty') : ipProblem(b)) }),
  hosts: array(str({ check: (h) => namespacedHostProblem(h, { allowNoNamespace: true }) }), { nonEmpty: true }),
  tls: serverTls,
  defaultEndpoint: str(),
  name: str(),
}, { required: ['port', 'hosts'], rules: [serverRules] });

function gatewayRules(g: Gateway, path: Path, r: Reporter): void {
  const portNames = new Map<string, number>();
  const serverNames = new Map<string, number>();
  g.servers.forEach((s, i) => {
    const prior = portNames.get(s.port.name);
    if (prior !== undefined) r.error([...path, 'servers', i, 'port', 'name'], s.port.name, `port names in servers must be unique: also used by servers[${prior}]`);
    portNames.set(s.port.name, i);
    if (s.name !== undefined) {
      const p = serverNames.get(s.name);
      if (p !== undefined) r.error([...path, 'servers', i, 'name'], s.name, `server names must be unique: also used by servers[${p}]`);
      serverNames.set(s.name, i);
    }
    if (s.tls?.httpsRedirect && !isHttpProtocol(s.port.protocol)) {
      r.warn([...path, 'servers', i, 'tls', 'httpsRedirect'], true, 'tls.httpsRedirect should only be used with http servers');
    }
  });
}

export const gateway = object<Gateway>('Gateway', {
  selector: map(str({ check: labelValueProblem }), { key: labelKeyProblem }),
  servers: array(server, { nonEmpty: true }),
}, { required: ['servers'], rules: [gatewayRules] });
