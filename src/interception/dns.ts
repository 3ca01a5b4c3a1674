/**
 * DNS capture: nat ISTIO_OUTPUT_DNS redirects port 53 (to the resolv.conf servers, or all of it
 * with capture-all) to the agent's DNS proxy on 15053, and raw-table rules split DNS traffic into
 * conntrack zones 1 (agent <-> upstream) and 2 (app <-> agent) to avoid UDP conntrack races.
 */
import type { RuleBuilder } from './builder.ts';
import { splitList, type FrozenCaptureConfig } from './config.ts';
import { DNS_PROXY_PORT } from './constants.ts';

export function addDnsRedirect(b: RuleBuilder, cfg: FrozenCaptureConfig): void {
  const all = cfg.CaptureAllDNS;
  const v4 = cfg.DNSServersV4;
  const v6 = cfg.DNSServersV6;
  b.append('OUTPUT', 'raw', '-j', 'ISTIO_OUTPUT_DNS');
  // Jump only in a family that has something to capture.
  if (all || v4.length > 0) b.appendV4('ISTIO_OUTPUT', 'nat', '-j', 'ISTIO_OUTPUT_DNS');
  if (all || v6.length > 0) b.appendV6('ISTIO_OUTPUT', 'nat', '-j', 'ISTIO_OUTPUT_DNS');

  // TCP uses --to-ports and UDP --to-port: both are accepted by iptables, and Istio writes both.
  if (all) {
    b.append('ISTIO_OUTPUT_DNS', 'nat', '-p', 'tcp', '--dport', '53', '-j', 'REDIRECT', '--to-ports', DNS_PROXY_PORT);
  } else {
    for (const s of v4) b.appendV4('ISTIO_OUTPUT_DNS', 'nat', '-p', 'tcp', '--dport', '53', '-d', `${s}/32`, '-j', 'REDIRECT', '--to-ports', DNS_PROXY_PORT);
    for (const s of v6) b.appendV6('ISTIO_OUTPUT_DNS', 'nat', '-p', 'tcp', '--dport', '53', '-d', `${s}/128`, '-j', 'REDIRECT', '--to-ports', DNS_PROXY_PORT);
  }
  if (all) {
    b.append('ISTIO_OUTPUT_DNS', 'nat', '-p', 'udp', '--dport', '53', '-j', 'REDIRECT', '--to-port', DNS_PROXY_PORT);
  } else {
    for (const s of v4) b.appendV4('ISTIO_OUTPUT_DNS', 'nat', '-p', 'udp', '--dport', '53', '-d', `${s}/32`, '-j', 'REDIRECT', '--to-port', DNS_PROXY_PORT);
    for (const s of v6) b.appendV6('ISTIO_OUTPUT_DNS', 'nat', '-p', 'udp', '--dport', '53', '-d', `${s}/128`, '-j', 'REDIRECT', '--to-port', DNS_PROXY_PORT);
  }
  addConntrackZones(b, cfg);
}

function addConntrackZones(b: RuleBuilder, cfg: FrozenCaptureConfig): void {
  for (const [flag, ids] of [['--uid-owner', splitList(cfg.ProxyUID)], ['--gid-owner', splitList(cfg.ProxyGID)]] as const) {
    for (const id of ids) {
      // The agent's queries to upstream resolvers: zone 1. Its answers to apps: zone 2.
      b.append('ISTIO_OUTPUT_DNS', 'raw', '-p', 'udp', '--dport', '53', '-m', 'owner', flag, id, '-j', 'CT', '--zone', '1');
      b.append('ISTIO_OUTPUT_DNS', 'raw', '-p', 'udp', '--sport', DNS_PROXY_PORT, '-m', 'owner', flag, id, '-j', 'CT', '--zone', '2');
    }
  }
  if (cfg.CaptureAllDNS) {
    b.append('PREROUTING', 'raw', '-j', 'ISTIO_INBOUND');
    b.append('ISTIO_OUTPUT_DNS', 'raw', '-p', 'udp', '--dport', '53', '-j', 'CT', '--zone', '2');
    b.append('ISTIO_INBOUND', 'raw', '-p', 'udp', '--sport', '53', '-j', 'CT', '--zone', '1');
    return;
  }
  if (cfg.DNSServersV4.length > 0) b.appendV4('PREROUTING', 'raw', '-j', 'ISTIO_INBOUND');
  for (const s of cfg.DNSServersV4) {
    b.appendV4('ISTIO_OUTPUT_DNS', 'raw', '-p', 'udp', '--dport', '53', '-d', `${s}/32`, '-j', 'CT', '--zone', '2');
    b.appendV4('ISTIO_INBOUND', 'raw', '-p', 'udp', '--sport', '53', '-s', `${s}/32`, '-j', 'CT', '--zone', '1');
  }
  if (cfg.DNSServersV6.length > 0) b.appendV6('PREROUTING', 'raw', '-j', 'ISTIO_INBOUND');
  for (const s of cfg.DNSServersV6) {
    b.appendV6('ISTIO_OUTPUT_DNS', 'raw', '-p', 'udp', '--dport', '53', '-d', `${s}/128`, '-j', 'CT', '--zone', '2');
    b.appendV6('ISTIO_INBOUND', 'raw', '-p', 'udp', '--sport', '53', '-s', `${s}/128`, '-j', 'CT', '--zone', '1');
  }
}
