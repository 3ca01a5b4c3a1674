/** A few SVG primitives as strings (no dependencies): rect, line, text, and a document around them. */

export const esc = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const n = (v: number): string => (Number.isFinite(v) ? String(Math.round(v * 10) / 10) : '0');

export function rect(x: number, y: number, w: number, h: number, fill: string, extra = ''): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, w))}" height="${n(Math.max(0, h))}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, extra = ''): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}"${extra ? ` ${extra}` : ''}/>`;
}

export interface TextOptions {
  readonly size?: number;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly weight?: 'normal' | 'bold';
  readonly fill?: string;
  readonly rotate?: number;
}

export function text(x: number, y: number, s: string, o: TextOptions = {}): string {
  const rot = o.rotate ? ` transform="rotate(${o.rotate} ${n(x)} ${n(y)})"` : '';
  return `<text x="${n(x)}" y="${n(y)}" font-size="${o.size ?? 12}" text-anchor="${o.anchor ?? 'start'}" font-weight="${o.weight ?? 'normal'}" fill="${o.fill ?? '#222'}"${rot}>${esc(s)}</text>`;
}

export function svgDocument(width: number, height: number, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    rect(0, 0, width, height, '#ffffff'),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** A vertical bar chart frame: axis, ticks and gridlines for a linear scale 0..max. */
export function linearAxis(x: number, y: number, w: number, h: number, max: number, ticks: number, fmt: (v: number) => string): { body: string[]; scale: (v: number) => number } {
  const scale = (v: number): number => y + h - (Math.min(v, max) / max) * h;
  const body: string[] = [];
  for (let i = 0; i <= ticks; i++) {
    const v = (max / ticks) * i;
    body.push(line(x, scale(v), x + w, scale(v), '#e5e5e5'), text(x - 6, scale(v) + 4, fmt(v), { size: 10, anchor: 'end', fill: '#555' }));
  }
  body.push(line(x, y + h, x + w, y + h, '#888'), line(x, y, x, y + h, '#888'));
  return { body, scale };
}

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
