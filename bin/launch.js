// How the `mizzen` executable launches. Where it finds its code: dist/ (the precompiled JavaScript that
// `npm run build` writes, see scripts/build.ts) when it is fresh, else src/ (TypeScript, run by
// Node's type stripping). dist/ is fresh when its build stamp is at least as new as every file
// and folder under src/ (a folder's time changes when a file is added, removed or renamed), so
// an edit to src/ is never shadowed by stale JavaScript. The walk stats ~550 entries (a few ms).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP = '.build-stamp';

/**
 * Node/V8 flags for `mizzen sidecar` (docs/design/sidecar-memory.md): a small young generation
 * (V8 otherwise grows it to 64 MB semi-spaces under load) and one V8 worker thread. Launchers
 * may put them before bin/mizzen.js; otherwise the shim re-executes the sidecar with them.
 */
export const SIDECAR_NODE_FLAGS = ['--max-semi-space-size=1', '--v8-pool-size=1'];

/** The newest modification time (ms) of `dir` and everything under it. */
export function newestMtime(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const t = statSync(join(e.parentPath, e.name)).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** True when <root>/dist was built from the src/ there is now. */
export function distFresh(root) {
  let stamp;
  try {
    stamp = statSync(join(root, 'dist', STAMP)).mtimeMs;
  } catch {
    return false;
  }
  return newestMtime(join(root, 'src')) <= stamp;
}
