/** v1 Pod and apps/v1 Deployment documents. */
import type { Deployment, Pod } from '../model/objects.ts';
import { checkFields, fail, readInt, readObj, readStringMap, type Obj, type ReadContext } from './fields.ts';
import { readLabels, readMeta } from './meta.ts';
import { readPodSpec } from './pod-spec.ts';

export function readPod(ctx: ReadContext, doc: Obj): Pod {
  checkFields(ctx, doc, '', ['apiVersion', 'kind', 'metadata', 'spec'], ['status']);
  const metadata = readMeta(ctx, doc, { namespaced: true, nameIs: 'subdomain' });
  const spec = readPodSpec(ctx, readObj(ctx, doc, 'spec', '', true) ?? {}, 'spec');
  return { kind: 'Pod', metadata, spec };
}

const DEPLOYMENT_IGNORED = ['strategy', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'minReadySeconds', 'paused'];

export function readDeployment(ctx: ReadContext, doc: Obj): Deployment {
  checkFields(ctx, doc, '', ['apiVersion', 'kind', 'metadata', 'spec'], ['status']);
  const metadata = readMeta(ctx, doc, { namespaced: true, nameIs: 'subdomain' });
  const spec = readObj(ctx, doc, 'spec', '', true) ?? {};
  checkFields(ctx, spec, 'spec', ['replicas', 'selector', 'template'], DEPLOYMENT_IGNORED);
  const replicas = readInt(ctx, spec, 'replicas', 'spec', { min: 0, max: 100 }) ?? 1;
  const sel = readObj(ctx, spec, 'selector', 'spec', true) ?? {};
  checkFields(ctx, sel, 'spec.selector', ['matchLabels']);
  const selector = readStringMap(ctx, sel, 'matchLabels', 'spec.selector');
  if (Object.keys(selector).length === 0 && sel['matchLabels'] === undefined && spec['selector'] !== undefined) {
    fail(ctx, 'spec.selector.matchLabels', undefined, 'required field is missing');
  }
  const template = readObj(ctx, spec, 'template', 'spec', true) ?? {};
  checkFields(ctx, template, 'spec.template', ['metadata', 'spec']);
  const tmeta = readObj(ctx, template, 'metadata', 'spec.template') ?? {};
  checkFields(ctx, tmeta, 'spec.template.metadata', ['labels', 'annotations'], ['name', 'namespace', 'creationTimestamp']);
  const labels = readLabels(ctx, tmeta, 'labels', 'spec.template.metadata');
  const annotations = readStringMap(ctx, tmeta, 'annotations', 'spec.template.metadata');
  for (const [k, v] of Object.entries(selector)) {
    if (labels[k] !== v) {
      fail(ctx, 'spec.template.metadata.labels', labels, `selector does not match template labels (${k}=${v})`);
      break;
    }
  }
  const podSpec = readPodSpec(ctx, readObj(ctx, template, 'spec', 'spec.template', true) ?? {}, 'spec.template.spec');
  if (podSpec.restartPolicy !== 'Always') {
    fail(ctx, 'spec.template.spec.restartPolicy', podSpec.restartPolicy, 'a Deployment\'s pods must use restartPolicy Always');
  }
  return { kind: 'Deployment', metadata, spec: { replicas, selector, template: { metadata: { labels, annotations }, spec: podSpec } } };
}
