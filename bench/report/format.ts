/** Number formatting shared by the table, the markdown and the chart. */

export const us = (v: number): string => (Number.isFinite(v) ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} ms` : `${Math.round(v)} µs`) : 'n/a');
export const mb = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(1)} MB` : 'n/a');
export const fixed = (v: number | null | undefined, digits: number): string => (v !== null && v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
export const ratio = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a');
export const pct = (v: number): string => (Number.isFinite(v) ? `${Math.round(v * 100)}%` : 'n/a');
export const signedUs = (v: number): string => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${us(Math.abs(v))}` : 'n/a');
export const thousands = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a');
