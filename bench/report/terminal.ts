/** Tables as aligned plain text for the terminal. */
import type { Table } from './tables.ts';

export function renderText(tables: readonly Table[]): string {
  return tables.map((t) => {
    const widths = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
    return [t.title, line(t.header), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n');
  }).join('\n\n');
}
