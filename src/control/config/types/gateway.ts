/** Gateway: the ports, protocols, hosts and TLS settings of an edge proxy selected by labels. */

export type ServerTLSMode = 'PASSTHROUGH' | 'SIMPLE' | 'MUTUAL' | 'AUTO_PASSTHROUGH' | 'ISTIO_MUTUAL' | 'OPTIONAL_MUTUAL';
export type TLSProtocol = 'TLS_AUTO' | 'TLSV1_0' | 'TLSV1_1' | 'TLSV1_2' | 'TLSV1_3';

export interface Port {
  readonly number?: number;
  /** HTTP, HTTPS, GRPC, GRPC-WEB, HTTP2, MONGO, TCP, TLS, REDIS, MYSQL (any case). */
  readonly protocol: string;
  readonly name: string;
  readonly targetPort?: number;
}

export interface ServerTLSSettings {
  readonly httpsRedirect?: boolean;
  readonly mode?: ServerTLSMode;
  readonly serverCertificate?: string;
  readonly privateKey?: string;
  readonly caCertificates?: string;
  readonly caCrl?: string;
  readonly credentialName?: string;
  readonly credentialNames?: readonly string[];
  readonly subjectAltNames?: readonly string[];
  readonly verifyCertificateSpki?: readonly string[];
  readonly verifyCertificateHash?: readonly string[];
  readonly minProtocolVersion?: TLSProtocol;
  readonly maxProtocolVersion?: TLSProtocol;
  readonly cipherSuites?: readonly string[];
}

export interface Server {
  readonly port: Port;
  readonly bind?: string;
  /** `host`, `*`, `*.suffix`, or `namespace/host` to restrict which VirtualServices may bind. */
  readonly hosts: readonly string[];
  readonly tls?: ServerTLSSettings;
  readonly defaultEndpoint?: string;
  readonly name?: string;
}

export interface Gateway {
  readonly selector?: Readonly<Record<string, string>>;
  readonly servers: readonly Server[];
}
