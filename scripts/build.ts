/**
 * Builds dist/: src/ compiled to JavaScript (tsconfig.build.json: ES2024, relative `.ts`
 * imports rewritten to `.js`, no type check — that is `npm run typecheck`'s job) plus src/'s
 * other files (envoy-protos.json...), then the build stamp that bin/launch.js compares with
 * src/. Compiles into a scratch folder and swaps it in, so a running `mizzen` never sees a half
 * build. The stamp carries the time the build started: a file edited during the build is newer,
 * so dist/ counts as stale. Run by `npm ci` (prepare), `npm start` and `npm test`.
 *   node scripts/build.ts [--if-stale]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error bin/launch.js is plain JavaScript without declarations
import { distFresh, STAMP } from '../bin/launch.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(repo, 'dist');

if (process.argv.includes('--if-stale') && (distFresh as (root: string) => boolean)(repo)) {
  console.log('dist/ is up to date');
  process.exit(0);
}

let tsc: string;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // `npm ci --omit=dev`: no compiler, so no dist/; bin/mizzen.js runs src/ by type stripping.
  console.log('typescript is not installed: dist/ not built (mizzen runs src/ directly)');
  process.exit(0);
}
const started = new Date();
const scratch = join(repo, `dist.building-${process.pid}`);
rmSync(scratch, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(repo, 'tsconfig.build.json'), '--noCheck', '--outDir', scratch], { stdio: 'inherit' });

const src = join(repo, 'src');
for (const e of readdirSync(src, { withFileTypes: true, recursive: true })) {
  if (!e.isFile() || e.name.endsWith('.ts')) continue;
  const from = join(e.parentPath, e.name);
  cpSync(from, join(scratch, relative(src, from)));
}
const stamp = join(scratch, STAMP as string);
writeFileSync(stamp, `built from src/ at ${started.toISOString()}\n`);
utimesSync(stamp, started, started);

const old = `${dist}.old-${process.pid}`;
try {
  renameSync(dist, old);
} catch {
  // no previous build
}
renameSync(scratch, dist);
rmSync(old, { recursive: true, force: true });
console.log(`built ${relative(repo, dist)}/`);
