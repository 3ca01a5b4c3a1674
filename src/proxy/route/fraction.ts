/**
 * Envoy's FractionalPercent (numerator over HUNDRED, TEN_THOUSAND or MILLION), as fault
 * percentages, mirror fractions, runtime fractions and CORS filter_enabled carry it, and the
 * draw Envoy makes against it.
 */
import type { Random } from '../core/random.ts';

export interface Fraction {
  readonly numerator: number;
  readonly denominator: 100 | 10_000 | 1_000_000;
}

export const ALWAYS: Fraction = Object.freeze({ numerator: 100, denominator: 100 });

/** Whether a uniform draw lands inside the fraction (numerators above the denominator always hit). */
export function fractionHit(f: Fraction, random: Random): boolean {
  if (f.numerator >= f.denominator) return true;
  if (f.numerator <= 0) return false;
  return Math.floor(random() * f.denominator) < f.numerator;
}
