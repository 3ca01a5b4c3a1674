/**
 * kube-proxy's iptables mode for the node namespace, as one iptables-restore document for the
 * nat and filter tables (the node namespace is ours alone, so the tables are replaced whole,
 * atomically). PREROUTING jumps to MIZZEN-SERVICES; each ClusterIP:port jumps to its
 * MIZZEN-SVC-* chain, which picks a ready endpoint with `-m statistic --mode random`; each
 * MIZZEN-SEP-* chain DNATs (and marks hairpin traffic for masquerade). A service without ready
 * endpoints is REJECTed in filter, as kube-proxy does.
 */
import { createHash } from 'node:crypto';
import type { Endpoint, ServiceView } from '../model/views.ts';

const MASQ_MARK = '0x4000';

/** kube-proxy's chain names: a prefix and 16 characters of base32(sha256(key)). */
export function chainName(prefix: 'MIZZEN-SVC-' | 'MIZZEN-SEP-', key: string): string {
  const digest = createHash('sha256').update(key).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= 16) break;
  }
  return prefix + out;
}

export function serviceRules(services: readonly ServiceView[], endpoints: readonly Endpoint[]): string {
  const chains: string[] = [];
  const rules: string[] = [];
  const rejects: string[] = [];
  const sorted = [...services].sort((a, b) => a.clusterIP.localeCompare(b.clusterIP, 'en', { numeric: true }));
  for (const { service: s, clusterIP } of sorted) {
    const ns = s.metadata.namespace;
    for (const sp of s.spec.ports) {
      const portName = `${ns}/${s.metadata.name}${sp.name ? `:${sp.name}` : ''}`;
      const proto = sp.protocol.toLowerCase();
      const match = `-d ${clusterIP}/32 -p ${proto} -m comment --comment "${portName} cluster IP" -m ${proto} --dport ${sp.port}`;
      const ready = endpoints.filter((e) => e.ready && e.namespace === ns && e.service === s.metadata.name)
        .flatMap((e) => e.ports.filter((p) => p.name === (sp.name ?? '')).map((p) => ({ ip: e.ip, port: p.port })));
      if (ready.length === 0) {
        rejects.push(`-A MIZZEN-SERVICES ${match.replace('cluster IP', 'has no endpoints')} -j REJECT --reject-with icmp-port-unreachable`);
        continue;
      }
      const svc = chainName('MIZZEN-SVC-', `${portName}/${proto}`);
      chains.push(svc);
      rules.push(`-A MIZZEN-SERVICES ${match} -j ${svc}`);
      ready.forEach((ep, i) => {
        const sep = chainName('MIZZEN-SEP-', `${portName}/${proto}/${ep.ip}:${ep.port}`);
        chains.push(sep);
        const left = ready.length - i;
        const stat = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : '';
        rules.push(`-A ${svc} -m comment --comment "${portName} -> ${ep.ip}:${ep.port}"${stat} -j ${sep}`);
        rules.push(`-A ${sep} -s ${ep.ip}/32 -m comment --comment "${portName}" -j MIZZEN-MARK-MASQ`);
        rules.push(`-A ${sep} -p ${proto} -m comment --comment "${portName}" -m ${proto} -j DNAT --to-destination ${ep.ip}:${ep.port}`);
      });
    }
  }
  return [
    '*nat',
    ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
    ':MIZZEN-SERVICES - [0:0]', ':MIZZEN-POSTROUTING - [0:0]', ':MIZZEN-MARK-MASQ - [0:0]',
    ...chains.map((c) => `:${c} - [0:0]`),
    '-A PREROUTING -m comment --comment "mizzen service portals" -j MIZZEN-SERVICES',
    '-A OUTPUT -m comment --comment "mizzen service portals" -j MIZZEN-SERVICES',
    '-A POSTROUTING -m comment --comment "mizzen postrouting rules" -j MIZZEN-POSTROUTING',
    `-A MIZZEN-MARK-MASQ -j MARK --or-mark ${MASQ_MARK}`,
    `-A MIZZEN-POSTROUTING -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
    `-A MIZZEN-POSTROUTING -j MARK --xor-mark ${MASQ_MARK}`,
    '-A MIZZEN-POSTROUTING -m comment --comment "mizzen service traffic requiring SNAT" -j MASQUERADE',
    ...rules,
    'COMMIT',
    '*filter',
    ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
    ':MIZZEN-SERVICES - [0:0]',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "mizzen service portals" -j MIZZEN-SERVICES',
    '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "mizzen service portals" -j MIZZEN-SERVICES',
    ...rejects,
    'COMMIT',
    '',
  ].join('\n');
}
