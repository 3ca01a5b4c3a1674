/** Schema for Sidecar: ingress and egress listeners, inbound connection pool, outbound traffic policy. */
import { array, object } from '../schema/composites.ts';
import { ipProblem, namespacedHostProblem } from '../schema/names.ts';
import { enumOf, int, str } from '../schema/scalars.ts';
import type { Path, Reporter } from '../schema/schema.ts';
import type { IstioEgressListener, IstioIngressListener, OutboundTrafficPolicy, Sidecar, SidecarPort } from '../types/sidecar.ts';
import { destination, networkingSelector } from './common.ts';
import { connectionPool } from './connection-pool.ts';
import { protocol } from './protocol.ts';
import { serverTls } from './server-tls.ts';

const UNIX = 'unix://';
const captureMode = enumOf(['DEFAULT', 'IPTABLES', 'NONE']);
const bind = str({ check: (b) => (b.startsWith(UNIX) ? undefined : ipProblem(b)) });

const sidecarPort = object<SidecarPort>('SidecarPort', {
  number: int({ min: 0, max: 65535, what: 'a port number' }), protocol: protocol(), name: str(),
  targetPort: int({ min: 0, max: 65535, what: 'a port number' }),
}, {
  rules: [(p, path, r) => {
    if (p.targetPort) r.error([...path, 'targetPort'], p.targetPort, 'targetPort has no impact on Sidecars');
  }],
});

const defaultEndpoint = str({
  check: (e) => (e.startsWith(UNIX) || /^(127\.0\.0\.1|0\.0\.0\.0|\[::1\]|\[::\])?:\d{1,5}$/.test(e) ? undefined
    : 'defaultEndpoint must be of form 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port>, :<port> or unix://<path>'),
});

const ingress = object<IstioIngressListener>('IstioIngressListener', {
  port: sidecarPort, bind, captureMode, defaultEndpoint, tls: serverTls, connectionPool,
}, {
  required: ['port'],
  rules: [(l, path, r) => {
    if (!l.port.number) r.error([...path, 'port', 'number'], l.port.number, 'ingress listeners need a port number from 1 to 65535');
    if (l.tls?.httpsRedirect) r.error([...path, 'tls', 'httpsRedirect'], true, 'httpsRedirect is not supported');
    if (l.tls?.mode === 'ISTIO_MUTUAL' || l.tls?.mode === 'AUTO_PASSTHROUGH') r.error([...path, 'tls', 'mode'], l.tls.mode, 'mode is not allowed in sidecar ingress tls');
  }],
});

const egress = object<IstioEgressListener>('IstioEgressListener', {
  port: sidecarPort, bind, captureMode,
  hosts: array(str({ check: (h) => namespacedHostProblem(h, { allowNoNamespace: false }) }), { nonEmpty: true }),
}, {
  required: ['hosts'],
  rules: [(l, path, r) => {
    if (l.port && !l.port.number && !l.bind?.startsWith(UNIX)) r.error([...path, 'bind'], l.bind, 'ports with 0 value must have a unix domain socket bind address');
  }],
});

const outboundTrafficPolicy = object<OutboundTrafficPolicy>('OutboundTrafficPolicy', {
  mode: enumOf(['REGISTRY_ONLY', 'ALLOW_ANY']), egressProxy: destination,
}, {
  rules: [(p, path, r) => {
    if (p.egressProxy && p.mode !== 'ALLOW_ANY') r.error([...path, 'egressProxy'], undefined, 'egressProxy must be set only with ALLOW_ANY mode');
  }],
});

function listeners(s: Sidecar, path: Path, r: Reporter): void {
  if (!s.egress?.length && !s.ingress?.length && !s.outboundTrafficPolicy && !s.inboundConnectionPool) {
    r.error(path, undefined, 'sidecar: empty configuration provided');
  }
  const ports = new Set<number>();
  s.ingress?.forEach((l, i) => {
    if (l.port.number && ports.has(l.port.number)) r.error([...path, 'ingress', i, 'port', 'number'], l.port.number, 'ports on IP bound listeners must be unique');
    if (l.port.number) ports.add(l.port.number);
  });
  const egressPorts = new Set<number>();
  s.egress?.forEach((l, i, all) => {
    if (!l.port && i !== all.length - 1) r.error([...path, 'egress', i], undefined, 'the egress listener with empty port should be the last listener in the list');
    const n = l.port?.number;
    if (n && egressPorts.has(n)) r.error([...path, 'egress', i, 'port', 'number'], n, 'ports on IP bound listeners must be unique');
    if (n) egressPorts.add(n);
  });
}

export const sidecar = object<Sidecar>('Sidecar', {
  workloadSelector: networkingSelector, ingress: array(ingress), egress: array(egress), inboundConnectionPool: connectionPool,
  outboundTrafficPolicy,
}, { rules: [listeners] });
