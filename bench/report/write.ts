/** Writes a run: <date>.json and latest.json, latest.svg and latest.md, in the output folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../macro/paths.ts';
import { renderChart } from './chart.ts';
import { renderMarkdown } from './markdown.ts';
import type { Table } from './tables.ts';
import type { BenchResult } from './types.ts';

export interface Written { readonly json: string; readonly latestJson: string; readonly svg: string; readonly markdown: string }

export function writeResults(outDir: string, r: BenchResult, tables: readonly Table[]): Written {
  mkdirSync(outDir, { recursive: true });
  const stamp = r.date.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');
  const json = JSON.stringify(r, null, 2) + '\n';
  const w: Written = {
    json: join(outDir, `${stamp}.json`), latestJson: join(outDir, 'latest.json'), svg: join(outDir, 'latest.svg'), markdown: join(outDir, 'latest.md'),
  };
  writeFileSync(w.json, json);
  writeFileSync(w.latestJson, json);
  writeFileSync(w.svg, renderChart(r));
  // The snippet is pasted into the README, so the chart is named from the repository root.
  const svgLink = relative(repoRoot, w.svg).startsWith('..') ? 'latest.svg' : relative(repoRoot, w.svg);
  writeFileSync(w.markdown, renderMarkdown(r, tables, svgLink));
  return w;
}
