/** Schemas for ConnectionPoolSettings (TCP and HTTP limits) and OutlierDetection. */
import { object } from '../schema/composites.ts';
import { duration } from '../schema/duration.ts';
import { bool, enumOf, int } from '../schema/scalars.ts';
import type { ConnectionPoolSettings, HTTPSettings, OutlierDetection, TCPSettings, TcpKeepalive } from '../types/connection-pool.ts';

const count = () => int({ min: 0 });
const percentage = () => int({ min: 0, max: 100, what: 'a percentage' });

const tcpKeepalive = object<TcpKeepalive>('TcpKeepalive', { probes: count(), time: duration(), interval: duration() });

const tcp = object<TCPSettings>('ConnectionPoolSettings.TCPSettings', {
  maxConnections: count(), connectTimeout: duration(), tcpKeepalive, maxConnectionDuration: duration(), idleTimeout: duration(),
});

const http = object<HTTPSettings>('ConnectionPoolSettings.HTTPSettings', {
  http1MaxPendingRequests: count(), http2MaxRequests: count(), maxRequestsPerConnection: count(), maxRetries: count(),
  idleTimeout: duration(), h2UpgradePolicy: enumOf(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']), useClientProtocol: bool(),
  maxConcurrentStreams: count(),
}, {
  rules: [(h, path, r) => {
    if (h.h2UpgradePolicy === 'UPGRADE' && h.useClientProtocol) {
      r.error([...path, 'useClientProtocol'], true, 'use client protocol must not be true when H2UpgradePolicy is UPGRADE');
    }
  }],
});

export const connectionPool = object<ConnectionPoolSettings>('ConnectionPoolSettings', { tcp, http }, {
  rules: [(c, path, r) => {
    if (!c.tcp && !c.http) r.error(path, c, 'connection pool must have at least one field');
  }],
});

export const outlierDetection = object<OutlierDetection>('OutlierDetection', {
  consecutiveErrors: count(), consecutive5xxErrors: count(), consecutiveGatewayErrors: count(), consecutiveLocalOriginFailures: count(),
  splitExternalLocalOriginErrors: bool(), interval: duration(), baseEjectionTime: duration(),
  maxEjectionPercent: percentage(), minHealthPercent: percentage(),
}, {
  deprecated: { consecutiveErrors: 'use consecutiveGatewayErrors or consecutive5xxErrors' },
  rules: [(o, path, r) => {
    if (!o.splitExternalLocalOriginErrors && (o.consecutiveLocalOriginFailures ?? 0) > 0) {
      r.error([...path, 'consecutiveLocalOriginFailures'], o.consecutiveLocalOriginFailures,
        'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false');
    }
  }],
});
