/**
 * A google.protobuf.FieldMask applied to proto3 JSON, as admin /config_dump's `?mask=` does:
 * only the listed paths survive (`cluster.name`, snake_case or lowerCamelCase); a path through
 * a repeated field applies to each element; "@type" is always kept.
 */
import type { Json } from './config-dump-source.ts';

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

type Tree = Map<string, Tree>;

function treeOf(paths: readonly string[]): Tree {
  const root: Tree = new Map();
  for (const p of paths) {
    let node = root;
    for (const seg of p.split('.').filter(Boolean).map(camel)) {
      let next = node.get(seg);
      if (!next) {
        next = new Map();
        node.set(seg, next);
      }
      node = next;
    }
  }
  return root;
}

function trim(value: unknown, tree: Tree): unknown {
  if (tree.size === 0) return value;
  if (Array.isArray(value)) return value.map((v) => trim(v, tree));
  if (typeof value !== 'object' || value === null) return value;
  const src = value as Json;
  const out: Json = {};
  if ('@type' in src) out['@type'] = src['@type'];
  for (const [key, sub] of tree) if (key in src) out[key] = trim(src[key], sub);
  return out;
}

export function applyFieldMask(value: Json, mask: string): Json {
  return trim(value, treeOf(mask.split(',').map((p) => p.trim()))) as Json;
}
