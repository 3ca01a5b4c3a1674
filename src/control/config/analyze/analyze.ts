/**
 * Offline analysis, as `istioctl analyze` does it: schema problems found while loading become
 * IST0106/IST0133 messages, then every cross-resource analyzer runs over the valid resources
 * and the inventory (workloads and services from the same files and/or a registry.json).
 */
import { formatValue, type ConfigIssue } from '../issue.ts';
import type { Resource } from '../resource.ts';
import { loadPaths } from '../source/load.ts';
import type { KubeObject } from '../source/objects.ts';
import { conflictingHosts } from './analyzers/conflicting-hosts.ts';
import { destinationSubsets } from './analyzers/destination-subsets.ts';
import { gatewaySelector } from './analyzers/gateway-selector.ts';
import { serviceHosts } from './analyzers/service-hosts.ts';
import { virtualServiceGateways } from './analyzers/virtual-service-gateways.ts';
import { workloadSelectors } from './analyzers/workload-selectors.ts';
import { createContext, type Analyzer } from './context.ts';
import { inventoryFromObjects, mergeInventories, type Inventory } from './inventory.ts';
import { formatMessage, MessageTypes, type AnalysisMessage } from './messages.ts';
import { readRegistry } from './registry.ts';

export const ANALYZERS: readonly Analyzer[] = [
  destinationSubsets, virtualServiceGateways, gatewaySelector, conflictingHosts, serviceHosts, workloadSelectors,
];

export interface AnalysisInput {
  readonly resources: readonly Resource[];
  readonly issues?: readonly ConfigIssue[];
  readonly objects?: readonly KubeObject[];
  /** A running mesh's inventory (from registry.json), added to what the objects tell. */
  readonly registry?: Inventory;
}

function issueMessage(i: ConfigIssue): AnalysisMessage {
  const detail = [i.path !== undefined ? (i.value !== undefined ? `${i.path} = ${formatValue(i.value)}` : i.path) : undefined, i.reason]
    .filter((x) => x !== undefined).join(': ');
  const type = i.severity === 'error' ? MessageTypes.SchemaValidationError : MessageTypes.SchemaWarning;
  return {
    type,
    text: `${i.severity === 'error' ? 'Schema validation error' : 'Schema validation warning'}: ${detail}`,
    ...(i.resource ? { origin: i.resource } : {}),
    ...(i.file !== undefined ? { file: i.file } : {}),
    ...(i.line !== undefined ? { line: i.line } : {}),
  };
}

export function analyze(input: AnalysisInput): AnalysisMessage[] {
  const fromObjects = inventoryFromObjects(input.objects ?? []);
  const inventory = input.registry ? mergeInventories(fromObjects, input.registry) : fromObjects;
  const out: AnalysisMessage[] = (input.issues ?? []).map(issueMessage);
  const ctx = createContext(input.resources, inventory, out);
  for (const a of ANALYZERS) a(ctx);
  const seen = new Set<string>();
  return out
    .filter((m) => {
      const k = formatMessage(m);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || a.type.code.localeCompare(b.type.code)
      || a.text.localeCompare(b.text));
}

export interface PathAnalysis {
  readonly messages: readonly AnalysisMessage[];
  readonly resources: number;
  readonly files: number;
  readonly notes: readonly string[];
}

/** Loads files and folders (and a registry.json when given) and analyzes them together. */
export async function analyzePaths(paths: readonly string[], opts: { registry?: string; recursive?: boolean } = {}): Promise<PathAnalysis> {
  const load = await loadPaths(paths, opts.recursive ?? false);
  const registry = opts.registry !== undefined ? await readRegistry(opts.registry) : undefined;
  const messages = analyze({ resources: load.resources, issues: load.issues, objects: load.objects, ...(registry ? { registry } : {}) });
  return { messages, resources: load.resources.length, files: load.files.length, notes: load.notes.map((n) => `${n.file}:${n.line ?? 0}: ${n.message}`) };
}
