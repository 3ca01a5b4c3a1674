/**
 * Names, hosts and addresses as Istio validates them: DNS-1123 labels and subdomains, hostnames
 * with an optional `*.` wildcard, `namespace/host` for Gateway and Sidecar hosts, IPs, CIDRs,
 * and Kubernetes label keys and values. Each check returns the reason, or undefined.
 */
import { isIP } from 'node:net';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOST_LABEL = /^[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export const isDns1123Label = (s: string): boolean => s.length <= 63 && LABEL.test(s);
export const isDns1123Subdomain = (s: string): boolean => s.length > 0 && s.length <= 253 && s.split('.').every((p) => LABEL.test(p));
export const isIPAddress = (s: string): boolean => isIP(s) !== 0;

export function dnsLabelProblem(s: string): string | undefined {
  return isDns1123Label(s) ? undefined
    : 'must be a DNS-1123 label: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit';
}

export function dnsSubdomainProblem(s: string): string | undefined {
  return isDns1123Subdomain(s) ? undefined
    : 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", each part starting and ending with a letter or digit';
}

/** An FQDN (no wildcard): labels of letters, digits and "-", at most 255 characters. */
export function fqdnProblem(host: string): string | undefined {
  if (host === '') return 'host must not be empty';
  if (host.length > 255) return 'host name is longer than 255 characters';
  const labels = (host.endsWith('.') ? host.slice(0, -1) : host).split('.');
  const bad = labels.find((l) => l.length > 63 || !HOST_LABEL.test(l));
  return bad === undefined ? undefined : `invalid host name: label ${JSON.stringify(bad)} is not a valid DNS label`;
}

/** A host, "*", or "*.suffix" (Istio's ValidateWildcardDomain). */
export function wildcardHostProblem(host: string): string | undefined {
  if (host === '*') return undefined;
  if (host.startsWith('*.')) return fqdnProblem(host.slice(2));
  if (host.includes('*')) return 'a wildcard is only allowed as the whole host ("*") or as the first label ("*.example.com")';
  return fqdnProblem(host);
}

/** Gateway and Sidecar hosts: `host` or `namespace/host`, namespace being `.`, `*`, `~` or a name. */
export function namespacedHostProblem(value: string, opts: { allowNoNamespace: boolean }): string | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) {
    return opts.allowNoNamespace ? wildcardHostProblem(value) : 'expected namespace/host, such as "./*", "istio-system/*" or "*/foo.example.com"';
  }
  const ns = value.slice(0, slash);
  const host = value.slice(slash + 1);
  if (ns !== '.' && ns !== '*' && ns !== '~' && !isDns1123Label(ns)) return `invalid namespace ${JSON.stringify(ns)} in namespace/host`;
  return wildcardHostProblem(host);
}

export function ipProblem(s: string): string | undefined {
  return isIPAddress(s) ? undefined : 'expected an IP address';
}

/** An IP address or an IP/prefix-length CIDR block. */
export function cidrProblem(s: string): string | undefined {
  const [addr = '', bits, ...rest] = s.split('/');
  const family = isIP(addr);
  if (family === 0 || rest.length > 0) return 'expected an IP address or a CIDR block such as 10.0.0.0/8';
  if (bits === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max ? undefined : `invalid prefix length /${bits} (must be 0 to ${max})`;
}

/** A Kubernetes label key: an optional DNS subdomain prefix and a name of up to 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return `invalid label key ${JSON.stringify(key)}: the prefix must be a DNS subdomain`;
  if (name.length > 63 || !QUALIFIED.test(name)) {
    return `invalid label key ${JSON.stringify(key)}: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  return value.length <= 63 && LABEL_VALUE.test(value) ? undefined
    : 'invalid label value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
}
