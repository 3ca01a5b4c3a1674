/**
 * Documents -> validated objects (v1 Secrets are gateway credentials, kept for istiod: istio/secrets.ts). Each document is decoded by its apiVersion and kind; every
 * problem in every document is collected, and if there is any the whole set is refused with one
 * error that lists them all (resource, field path, value, reason): nothing is half-applied.
 */
import type { Deployment, KubeObject, Namespace, Pod, Service, ServiceAccount } from '../model/objects.ts';
import { objectRef } from '../model/objects.ts';
import { RuntimeErrors, runtimeError } from '../errors.ts';
import { isIstioDocument, validateIstioDocuments } from '../istio/istio-config.ts';
import { isSecretDocument, validateSecretDocuments } from '../istio/secrets.ts';
import { checkSet } from './check.ts';
import type { SourceDocument } from './document.ts';
import { isObj, newContext, type Issue, type Obj, type ReadContext } from './fields.ts';
import type { ExistingObjects, ManifestSet } from './set.ts';
import { readDeployment, readPod } from './workloads.ts';
import { readNamespace, readService, readServiceAccount } from './service.ts';

type Decoder = (ctx: ReadContext, doc: Obj) => KubeObject;

const DECODERS: Readonly<Record<string, Decoder>> = {
  'v1/Namespace': readNamespace,
  'v1/ServiceAccount': readServiceAccount,
  'v1/Service': readService,
  'v1/Pod': readPod,
  'apps/v1/Deployment': readDeployment,
};

function describeValue(v: unknown): string {
  if (v === undefined) return '';
  const text = JSON.stringify(v);
  return ` ${text.length > 80 ? `${text.slice(0, 77)}...` : text}:`;
}

export function formatIssue(who: string, issue: Issue): string {
  return `${who}: ${issue.path === '' ? '(document)' : issue.path}:${describeValue(issue.value)} ${issue.message}`;
}

function nameOf(body: Obj): { name: string; namespace: string } {
  const m = isObj(body['metadata']) ? body['metadata'] : {};
  const name = typeof m['name'] === 'string' ? m['name'] : '(no name)';
  const namespace = typeof m['namespace'] === 'string' ? m['namespace'] : body['kind'] === 'Namespace' ? '' : 'default';
  return { name, namespace };
}

export function decodeManifests(docs: readonly SourceDocument[], existing: ExistingObjects = { namespaces: [], serviceAccounts: [] }): ManifestSet {
  const problems: string[] = [];
  const warnings: string[] = [];
  const objects: { obj: KubeObject; who: string }[] = [];
  const istio = validateIstioDocuments(docs.filter((d) => isIstioDocument(d.body)));
  problems.push(...istio.problems);
  warnings.push(...istio.warnings);
  const secrets = validateSecretDocuments(docs.filter((d) => isSecretDocument(d.body)));
  problems.push(...secrets.problems);
  for (const { source, body } of docs) {
    if (isIstioDocument(body) || isSecretDocument(body)) continue;
    if (!isObj(body)) {
      problems.push(`${source}: a document must be an object, got ${JSON.stringify(body)}`);
      continue;
    }
    const apiVersion = body['apiVersion'];
    const kind = body['kind'];
    const who = `${objectRef(typeof kind === 'string' ? kind : '(no kind)', nameOf(body))} (${source})`;
    const decoder = DECODERS[`${String(apiVersion)}/${String(kind)}`];
    if (!decoder) {
      const supported = Object.keys(DECODERS).map((k) => k.replace(/\/(?=[A-Z])/, ' ')).join(', ');
      problems.push(`${who}: apiVersion ${JSON.stringify(apiVersion)}, kind ${JSON.stringify(kind)}: unknown kind (supported: ${supported})`);
      continue;
    }
    const ctx = newContext();
    const obj = decoder(ctx, body);
    for (const issue of ctx.issues) problems.push(formatIssue(who, issue));
    for (const w of ctx.warnings) warnings.push(`${who}: ${w}`);
    if (ctx.issues.length === 0) objects.push({ obj, who });
  }
  if (problems.length === 0) problems.push(...checkSet(objects, existing));
  if (problems.length > 0) {
    const head = problems.length === 1 ? 'invalid manifest, nothing was applied:' : `${problems.length} problems in the manifests, nothing was applied:`;
    throw runtimeError(RuntimeErrors.InvalidManifest, `${head}\n  ${problems.join('\n  ')}`);
  }
  const pick = <K extends KubeObject['kind']>(k: K): Extract<KubeObject, { kind: K }>[] =>
    objects.map((o) => o.obj).filter((o): o is Extract<KubeObject, { kind: K }> => o.kind === k);
  return {
    namespaces: pick('Namespace') as Namespace[],
    serviceAccounts: pick('ServiceAccount') as ServiceAccount[],
    services: pick('Service') as Service[],
    deployments: pick('Deployment') as Deployment[],
    pods: pick('Pod') as Pod[],
    istio: istio.items,
    secrets: secrets.items,
    objects: objects.map((o) => o.obj),
    warnings,
  };
}
