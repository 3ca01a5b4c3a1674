#!/usr/bin/env node
// The `mizzen` executable. Mizzen runs on Node 24 (TypeScript by type stripping). When started
// by an older Node, re-run the same command with the Node 24 that `npm ci` installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  await import(join(root, 'src', 'cli', 'main.ts'));
} else {
  const node24 = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(node24)) {
    console.error(`mizzen: needs Node 24 or newer (this is ${process.version}); run 'npm ci' in ${root} first`);
    process.exit(1);
  }
  const r = spawnSync(node24, [join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
