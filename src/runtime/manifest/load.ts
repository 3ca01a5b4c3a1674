/**
 * Reads `-f PATH`: a YAML or JSON file, or a folder of them (not recursive, in name order, as
 * kubectl does), each possibly holding several documents separated by `---`. A `kind: List`
 * document contributes its items. Syntax errors name the file, line and column.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { RuntimeErrors, runtimeError } from '../errors.ts';
import type { SourceDocument } from './document.ts';

const EXTENSIONS = ['.yaml', '.yml', '.json'];

export function manifestFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw runtimeError(RuntimeErrors.InvalidManifest, `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!st.isDirectory()) return [path];
  const files = readdirSync(path).filter((f) => EXTENSIONS.includes(extname(f))).sort().map((f) => join(path, f));
  if (files.length === 0) throw runtimeError(RuntimeErrors.InvalidManifest, `${path}: no .yaml, .yml or .json files in this folder`);
  return files;
}

export function parseManifestText(text: string, name: string): SourceDocument[] {
  const out: SourceDocument[] = [];
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const source = list.length > 1 ? `${name} (document ${i + 1})` : name;
    const err = doc.errors[0];
    if (err) {
      const at = err.linePos?.[0];
      const where = at ? ` line ${at.line}, column ${at.col}` : '';
      throw runtimeError(RuntimeErrors.InvalidManifest, `${source}:${where} YAML syntax error: ${err.message.split('\n')[0] ?? ''}`);
    }
    const body: unknown = doc.toJS({ maxAliasCount: 100 });
    if (body === null || body === undefined) return;
    if (typeof body === 'object' && !Array.isArray(body) && (body as Record<string, unknown>)['kind'] === 'List') {
      const items = (body as Record<string, unknown>)['items'];
      if (Array.isArray(items)) items.forEach((item: unknown, j) => out.push({ source: `${source} item ${j}`, body: item }));
      return;
    }
    out.push({ source, body });
  });
  return out;
}

export function loadManifests(path: string): SourceDocument[] {
  const out: SourceDocument[] = [];
  for (const file of manifestFiles(path)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw runtimeError(RuntimeErrors.InvalidManifest, `cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
    out.push(...parseManifestText(text, file === path ? file : basename(file)));
  }
  return out;
}
