/**
 * The `mizzen iptables` flags and environment variables, one table for both: the same names,
 * short letters, env vars (with Istio's aliases) and defaults as `pilot-agent istio-iptables`.
 * Precedence, as in Istio: default < env var < alias env var < command line.
 */
import type { CaptureConfig } from './config.ts';

type Field = keyof CaptureConfig;
export type FlagKind = 'string' | 'bool' | 'number';

export interface FlagDef {
  readonly field: Field;
  readonly long: string;
  readonly short?: string;
  readonly kind: FlagKind;
  /** Env vars applied in order (a later one wins). Empty for flag-only settings. */
  readonly env: readonly string[];
  readonly help: string;
}

const envOf = (long: string): string => long.toUpperCase().replaceAll('-', '_');

function def(field: Field, long: string, short: string | undefined, kind: FlagKind, help: string, env?: readonly string[]): FlagDef {
  return { field, long, kind, help, env: env ?? [envOf(long)], ...(short ? { short } : {}) };
}

export const flagDefs: readonly FlagDef[] = [
  def('ProxyPort', 'envoy-port', 'p', 'string', 'port to which all outbound TCP traffic is redirected', []),
  def('InboundCapturePort', 'inbound-capture-port', 'z', 'string', 'port to which all inbound TCP traffic is redirected'),
  def('InboundTunnelPort', 'inbound-tunnel-port', 'e', 'string', 'HBONE tunnel port; never captured'),
  def('ProxyUID', 'proxy-uid', 'u', 'string', 'UID(s) of the proxy, whose traffic is not redirected'),
  def('ProxyGID', 'proxy-gid', 'g', 'string', 'GID(s) of the proxy (default: the proxy UID)'),
  def('InboundInterceptionMode', 'istio-inbound-interception-mode', 'm', 'string', 'inbound capture mode: REDIRECT or TPROXY'),
  def('InboundPortsInclude', 'istio-inbound-ports', 'b', 'string', 'inbound ports to capture: a comma list, * for all, empty for none'),
  def('InboundPortsExclude', 'istio-local-exclude-ports', 'd', 'string', 'inbound ports not to capture (only with -b *)'),
  def('ExcludeInterfaces', 'istio-exclude-interfaces', 'c', 'string', 'interfaces whose traffic is never captured'),
  def('OutboundIPRangesInclude', 'istio-service-cidr', 'i', 'string', 'outbound CIDRs to capture, or * for all'),
  def('OutboundIPRangesExclude', 'istio-service-exclude-cidr', 'x', 'string', 'outbound CIDRs never captured'),
  def('OutboundPortsInclude', 'istio-outbound-ports', 'q', 'string', 'outbound TCP ports always captured'),
  def('OutboundPortsExclude', 'istio-local-outbound-ports-exclude', 'o', 'string', 'outbound ports never captured'),
  def('RerouteVirtualInterfaces', 'kube-virt-interfaces', 'k', 'string', 'virtual interfaces whose inbound traffic is treated as outbound'),
  def('InboundTProxyMark', 'istio-inbound-tproxy-mark', 't', 'string', 'packet mark used in TPROXY mode'),
  def('InboundTProxyRouteTable', 'istio-inbound-tproxy-route-table', 'r', 'string', 'routing table used in TPROXY mode'),
  def('DryRun', 'dry-run', 'n', 'bool', 'change nothing; print the commands and rules instead'),
  def('IptablesProbePort', 'iptables-probe-port', undefined, 'number', 'port the validation client dials'),
  def('ProbeTimeout', 'probe-timeout', undefined, 'string', 'how long validation waits (a Go duration)'),
  def('SkipRuleApply', 'skip-rule-apply', undefined, 'bool', 'program no rules and no routes'),
  def('RunValidation', 'run-validation', undefined, 'bool', 'check that redirection works (exit 126 if not)'),
  def('RedirectDNS', 'redirect-dns', undefined, 'bool', 'capture DNS to the agent on 15053', ['REDIRECT_DNS', 'ISTIO_META_DNS_CAPTURE']),
  def('CaptureAllDNS', 'capture-all-dns', undefined, 'bool', 'with --redirect-dns, capture all port-53 traffic'),
  def('DropInvalid', 'drop-invalid', undefined, 'bool', 'drop conntrack-INVALID packets', ['DROP_INVALID', 'INVALID_DROP']),
  def('DualStack', 'dual-stack', undefined, 'bool', 'enable IPv6 if any IPv6 address exists', ['DUAL_STACK', 'ISTIO_DUAL_STACK']),
  def('NetworkNamespace', 'network-namespace', undefined, 'string', 'network namespace (name or path) to program'),
  def('HostFilesystemPodNetwork', 'cni-mode', undefined, 'bool', 'running as a CNI plugin'),
  def('Reconcile', 'reconcile', undefined, 'bool', 'replace different existing Istio rules'),
  def('CleanupOnly', 'cleanup-only', undefined, 'bool', 'only remove the rules and chains'),
  def('ForceApply', 'force-apply', undefined, 'bool', 'apply even when matching rules exist'),
  def('NativeNftables', 'native-nftables', undefined, 'bool', 'use the nftables backend (not supported)'),
  def('ForceIptablesBinary', 'force-iptables-binary', undefined, 'string', 'force legacy or nft'),
];

/** Settings with no flag: env var only. */
export const envOnlyDefs: readonly { field: Field; env: string }[] = [
  { field: 'OwnerGroupsInclude', env: 'ISTIO_OUTBOUND_OWNER_GROUPS' },
  { field: 'OwnerGroupsExclude', env: 'ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE' },
  { field: 'HostIPv4LoopbackCidr', env: 'ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR' },
];

/** How an error names a field: its flag (and env var), or its env var when it has no flag. */
export function fieldLabel(field: Field): string {
  const f = flagDefs.find((d) => d.field === field);
  if (f) return `${f.short ? `-${f.short}/` : ''}--${f.long}`;
  const e = envOnlyDefs.find((d) => d.field === field);
  if (e) return e.env;
  return field;
}

const goTrue = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const goFalse = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool. */
export function parseGoBool(v: string): boolean | undefined {
  if (goTrue.has(v)) return true;
  if (goFalse.has(v)) return false;
  return undefined;
}
