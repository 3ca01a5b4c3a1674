/** ConnectionPoolSettings and OutlierDetection: circuit breaking for each upstream host. */

export interface TcpKeepalive {
  readonly probes?: number;
  readonly time?: string;
  readonly interval?: string;
}

export interface TCPSettings {
  readonly maxConnections?: number;
  readonly connectTimeout?: string;
  readonly tcpKeepalive?: TcpKeepalive;
  readonly maxConnectionDuration?: string;
  readonly idleTimeout?: string;
}

export interface HTTPSettings {
  readonly http1MaxPendingRequests?: number;
  readonly http2MaxRequests?: number;
  readonly maxRequestsPerConnection?: number;
  readonly maxRetries?: number;
  readonly idleTimeout?: string;
  readonly h2UpgradePolicy?: 'DEFAULT' | 'DO_NOT_UPGRADE' | 'UPGRADE';
  readonly useClientProtocol?: boolean;
  readonly maxConcurrentStreams?: number;
}

export interface ConnectionPoolSettings {
  readonly tcp?: TCPSettings;
  readonly http?: HTTPSettings;
}

export interface OutlierDetection {
  /** Deprecated: use consecutiveGatewayErrors or consecutive5xxErrors. */
  readonly consecutiveErrors?: number;
  readonly consecutive5xxErrors?: number;
  readonly consecutiveGatewayErrors?: number;
  readonly consecutiveLocalOriginFailures?: number;
  readonly splitExternalLocalOriginErrors?: boolean;
  readonly interval?: string;
  readonly baseEjectionTime?: string;
  readonly maxEjectionPercent?: number;
  readonly minHealthPercent?: number;
}
