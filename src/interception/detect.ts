/**
 * Values istio-iptables finds at run time: the proxy UID (from ENVOY_USER, else 1337), the GID
 * (the UID), whether IPv6 is on (from the first usable interface address, or any with
 * dual-stack), and the DNS servers (from resolv.conf). Fields given explicitly are kept.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import type { CaptureConfig } from './config.ts';
import type { Dependencies } from './deps/dependencies.ts';

type Field = keyof CaptureConfig;

export const DEFAULT_PROXY_UID = '1337';

export function lookupUid(user: string, passwd = '/etc/passwd'): string | undefined {
  try {
    for (const line of readFileSync(passwd, 'utf8').split('\n')) {
      const [name, , uid] = line.split(':');
      if (name === user && uid !== undefined) return uid;
    }
  } catch {
    // No passwd file: fall through to the default.
  }
  return undefined;
}

/** Interface addresses in the order `ip -o addr` lists them. */
export async function interfaceAddresses(probe: Dependencies): Promise<string[]> {
  const r = await probe.run({ bin: 'ip', args: ['-o', 'addr', 'show'] });
  if (r.code !== 0) return [];
  return r.stdout.split('\n').flatMap((l) => {
    const m = /\sinet6?\s+([0-9a-fA-F.:]+)\//.exec(l);
    return m?.[1] ? [m[1]] : [];
  });
}

function usable(addr: string): boolean {
  if (isIPv4(addr)) return !addr.startsWith('127.') && !addr.startsWith('169.254.');
  const a = addr.toLowerCase();
  return a !== '::1' && !a.startsWith('fe80:') && !a.startsWith('ff02:') && !a.startsWith('::ffff:127.');
}

/** Istio's getLocalIP: IPv6 is on when the first usable address is IPv6 (any, with dual-stack). */
export function ipv6FromAddresses(addrs: readonly string[], dualStack: boolean): boolean {
  const ok = addrs.filter(usable);
  if (ok.length === 0) return false;
  return dualStack ? ok.some((a) => isIPv6(a)) : isIPv6(ok[0] ?? '');
}

export function resolvConfServers(networkNamespace: string): { v4: string[]; v6: string[] } {
  const nsFile = networkNamespace !== '' && !networkNamespace.includes('/') ? `/etc/netns/${networkNamespace}/resolv.conf` : '';
  const file = nsFile !== '' && existsSync(nsFile) ? nsFile : '/etc/resolv.conf';
  const v4: string[] = [];
  const v6: string[] = [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { v4, v6 };
  }
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    const s = m?.[1]?.replace(/%.*$/, '');
    if (s && isIPv4(s)) v4.push(s);
    else if (s && isIPv6(s)) v6.push(s);
  }
  return { v4, v6 };
}

export async function fillFromEnvironment(
  cfg: CaptureConfig, explicit: ReadonlySet<Field>, env: NodeJS.ProcessEnv, probe: Dependencies,
): Promise<void> {
  if (cfg.ProxyUID === '') cfg.ProxyUID = lookupUid(env['ENVOY_USER'] ?? 'istio-proxy') ?? DEFAULT_PROXY_UID;
  if (cfg.ProxyGID === '') cfg.ProxyGID = cfg.ProxyUID;
  if (!explicit.has('EnableIPv6')) cfg.EnableIPv6 = ipv6FromAddresses(await interfaceAddresses(probe), cfg.DualStack);
  if (cfg.RedirectDNS && !cfg.CaptureAllDNS && !explicit.has('DNSServersV4') && !explicit.has('DNSServersV6')) {
    const s = resolvConfServers(cfg.NetworkNamespace);
    cfg.DNSServersV4 = s.v4;
    cfg.DNSServersV6 = s.v6;
  }
}
