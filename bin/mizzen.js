#!/usr/bin/env node
// The `mizzen` executable. Mizzen runs on Node 24. Subcommands whose code is safe to run
// precompiled (DIST_COMMANDS) run dist/cli/main.js when dist/ is fresh (bin/launch.js), so they
// do not load the TypeScript stripper (~18 MB RSS); everything else, and everything when dist/
// is missing or older than src/, runs src/cli/main.ts by type stripping.
//
// `mizzen sidecar` also gets SIDECAR_NODE_FLAGS (docs/design/sidecar-memory.md): when they are
// not on this process's command line, the process re-executes itself in place with them
// (process.execve: same pid, so supervisors and signals are unaffected). Launchers may pass
// them first (node <flags> bin/mizzen.js sidecar) to skip that step. When started by an older
// Node, the same command is re-run with the Node 24 that `npm ci` installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distFresh, SIDECAR_NODE_FLAGS } from './launch.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Subcommands whose import graph names no .ts file at run time (checked by test/cli/build-shim.test.ts). */
const DIST_COMMANDS = new Set(['sidecar', 'control']);

const args = process.argv.slice(2);
const command = args.find((a) => !a.startsWith('-'));
const useDist = DIST_COMMANDS.has(command) && process.env.MIZZEN_NO_DIST !== '1' && distFresh(root);
const entry = useDist ? join(root, 'dist', 'cli', 'main.js') : join(root, 'src', 'cli', 'main.ts');
const nodeFlags = command === 'sidecar' ? SIDECAR_NODE_FLAGS.filter((f) => !process.execArgv.includes(f)) : [];
const major = Number(process.versions.node.split('.')[0]);

if (major >= 24 && nodeFlags.length === 0) {
  await import(entry);
} else if (major >= 24) {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...nodeFlags, entry, ...args]);
} else {
  const node24 = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(node24)) {
    console.error(`mizzen: needs Node 24 or newer (this is ${process.version}); run 'npm ci' in ${root} first`);
    process.exit(1);
  }
  const r = spawnSync(node24, [...nodeFlags, entry, ...args], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
