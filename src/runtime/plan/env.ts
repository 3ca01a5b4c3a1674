/**
 * A container's environment as the kubelet builds it: the image's defaults (a standard PATH,
 * HOSTNAME, HOME), then `env` in order, with fieldRef values filled in from the pod and
 * `$(VAR)` references to earlier variables expanded ("$$" escapes); command and args are
 * expanded against the result.
 */
import type { Container, Labels } from '../model/objects.ts';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface PodFacts {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly podIP: string;
  readonly serviceAccountName: string;
  readonly nodeName: string;
  readonly hostIP: string;
  readonly labels: Labels;
  readonly annotations: Labels;
}

export function fieldValue(path: string, pod: PodFacts): string {
  const m = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.labels : pod.annotations)[m[2] ?? ''] ?? '';
  switch (path) {
    case 'metadata.name': return pod.name;
    case 'metadata.namespace': return pod.namespace;
    case 'metadata.uid': return pod.uid;
    case 'spec.serviceAccountName': return pod.serviceAccountName;
    case 'spec.nodeName': return pod.nodeName;
    case 'status.podIP':
    case 'status.podIPs': return pod.podIP;
    case 'status.hostIP': return pod.hostIP;
    default: return '';
  }
}

/** Kubernetes' $(VAR) expansion: defined names are replaced, unknown ones kept, $$ escapes. */
export function expand(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (whole === '$$') return '$';
    return name !== undefined && Object.hasOwn(vars, name) ? (vars[name] ?? '') : whole;
  });
}

export function containerEnv(c: Container, pod: PodFacts): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH, HOSTNAME: pod.name, HOME: '/' };
  const defined: Record<string, string> = {};
  for (const e of c.env) {
    const v = e.fieldPath !== undefined ? fieldValue(e.fieldPath, pod) : expand(e.value ?? '', defined);
    env[e.name] = v;
    defined[e.name] = v;
  }
  return env;
}

export function containerArgv(c: Container, env: Readonly<Record<string, string>>): string[] {
  return [...c.command, ...c.args].map((a) => expand(a, env));
}
