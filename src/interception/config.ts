/**
 * The capture configuration: what istio-iptables calls its Config, with the same Go field names
 * (the names ../shared/conformance/istio-iptables/cases.json uses). Flags, environment variables
 * and `--config-file` all bind into this one type; inner code only ever sees it frozen.
 */

export interface CaptureConfig {
  ProxyPort: string;
  InboundCapturePort: string;
  InboundTunnelPort: string;
  ProxyUID: string;
  ProxyGID: string;
  InboundInterceptionMode: string;
  InboundTProxyMark: string;
  InboundTProxyRouteTable: string;
  InboundPortsInclude: string;
  InboundPortsExclude: string;
  OwnerGroupsInclude: string;
  OwnerGroupsExclude: string;
  OutboundPortsInclude: string;
  OutboundPortsExclude: string;
  OutboundIPRangesInclude: string;
  OutboundIPRangesExclude: string;
  RerouteVirtualInterfaces: string;
  ExcludeInterfaces: string;
  EnableIPv6: boolean;
  DualStack: boolean;
  RedirectDNS: boolean;
  CaptureAllDNS: boolean;
  DNSServersV4: string[];
  DNSServersV6: string[];
  DropInvalid: boolean;
  HostIPv4LoopbackCidr: string;
  DryRun: boolean;
  Reconcile: boolean;
  CleanupOnly: boolean;
  ForceApply: boolean;
  IptablesProbePort: number;
  ProbeTimeout: string;
  SkipRuleApply: boolean;
  RunValidation: boolean;
  NetworkNamespace: string;
  HostFilesystemPodNetwork: boolean;
  NativeNftables: boolean;
  ForceIptablesBinary: string;
}

export type FrozenCaptureConfig = Readonly<Omit<CaptureConfig, 'DNSServersV4' | 'DNSServersV6'>> & {
  readonly DNSServersV4: readonly string[];
  readonly DNSServersV6: readonly string[];
};

/** The CLI's defaults before environment variables and flags: istio-iptables' DefaultConfig(). */
export function defaultConfig(): CaptureConfig {
  return {
    ProxyPort: '15001',
    InboundCapturePort: '15006',
    InboundTunnelPort: '15008',
    ProxyUID: '',
    ProxyGID: '',
    InboundInterceptionMode: '',
    InboundTProxyMark: '1337',
    InboundTProxyRouteTable: '133',
    InboundPortsInclude: '',
    InboundPortsExclude: '',
    OwnerGroupsInclude: '*',
    OwnerGroupsExclude: '',
    OutboundPortsInclude: '',
    OutboundPortsExclude: '',
    OutboundIPRangesInclude: '',
    OutboundIPRangesExclude: '',
    RerouteVirtualInterfaces: '',
    ExcludeInterfaces: '',
    EnableIPv6: false,
    DualStack: false,
    RedirectDNS: false,
    CaptureAllDNS: false,
    DNSServersV4: [],
    DNSServersV6: [],
    DropInvalid: false,
    HostIPv4LoopbackCidr: '127.0.0.1/32',
    DryRun: false,
    Reconcile: false,
    CleanupOnly: false,
    ForceApply: false,
    IptablesProbePort: 15002,
    ProbeTimeout: '5s',
    SkipRuleApply: false,
    RunValidation: false,
    NetworkNamespace: '',
    HostFilesystemPodNetwork: false,
    NativeNftables: false,
    ForceIptablesBinary: '',
  };
}

/** Splits a comma-separated list as Istio does: empty items are dropped ("6000,7000," = two items). */
export function splitList(s: string): string[] {
  if (s === '') return [];
  return s.split(',').filter((x) => x !== '');
}

export function freezeConfig(c: CaptureConfig): FrozenCaptureConfig {
  return Object.freeze({ ...c, DNSServersV4: Object.freeze([...c.DNSServersV4]), DNSServersV6: Object.freeze([...c.DNSServersV6]) });
}

/** True when inbound capture uses TPROXY. Only the exact string switches mode, as in Istio. */
export function isTproxy(c: Pick<CaptureConfig, 'InboundInterceptionMode'>): boolean {
  return c.InboundInterceptionMode === 'TPROXY';
}
