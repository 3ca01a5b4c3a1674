/**
 * Inbound capture: PREROUTING to ISTIO_INBOUND, then per port (or for all ports but the
 * excluded ones) to ISTIO_IN_REDIRECT (nat, REDIRECT mode) or to ISTIO_TPROXY (mangle, TPROXY
 * mode, with ISTIO_DIVERT marking packets of established connections).
 */
import { IP_VERSION_SPECIFIC, type RuleBuilder } from './builder.ts';
import { isTproxy, splitList, type FrozenCaptureConfig } from './config.ts';
import type { Table } from './rule.ts';

export function addInboundCapture(b: RuleBuilder, cfg: FrozenCaptureConfig): void {
  if (cfg.InboundPortsInclude === '') return;
  const tproxy = isTproxy(cfg);
  const table: Table = tproxy ? 'mangle' : 'nat';
  if (tproxy) {
    b.append('ISTIO_DIVERT', 'mangle', '-j', 'MARK', '--set-mark', cfg.InboundTProxyMark);
    b.append('ISTIO_DIVERT', 'mangle', '-j', 'ACCEPT');
    b.appendVersioned(cfg.HostIPv4LoopbackCidr, '::1/128', 'ISTIO_TPROXY', 'mangle', '!', '-d', IP_VERSION_SPECIFIC,
      '-p', 'tcp', '-j', 'TPROXY', '--tproxy-mark', `${cfg.InboundTProxyMark}/0xffffffff`, '--on-port', cfg.InboundCapturePort);
  }
  b.append('PREROUTING', table, '-p', 'tcp', '-j', 'ISTIO_INBOUND');

  if (cfg.InboundPortsInclude === '*') {
    for (const port of splitList(cfg.InboundPortsExclude)) {
      b.append('ISTIO_INBOUND', table, '-p', 'tcp', '--dport', port, '-j', 'RETURN');
    }
    if (tproxy) {
      b.append('ISTIO_INBOUND', 'mangle', '-p', 'tcp', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ISTIO_DIVERT');
      b.append('ISTIO_INBOUND', 'mangle', '-p', 'tcp', '-j', 'ISTIO_TPROXY');
    } else {
      b.append('ISTIO_INBOUND', 'nat', '-p', 'tcp', '-j', 'ISTIO_IN_REDIRECT');
    }
    return;
  }
  for (const port of splitList(cfg.InboundPortsInclude)) {
    if (tproxy) {
      b.append('ISTIO_INBOUND', 'mangle', '-p', 'tcp', '--dport', port, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ISTIO_DIVERT');
      b.append('ISTIO_INBOUND', 'mangle', '-p', 'tcp', '--dport', port, '-j', 'ISTIO_TPROXY');
    } else {
      b.append('ISTIO_INBOUND', 'nat', '-p', 'tcp', '--dport', port, '-j', 'ISTIO_IN_REDIRECT');
    }
  }
}
