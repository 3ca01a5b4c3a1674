/**
 * Envoy's JSON access log format (`json_format`, what Istio's accessLogEncoding JSON uses): an
 * object whose string values are format strings. A value that is one operator alone keeps its
 * type (numbers stay numbers, a missing value is null); a value mixing text and operators is a
 * string with `-` for missing values; nested objects, numbers and booleans are allowed. Keys come
 * out sorted, as Envoy prints the protobuf Struct Istio sends it. One line per entry.
 */
import type { StreamInfo } from '../core/stream-info.ts';
import { FormatError, operatorValue, parseFormat, render, type Piece } from './formatter.ts';

type Field =
  | { readonly key: string; readonly kind: 'typed'; readonly op: Exclude<Piece, string> }
  | { readonly key: string; readonly kind: 'text'; readonly pieces: readonly Piece[] }
  | { readonly key: string; readonly kind: 'const'; readonly value: unknown }
  | { readonly key: string; readonly kind: 'object'; readonly fields: readonly Field[] };

function compileFields(o: Record<string, unknown>, path: string): Field[] {
  return Object.keys(o).sort().map((key): Field => {
    const v = o[key];
    const at = path ? `${path}.${key}` : key;
    if (typeof v === 'string') {
      let pieces: Piece[];
      try {
        pieces = parseFormat(v);
      } catch (err) {
        throw new FormatError(`key ${JSON.stringify(at)}: ${(err as Error).message}`);
      }
      const only = pieces[0];
      if (pieces.length === 1 && only !== undefined && typeof only !== 'string') return { key, kind: 'typed', op: only };
      return { key, kind: 'text', pieces };
    }
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) return { key, kind: 'const', value: v };
    if (typeof v === 'object' && !Array.isArray(v)) return { key, kind: 'object', fields: compileFields(v as Record<string, unknown>, at) };
    throw new FormatError(`key ${JSON.stringify(at)}: expected a format string, a number, a boolean or an object`);
  });
}

function build(fields: readonly Field[], info: StreamInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    switch (f.kind) {
      case 'typed': out[f.key] = operatorValue(f.op, info) ?? null; break;
      case 'text': out[f.key] = render(f.pieces, info); break;
      case 'const': out[f.key] = f.value; break;
      case 'object': out[f.key] = build(f.fields, info); break;
    }
  }
  return out;
}

/** Parses a JSON format given as text (MeshConfig accessLogFormat with JSON encoding). */
export function parseJsonFormat(text: string): Record<string, unknown> {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (err) {
    throw new FormatError(`not valid JSON: ${(err as Error).message}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new FormatError('expected a JSON object of field names to format strings');
  if (Object.keys(o).length === 0) throw new FormatError('expected at least one field');
  return o as Record<string, unknown>;
}

export class JsonFormatter {
  private readonly fields: readonly Field[];

  constructor(format: Record<string, unknown>) {
    this.fields = compileFields(format, '');
  }

  format(info: StreamInfo): string {
    return JSON.stringify(build(this.fields, info));
  }
}
