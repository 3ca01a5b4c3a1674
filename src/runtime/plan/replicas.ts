/**
 * A Deployment's pods, named as the Deployment and ReplicaSet controllers name them:
 * `<deployment>-<pod-template-hash>-<5 random characters>`, labelled with pod-template-hash.
 * The hash is FNV-1a of the pod template, safe-encoded; randomness comes from the caller.
 */
import type { Deployment, Pod } from '../model/objects.ts';
import { fnv32a, safeEncode, SAFE_ALPHABET } from './hash.ts';

export interface PodIntent {
  readonly pod: Pod;
  readonly workload: string;
  readonly replicaSet?: string;
}

export function podTemplateHash(d: Deployment): string {
  return safeEncode(String(fnv32a(JSON.stringify(d.spec.template))));
}

export function randomSuffix(random: () => number, length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE_ALPHABET[Math.floor(random() * SAFE_ALPHABET.length) % SAFE_ALPHABET.length];
  return out;
}

export function expandDeployment(d: Deployment, random: () => number, taken: ReadonlySet<string>): PodIntent[] {
  const hash = podTemplateHash(d);
  const replicaSet = `${d.metadata.name}-${hash}`;
  const names = new Set(taken);
  const out: PodIntent[] = [];
  for (let i = 0; i < d.spec.replicas; i++) {
    let name = `${replicaSet}-${randomSuffix(random)}`;
    while (names.has(`${d.metadata.namespace}/${name}`)) name = `${replicaSet}-${randomSuffix(random)}`;
    names.add(`${d.metadata.namespace}/${name}`);
    const tmpl = d.spec.template;
    out.push({
      workload: d.metadata.name,
      replicaSet,
      pod: {
        kind: 'Pod',
        metadata: {
          name,
          namespace: d.metadata.namespace,
          labels: { ...tmpl.metadata.labels, 'pod-template-hash': hash },
          annotations: { ...tmpl.metadata.annotations },
        },
        spec: tmpl.spec,
      },
    });
  }
  return out;
}

export function barePod(pod: Pod): PodIntent {
  return { pod, workload: pod.metadata.name };
}
