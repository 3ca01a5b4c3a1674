/**
 * Reads YAML (and JSON, a subset of it) into documents, keeping positions: each document can
 * tell the line of any field path, or of its nearest existing ancestor when the field is
 * missing. Syntax errors come back with their line; a document with errors has no value.
 */
import { isMap, isNode, isScalar, LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { Path } from '../schema/schema.ts';

export interface ParsedDoc {
  /** Position of the document in its file (0-based). */
  readonly index: number;
  readonly value: unknown;
  /** First line of the document's content (1-based). */
  readonly line: number | undefined;
  lineOf(path: Path): number | undefined;
}

export interface SyntaxProblem {
  readonly line: number | undefined;
  readonly message: string;
}

export interface ParsedText {
  readonly docs: readonly ParsedDoc[];
  readonly errors: readonly SyntaxProblem[];
}

function locator(doc: Document.Parsed, counter: LineCounter): (path: Path) => number | undefined {
  const lineAt = (offset: number): number => counter.linePos(offset).line;
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const sub = path.slice(0, n);
      const last = sub[n - 1];
      if (n > 0 && typeof last === 'string') {
        const parent = n === 1 ? doc.contents : doc.getIn(sub.slice(0, -1), true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
          if (pair && isNode(pair.key) && pair.key.range) return lineAt(pair.key.range[0]);
        }
      }
      const node: unknown = n === 0 ? doc.contents : doc.getIn(sub, true);
      if (isNode(node) && node.range) return lineAt(node.range[0]);
    }
    return undefined;
  };
}

export function parseYaml(text: string): ParsedText {
  const counter = new LineCounter();
  const docs: ParsedDoc[] = [];
  const errors: SyntaxProblem[] = [];
  const all = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true, merge: true });
  const list = Array.isArray(all) ? all : [];
  list.forEach((doc: Document.Parsed, index) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        errors.push({ line: e.linePos?.[0]?.line ?? counter.linePos(e.pos[0]).line, message: e.message.split('\n')[0] ?? e.message });
      }
      return;
    }
    const lineOf = locator(doc, counter);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      errors.push({ line: lineOf([]), message: (err as Error).message });
      return;
    }
    docs.push({ index, value, line: lineOf([]), lineOf });
  });
  return { docs, errors };
}
