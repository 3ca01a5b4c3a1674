/**
 * The two blocks istio-init logs before it writes rules: the raw environment, and the
 * "Istio iptables variables" (the effective configuration), as the seeds' istio-init log shows.
 */
import type { FrozenCaptureConfig } from './config.ts';

const envNames = [
  'ENVOY_PORT', 'INBOUND_CAPTURE_PORT', 'ISTIO_INBOUND_INTERCEPTION_MODE', 'ISTIO_INBOUND_TPROXY_ROUTE_TABLE',
  'ISTIO_INBOUND_PORTS', 'ISTIO_OUTBOUND_PORTS', 'ISTIO_LOCAL_EXCLUDE_PORTS', 'ISTIO_EXCLUDE_INTERFACES',
  'ISTIO_SERVICE_CIDR', 'ISTIO_SERVICE_EXCLUDE_CIDR', 'ISTIO_META_DNS_CAPTURE', 'INVALID_DROP',
];

export function environmentBlock(env: NodeJS.ProcessEnv): string {
  return `Istio iptables environment:\n${envNames.map((n) => `${n}=${env[n] ?? ''}`).join('\n')}\n`;
}

/** Go prints a []string with %s as [a b c]. */
const goList = (xs: readonly string[]): string => `[${xs.join(' ')}]`;

export function variablesBlock(c: FrozenCaptureConfig): string {
  const rows: [string, string | number | boolean][] = [
    ['PROXY_PORT', c.ProxyPort],
    ['PROXY_INBOUND_CAPTURE_PORT', c.InboundCapturePort],
    ['PROXY_TUNNEL_PORT', c.InboundTunnelPort],
    ['PROXY_UID', c.ProxyUID],
    ['PROXY_GID', c.ProxyGID],
    ['INBOUND_INTERCEPTION_MODE', c.InboundInterceptionMode],
    ['INBOUND_TPROXY_MARK', c.InboundTProxyMark],
    ['INBOUND_TPROXY_ROUTE_TABLE', c.InboundTProxyRouteTable],
    ['INBOUND_PORTS_INCLUDE', c.InboundPortsInclude],
    ['INBOUND_PORTS_EXCLUDE', c.InboundPortsExclude],
    ['OUTBOUND_IP_RANGES_INCLUDE', c.OutboundIPRangesInclude],
    ['OUTBOUND_IP_RANGES_EXCLUDE', c.OutboundIPRangesExclude],
    ['OUTBOUND_PORTS_INCLUDE', c.OutboundPortsInclude],
    ['OUTBOUND_PORTS_EXCLUDE', c.OutboundPortsExclude],
    ['KUBE_VIRT_INTERFACES', c.RerouteVirtualInterfaces],
    ['ENABLE_INBOUND_IPV6', c.EnableIPv6],
    ['DNS_CAPTURE', c.RedirectDNS],
    ['DROP_INVALID', c.DropInvalid],
    ['CAPTURE_ALL_DNS', c.CaptureAllDNS],
    ['DNS_SERVERS', `${goList(c.DNSServersV4)},${goList(c.DNSServersV6)}`],
    ['OUTPUT_PATH', ''],
    ['NETWORK_NAMESPACE', c.NetworkNamespace],
    ['CNI_MODE', c.HostFilesystemPodNetwork],
    ['EXCLUDE_INTERFACES', c.ExcludeInterfaces],
    ['OUTBOUND_OWNER_GROUPS_INCLUDE', c.OwnerGroupsInclude],
    ['OUTBOUND_OWNER_GROUPS_EXCLUDE', c.OwnerGroupsExclude],
    ['HOST_IPV4_LOOPBACK_CIDR', c.HostIPv4LoopbackCidr],
    ['DUAL_STACK', c.DualStack],
    ['RECONCILE', c.Reconcile],
    ['CLEANUP_ONLY', c.CleanupOnly],
    ['FORCE_APPLY', c.ForceApply],
  ];
  return `Istio iptables variables:\n${rows.map(([k, v]) => `${k}=${String(v)}`).join('\n')}\n`;
}
