/**
 * Istio resources in a one-host mesh: documents of networking.istio.io and security.istio.io are
 * validated with the control plane's own schemas (same messages as `mizzen analyze`), and kept as
 * one YAML file each in the state directory's config folder, which `mizzen control` watches.
 * Writing a file is the apply: the control plane picks it up and pushes xDS.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { validateResource, type Resource } from '../../control/config/index.ts';
import type { SourceDocument } from '../manifest/document.ts';

const GROUPS = ['networking.istio.io', 'security.istio.io'];

export interface IstioDoc {
  readonly resource: Resource;
  readonly body: unknown;
}

export function isIstioDocument(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const api = (body as Record<string, unknown>)['apiVersion'];
  return typeof api === 'string' && GROUPS.includes(api.split('/')[0] ?? '');
}

/** Validates Istio documents; problems are full one-line messages (file, resource, field, value, reason). */
export function validateIstioDocuments(docs: readonly SourceDocument[]): { items: IstioDoc[]; problems: string[]; warnings: string[] } {
  const items: IstioDoc[] = [];
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const { source, body } of docs) {
    const r = validateResource(body, { file: source });
    for (const issue of r.issues) (issue.severity === 'error' ? problems : warnings).push(issue.message);
    if (r.resource && !r.issues.some((i) => i.severity === 'error')) items.push({ resource: r.resource, body });
  }
  return { items, problems, warnings };
}

function group(kind: string): string {
  return ['PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication'].includes(kind) ? 'security.istio.io' : 'networking.istio.io';
}

/** kubectl's way of naming an object: `virtualservice.networking.istio.io/reviews`. */
export function kubectlRef(kind: string, name: string): string {
  return `${kind.toLowerCase()}.${group(kind)}/${name}`;
}

function fileOf(dir: string, r: { kind: string; namespace: string; name: string }): string {
  return join(dir, `${r.kind.toLowerCase()}.${r.namespace}.${r.name}.yaml`);
}

function refOf(res: Resource): { kind: string; namespace: string; name: string } {
  return { kind: res.kind, namespace: res.metadata.namespace, name: res.metadata.name };
}

/** Writes each resource's file (atomically); answers kubectl-style created/configured/unchanged lines. */
export function writeIstioConfig(dir: string, items: readonly IstioDoc[]): string[] {
  mkdirSync(dir, { recursive: true });
  return items.map(({ resource, body }) => {
    const ref = refOf(resource);
    const file = fileOf(dir, ref);
    const text = stringify(body);
    const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    const verb = before === undefined ? 'created' : before === text ? 'unchanged' : 'configured';
    if (verb !== 'unchanged') {
      writeFileSync(`${file}.tmp`, text, { mode: 0o644 });
      renameSync(`${file}.tmp`, file);
    }
    return `${kubectlRef(ref.kind, ref.name)} ${verb}`;
  });
}

/** Removes each resource's file; answers deleted, or NotFound as kubectl words it. */
export function deleteIstioConfig(dir: string, items: readonly IstioDoc[]): string[] {
  return items.map(({ resource }) => {
    const ref = refOf(resource);
    const file = fileOf(dir, ref);
    if (!existsSync(file)) return `Error from server (NotFound): ${kubectlRef(ref.kind, '')}"${ref.name}" not found`.replace('/"', ' "');
    rmSync(file);
    return `${kubectlRef(ref.kind, ref.name)} deleted`;
  });
}
