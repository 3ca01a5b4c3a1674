/**
 * Name resolution without a DNS server: each pod's /etc/netns/<netns>/hosts lists every
 * service as `name.ns.svc.cluster.local name.ns.svc name.ns` (plus the bare `name` for services
 * of the pod's own namespace) and the pod itself, and resolv.conf carries Kubernetes' search
 * path. `ip netns exec` bind-mounts both over /etc for every process it starts.
 */
import type { ServiceView } from '../model/views.ts';

export function hostsFile(pod: { namespace: string; name: string; ip: string }, services: readonly ServiceView[]): string {
  const lines = [
    '# Kubernetes-managed hosts file (written by mizzen).',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    `${pod.ip}\t${pod.name}`,
  ];
  const sorted = [...services].sort((a, b) => a.clusterIP.localeCompare(b.clusterIP, 'en', { numeric: true }));
  for (const { service: s, clusterIP } of sorted) {
    const { name, namespace } = s.metadata;
    const names = [`${name}.${namespace}.svc.cluster.local`, `${name}.${namespace}.svc`, `${name}.${namespace}`];
    if (namespace === pod.namespace) names.push(name);
    lines.push(`${clusterIP}\t${names.join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function resolvConf(namespace: string): string {
  return `search ${namespace}.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`;
}
