/**
 * istio-init's arguments, as Istio's injection template builds them from the pod's
 * annotations: -m from sidecar.istio.io/interceptionMode, -i/-x/-b from the
 * traffic.sidecar.istio.io include/exclude annotations, -d always starting 15090,15021,15020,
 * and -q/-o/-k/-c only when their annotation is present.
 */
import type { Labels } from '../model/objects.ts';

const T = 'traffic.sidecar.istio.io/';
export const STATUS_PORT = 15020;

/**
 * Istio's `"15090,15021,{{ excludeInboundPort statusPort annotation }}"`: the status port is put
 * in front of the annotation's list unless the list already holds it.
 */
function excludeInbound(annotation: string | undefined): string {
  const excluded = (annotation ?? '').trim();
  const status = String(STATUS_PORT);
  const listed = excluded.split(',').map((p) => p.trim()).includes(status);
  const tail = listed ? excluded : excluded === '' ? status : `${status},${excluded}`;
  return `15090,15021,${tail}`;
}

export function istioInitArgs(annotations: Labels): string[] {
  const a = (key: string): string | undefined => annotations[key];
  const args = [
    '-p', '15001',
    '-z', '15006',
    '-u', '1337',
    '-m', a('sidecar.istio.io/interceptionMode') ?? 'REDIRECT',
    '-i', a(`${T}includeOutboundIPRanges`) ?? '*',
    '-x', a(`${T}excludeOutboundIPRanges`) ?? '',
    '-b', a(`${T}includeInboundPorts`) ?? '*',
    '-d', excludeInbound(a(`${T}excludeInboundPorts`)),
  ];
  const optional: [string, string][] = [
    ['-q', 'includeOutboundPorts'], ['-o', 'excludeOutboundPorts'], ['-k', 'kubevirtInterfaces'], ['-c', 'excludeInterfaces'],
  ];
  for (const [flag, key] of optional) {
    const v = a(`${T}${key}`);
    if (v !== undefined) args.push(flag, v);
  }
  return args;
}
