/** The analyzers' view: the valid resources by kind, the inventory, and report() with file:line of the field. */
import type { Kind } from '../kinds.ts';
import type { Resource } from '../resource.ts';
import type { Path } from '../schema/schema.ts';
import { lineOfField } from '../source/load.ts';
import type { Inventory } from './inventory.ts';
import type { AnalysisMessage, MessageType } from './messages.ts';

export interface AnalysisContext {
  readonly inventory: Inventory;
  of<K extends Kind>(kind: K): readonly Resource<K>[];
  report(type: MessageType, resource: Resource, text: string, path?: Path): void;
}

export type Analyzer = (ctx: AnalysisContext) => void;

export function createContext(resources: readonly Resource[], inventory: Inventory, out: AnalysisMessage[]): AnalysisContext {
  return {
    inventory,
    of: <K extends Kind>(kind: K) => resources.filter((r) => r.kind === kind) as unknown as readonly Resource<K>[],
    report(type, resource, text, path = []) {
      const line = lineOfField(resource, path) ?? resource.source?.line;
      out.push({
        type, text,
        origin: { kind: resource.kind, namespace: resource.metadata.namespace, name: resource.metadata.name },
        ...(resource.source ? { file: resource.source.file } : {}),
        ...(line !== undefined ? { line } : {}),
      });
    },
  };
}
