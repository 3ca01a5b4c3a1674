/**
 * The capture plan: every rule istio-init writes, generated from a frozen CaptureConfig in the
 * order istio-iptables generates them (the order is part of the contract; the goldens check it).
 * Pure: no I/O. The DNS rules live in dns.ts, the inbound ones in inbound.ts.
 */
import { IP_VERSION_SPECIFIC, RuleBuilder } from './builder.ts';
import { isTproxy, splitList, type FrozenCaptureConfig } from './config.ts';
import { OUTBOUND_MARK } from './constants.ts';
import { addDnsRedirect } from './dns.ts';
import { addInboundCapture } from './inbound.ts';
import { separateRanges, type NetworkRange } from './ranges.ts';
import type { RulePlan } from './rule.ts';

export interface CapturePlan {
  readonly rules: RulePlan;
  /** DNS capture after Istio's "no servers and not capture-all" switch-off. */
  readonly redirectDNS: boolean;
  readonly warnings: readonly string[];
}

export function buildCapturePlan(cfg: FrozenCaptureConfig): CapturePlan {
  const warnings: string[] = [];
  const b = new RuleBuilder(cfg.EnableIPv6);
  const exclude = separateRanges(cfg.OutboundIPRangesExclude);
  const include = separateRanges(cfg.OutboundIPRangesInclude);

  let redirectDNS = cfg.RedirectDNS;
  if (redirectDNS && !cfg.CaptureAllDNS && cfg.DNSServersV4.length === 0 && cfg.DNSServersV6.length === 0) {
    warnings.push('REDIRECT_DNS is set, but CAPTURE_ALL_DNS is false, and no DNS servers provided. DNS capture disabled.');
    redirectDNS = false;
  }

  // Excluded interfaces: never captured, in or out.
  for (const nic of splitList(cfg.ExcludeInterfaces)) {
    b.append('PREROUTING', 'nat', '-i', nic, '-j', 'RETURN');
    b.append('OUTPUT', 'nat', '-o', nic, '-j', 'RETURN');
  }
  if (isTproxy(cfg)) {
    for (const nic of splitList(cfg.ExcludeInterfaces)) {
      b.append('PREROUTING', 'mangle', '-i', nic, '-j', 'RETURN');
      b.append('OUTPUT', 'mangle', '-o', nic, '-j', 'RETURN');
    }
  }
  // Virtual interfaces are not captured as inbound.
  for (const nic of splitList(cfg.RerouteVirtualInterfaces)) {
    b.insert('PREROUTING', 'nat', 1, '-i', nic, '-j', 'RETURN');
  }
  if (cfg.DropInvalid) {
    b.append('PREROUTING', 'mangle', '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'ISTIO_DROP');
    b.append('ISTIO_DROP', 'mangle', '-j', 'DROP');
  }

  b.append('ISTIO_INBOUND', 'nat', '-p', 'tcp', '--dport', cfg.InboundTunnelPort, '-j', 'RETURN');
  b.append('ISTIO_REDIRECT', 'nat', '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', cfg.ProxyPort);
  b.append('ISTIO_IN_REDIRECT', 'nat', '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', cfg.InboundCapturePort);

  addInboundCapture(b, cfg);

  b.append('OUTPUT', 'nat', '-j', 'ISTIO_OUTPUT');
  for (const port of splitList(cfg.OutboundPortsExclude)) {
    b.append('ISTIO_OUTPUT', 'nat', '-p', 'tcp', '--dport', port, '-j', 'RETURN');
    b.append('ISTIO_OUTPUT', 'nat', '-p', 'udp', '--dport', port, '-j', 'RETURN');
  }
  // 127.0.0.6 / ::6 is the source of the proxy's inbound leg to the app.
  b.appendVersioned('127.0.0.6/32', '::6/128', 'ISTIO_OUTPUT', 'nat', '-o', 'lo', '-s', IP_VERSION_SPECIFIC, '-j', 'RETURN');

  const loopbackIncluded = include.v4.hasLoopback || include.v6.hasLoopback;
  const lo4 = cfg.HostIPv4LoopbackCidr;
  for (const [flag, ids] of [['--uid-owner', splitList(cfg.ProxyUID)], ['--gid-owner', splitList(cfg.ProxyGID)]] as const) {
    for (const id of ids) {
      // The proxy calling its own pod through a VIP goes back in through the inbound listener.
      const dportMatch = redirectDNS && flag === '--uid-owner'
        ? ['-m', 'multiport', '!', '--dports', `53,${cfg.InboundTunnelPort}`]
        : ['!', '--dport', cfg.InboundTunnelPort];
      b.appendVersioned(lo4, '::1/128', 'ISTIO_OUTPUT', 'nat', '-o', 'lo', '!', '-d', IP_VERSION_SPECIFIC, '-p', 'tcp',
        ...dportMatch, '-m', 'owner', flag, id, '-j', 'ISTIO_IN_REDIRECT');
      // An app calling itself over lo stays local, unless a loopback range was included on purpose.
      if (!loopbackIncluded) {
        if (redirectDNS) {
          b.append('ISTIO_OUTPUT', 'nat', '-o', 'lo', '-p', 'tcp', '!', '--dport', '53', '-m', 'owner', '!', flag, id, '-j', 'RETURN');
        } else {
          b.append('ISTIO_OUTPUT', 'nat', '-o', 'lo', '-m', 'owner', '!', flag, id, '-j', 'RETURN');
        }
      }
      // The proxy's own traffic is never redirected (loop prevention), whatever the protocol.
      b.append('ISTIO_OUTPUT', 'nat', '-m', 'owner', flag, id, '-j', 'RETURN');
    }
  }

  addOwnerGroupFilter(b, cfg);
  if (redirectDNS) addDnsRedirect(b, cfg);

  b.appendVersioned(lo4, '::1/128', 'ISTIO_OUTPUT', 'nat', '-d', IP_VERSION_SPECIFIC, '-j', 'RETURN');
  for (const p of exclude.v4.cidrs) b.appendV4('ISTIO_OUTPUT', 'nat', '-d', p, '-j', 'RETURN');
  for (const p of exclude.v6.cidrs) b.appendV6('ISTIO_OUTPUT', 'nat', '-d', p, '-j', 'RETURN');

  for (const port of splitList(cfg.OutboundPortsInclude)) {
    b.append('ISTIO_OUTPUT', 'nat', '-p', 'tcp', '--dport', port, '-j', 'ISTIO_REDIRECT');
  }
  addOutboundInclude(b, cfg, include.v4, 'v4');
  addOutboundInclude(b, cfg, include.v6, 'v6');

  if (isTproxy(cfg)) addTproxyMarks(b, cfg);
  return { rules: b.build(), redirectDNS, warnings };
}

function addOwnerGroupFilter(b: RuleBuilder, cfg: FrozenCaptureConfig): void {
  if (cfg.OwnerGroupsInclude === '*') {
    // Capture all groups except the excluded ones.
    for (const g of splitList(cfg.OwnerGroupsExclude)) {
      b.append('ISTIO_OUTPUT', 'nat', '-m', 'owner', '--gid-owner', g, '-j', 'RETURN');
    }
    return;
  }
  // Capture only the listed groups: one rule that returns when the group is none of them.
  const noneOf = splitList(cfg.OwnerGroupsInclude).flatMap((g) => ['-m', 'owner', '!', '--gid-owner', g]);
  b.append('ISTIO_OUTPUT', 'nat', ...noneOf, '-j', 'RETURN');
}

function addOutboundInclude(b: RuleBuilder, cfg: FrozenCaptureConfig, range: NetworkRange, fam: 'v4' | 'v6'): void {
  const append = fam === 'v4' ? b.appendV4.bind(b) : b.appendV6.bind(b);
  const insert = fam === 'v4' ? b.insertV4.bind(b) : b.insertV6.bind(b);
  const virt = splitList(cfg.RerouteVirtualInterfaces);
  if (range.wildcard) {
    append('ISTIO_OUTPUT', 'nat', '-j', 'ISTIO_REDIRECT');
    for (const nic of virt) insert('PREROUTING', 'nat', 1, '-i', nic, '-j', 'ISTIO_REDIRECT');
    return;
  }
  for (const cidr of range.cidrs) {
    for (const nic of virt) insert('PREROUTING', 'nat', 1, '-i', nic, '-d', cidr, '-j', 'ISTIO_REDIRECT');
    append('ISTIO_OUTPUT', 'nat', '-d', cidr, '-j', 'ISTIO_REDIRECT');
  }
}

function addTproxyMarks(b: RuleBuilder, cfg: FrozenCaptureConfig): void {
  const mark = cfg.InboundTProxyMark;
  const lo4 = cfg.HostIPv4LoopbackCidr;
  // Keep the mark the proxy's original-source sockets set, as the connection's mark.
  b.append('PREROUTING', 'mangle', '-p', 'tcp', '-m', 'mark', '--mark', mark, '-j', 'CONNMARK', '--save-mark');
  // Already marked (proxy to app): leave it alone.
  b.append('OUTPUT', 'mangle', '-p', 'tcp', '-o', 'lo', '-m', 'mark', '--mark', mark, '-j', 'RETURN');
  for (const [flag, ids] of [['--uid-owner', splitList(cfg.ProxyUID)], ['--gid-owner', splitList(cfg.ProxyGID)]] as const) {
    for (const id of ids) {
      // app -> VIP -> proxy outbound -(1338)-> proxy inbound -> app
      b.appendVersioned(lo4, '::1/128', 'OUTPUT', 'mangle', '!', '-d', IP_VERSION_SPECIFIC, '-p', 'tcp', '-o', 'lo',
        '-m', 'owner', flag, id, '-j', 'MARK', '--set-mark', OUTBOUND_MARK);
    }
  }
  // Replies from the app follow the policy route back to the proxy.
  b.append('OUTPUT', 'mangle', '-p', 'tcp', '-m', 'connmark', '--mark', mark, '-j', 'CONNMARK', '--restore-mark');
  b.insert('ISTIO_INBOUND', 'mangle', 1, '-p', 'tcp', '-m', 'mark', '--mark', mark, '-j', 'RETURN');
  b.insertV4('ISTIO_INBOUND', 'mangle', 2, '-p', 'tcp', '-s', '127.0.0.6/32', '-i', 'lo', '-j', 'RETURN');
  b.insertV6('ISTIO_INBOUND', 'mangle', 2, '-p', 'tcp', '-s', '::6/128', '-i', 'lo', '-j', 'RETURN');
  b.insert('ISTIO_INBOUND', 'mangle', 3, '-p', 'tcp', '-i', 'lo', '-m', 'mark', '!', '--mark', OUTBOUND_MARK, '-j', 'RETURN');
}
