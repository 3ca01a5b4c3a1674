/**
 * Validation at the edge: every value is checked before anything runs, and the first bad one
 * is reported with the flag that carries it. Istio's own checks (owner-group count, the IPv4
 * loopback CIDR, `-x '*'`, the iptables binary) come with Istio's wording; the rest reject what
 * iptables would reject later, half-way through an apply.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { invalidFlag, type MizzenError } from '../core/errors.ts';
import { isLoopback, parsePrefix } from './cidr.ts';
import { splitList, type CaptureConfig, type FrozenCaptureConfig } from './config.ts';
import { fieldLabel } from './flags.ts';

const MAX_OWNER_GROUPS_INCLUDE = 64;

type Field = keyof CaptureConfig;

const isPort = (s: string): boolean => /^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 65535;
const isPortOrRange = (s: string): boolean => {
  const [a, b, ...rest] = s.split(':');
  return rest.length === 0 && a !== undefined && isPort(a) && (b === undefined || (isPort(b) && Number(b) >= Number(a)));
};
const isName = (s: string): boolean => /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(s) && s.length <= 32;
const isId = (s: string): boolean => (/^\d+$/.test(s) && Number(s) <= 0xffffffff) || isName(s);
const isIfName = (s: string): boolean => /^[A-Za-z0-9_.:@-]{1,15}\+?$/.test(s);
const isUint32 = (s: string): boolean => /^(0x[0-9a-fA-F]{1,8}|\d{1,10})$/.test(s) && Number(s) <= 0xffffffff;

/** Returns the first problem found, or undefined when the config is acceptable. */
export function validateConfig(c: FrozenCaptureConfig): MizzenError | undefined {
  const bad = (field: Field, value: unknown, reason: string): MizzenError => invalidFlag(fieldLabel(field), value, reason);
  const list = (field: Field, ok: (s: string) => boolean, what: string, allowStar = false): MizzenError | undefined => {
    const v = c[field] as string;
    if (allowStar && v === '*') return undefined;
    const item = splitList(v).find((x) => !ok(x));
    return item === undefined ? undefined : bad(field, v, `${JSON.stringify(item)} is not ${what}`);
  };

  for (const f of ['ProxyPort', 'InboundCapturePort', 'InboundTunnelPort'] as const) {
    if (!isPort(c[f])) return bad(f, c[f], 'expected a port number from 1 to 65535');
  }
  const checks: (MizzenError | undefined)[] = [
    list('InboundPortsInclude', isPortOrRange, 'a port or port range', true),
    list('InboundPortsExclude', isPortOrRange, 'a port or port range'),
    list('OutboundPortsInclude', isPortOrRange, 'a port or port range'),
    list('OutboundPortsExclude', isPortOrRange, 'a port or port range'),
    list('ProxyUID', isId, 'a user id or name'),
    list('ProxyGID', isId, 'a group id or name'),
    list('ExcludeInterfaces', isIfName, 'an interface name'),
    list('RerouteVirtualInterfaces', isIfName, 'an interface name'),
    list('OutboundIPRangesInclude', (s) => parsePrefix(s) !== undefined, 'a CIDR (ADDRESS/BITS)', true),
    list('OwnerGroupsInclude', isId, 'a group id or name', true),
    list('OwnerGroupsExclude', isId, 'a group id or name'),
  ];
  const first = checks.find((e) => e !== undefined);
  if (first) return first;

  if (c.OutboundIPRangesExclude === '*') return bad('OutboundIPRangesExclude', '*', 'invalid value for OUTBOUND_IP_RANGES_EXCLUDE');
  const ex = list('OutboundIPRangesExclude', (s) => parsePrefix(s) !== undefined, 'a CIDR (ADDRESS/BITS)');
  if (ex) return ex;

  if (!['', 'REDIRECT', 'TPROXY'].includes(c.InboundInterceptionMode)) {
    return bad('InboundInterceptionMode', c.InboundInterceptionMode, 'expected REDIRECT or TPROXY');
  }
  if (!isUint32(c.InboundTProxyMark)) return bad('InboundTProxyMark', c.InboundTProxyMark, 'expected a 32-bit mark');
  if (!isUint32(c.InboundTProxyRouteTable) || Number(c.InboundTProxyRouteTable) === 0) {
    return bad('InboundTProxyRouteTable', c.InboundTProxyRouteTable, 'expected a routing table number from 1 to 4294967295');
  }

  if (c.OwnerGroupsInclude !== '*') {
    const n = splitList(c.OwnerGroupsInclude).length;
    if (n > MAX_OWNER_GROUPS_INCLUDE) {
      return bad('OwnerGroupsInclude', c.OwnerGroupsInclude,
        `number of owner groups whose outgoing traffic should be redirected to Envoy cannot exceed ${MAX_OWNER_GROUPS_INCLUDE}, got ${n}`);
    }
  }

  const lo = parsePrefix(c.HostIPv4LoopbackCidr);
  if (!lo) return bad('HostIPv4LoopbackCidr', c.HostIPv4LoopbackCidr, `failed to parse CIDR ${c.HostIPv4LoopbackCidr}`);
  if (lo.family !== 4 || !isLoopback(lo)) {
    return bad('HostIPv4LoopbackCidr', c.HostIPv4LoopbackCidr, `expected valid IPv4 loopback address in CIDR ${c.HostIPv4LoopbackCidr}; found ${lo.addr}`);
  }
  if (lo.bits < 8 || lo.bits > 32) {
    return bad('HostIPv4LoopbackCidr', c.HostIPv4LoopbackCidr, `expected CIDR ${c.HostIPv4LoopbackCidr} to have mask in range [8, 32]; found ${lo.bits}`);
  }

  const v4 = c.DNSServersV4.find((s) => !isIPv4(s));
  if (v4 !== undefined) return bad('DNSServersV4', c.DNSServersV4, `${JSON.stringify(v4)} is not an IPv4 address`);
  const v6 = c.DNSServersV6.find((s) => !isIPv6(s));
  if (v6 !== undefined) return bad('DNSServersV6', c.DNSServersV6, `${JSON.stringify(v6)} is not an IPv6 address`);

  if (!['', 'legacy', 'nft'].includes(c.ForceIptablesBinary)) {
    return bad('ForceIptablesBinary', c.ForceIptablesBinary, `iptables version ${c.ForceIptablesBinary} not supported; expected legacy or nft`);
  }
  if (!Number.isInteger(c.IptablesProbePort) || c.IptablesProbePort < 1 || c.IptablesProbePort > 65535) {
    return bad('IptablesProbePort', c.IptablesProbePort, 'expected a port number from 1 to 65535');
  }
  if (parseGoDuration(c.ProbeTimeout) === undefined) return bad('ProbeTimeout', c.ProbeTimeout, 'expected a duration such as 5s or 500ms');
  if (c.NativeNftables) return bad('NativeNftables', true, 'the nftables backend is not supported; Mizzen programs iptables');
  return undefined;
}

const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds. */
export function parseGoDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * (units[m[2] ?? ''] ?? NaN);
    consumed += m[0].length;
  }
  return consumed === s.length && s.length > 0 && Number.isFinite(total) ? total : undefined;
}
