/**
 * Envoy's substitution format strings, compiled once: literal text and `%COMMAND(arg):N%`
 * operators (command-operators.ts), N truncating the value to N characters. A `%` that does not
 * open a valid operator, or an operator Envoy does not have, is an error naming it, so a bad
 * custom format is rejected at the edge. TEXT renders a missing value as `-`; `render` below is
 * shared with the JSON encoding, which also needs the typed value of a lone operator.
 */
import type { StreamInfo } from '../core/stream-info.ts';
import { compileOperator, type Extractor, type FormatValue } from './command-operators.ts';

export interface Operator {
  readonly name: string;
  readonly extract: Extractor;
  /** `:N` */
  readonly maxLength: number | undefined;
}

export type Piece = string | Operator;

export class FormatError extends Error {}

const COMMAND = /%([A-Z][A-Z0-9_]*)(?:\(([^)]*)\))?(?::(\d+))?%/y;

/** Splits a format string into literal text and compiled operators; throws FormatError. */
export function parseFormat(format: string): Piece[] {
  const pieces: Piece[] = [];
  let lit = '';
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      lit += format.slice(i);
      break;
    }
    lit += format.slice(i, pct);
    COMMAND.lastIndex = pct;
    const m = COMMAND.exec(format);
    if (!m) {
      const name = /^%([A-Z][A-Z0-9_]*)/.exec(format.slice(pct))?.[1];
      throw new FormatError(name
        ? `malformed command operator %${name}...% at position ${pct} (expected %${name}%, %${name}(arg)% or %${name}(arg):N%)`
        : `no valid command operator at position ${pct} (a literal % is not allowed)`);
    }
    const [whole, name = '', arg, max] = m;
    try {
      pieces.push(...(lit ? [lit] : []), { name, extract: compileOperator(name, arg), maxLength: max === undefined ? undefined : Number(max) });
    } catch (err) {
      throw new FormatError(`${(err as Error).message} at position ${pct}`);
    }
    lit = '';
    i = pct + whole.length;
  }
  if (lit) pieces.push(lit);
  return pieces;
}

/** The value of one operator, truncated to its `:N`. */
export function operatorValue(op: Operator, info: StreamInfo): FormatValue {
  const v = op.extract(info);
  return typeof v === 'string' && op.maxLength !== undefined && v.length > op.maxLength ? v.slice(0, op.maxLength) : v;
}

/** Pieces rendered as text: a missing value is `-`. */
export function render(pieces: readonly Piece[], info: StreamInfo): string {
  let out = '';
  for (const p of pieces) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    const v = operatorValue(p, info);
    out += v === undefined ? '-' : String(v);
  }
  return out;
}

/** A compiled TEXT format: one line, without its newline. */
export class TextFormatter {
  private readonly pieces: readonly Piece[];

  constructor(format: string) {
    this.pieces = parseFormat(format.endsWith('\n') ? format.slice(0, -1) : format);
  }

  format(info: StreamInfo): string {
    return render(this.pieces, info);
  }
}
