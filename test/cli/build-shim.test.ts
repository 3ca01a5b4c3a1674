/**
 * The precompiled build and the `mizzen` shim (bin/mizzen.js, bin/launch.js): in a scratch copy
 * of bin/ with stand-in entry points, `sidecar` and `control` run dist/ while it is fresh and
 * src/ once any file under src/ is newer than the stamp (or a file is added), other commands
 * always run src/; the sidecar gets its node flags in the same process (execve keeps the pid).
 * And the real build: `mizzen sidecar` from dist/ loads no TypeScript (no stripper, no .ts
 * file) and no @grpc/grpc-js.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../helpers/paths.ts';

const root = mkdtempSync(join(tmpdir(), 'mizzen-shim-'));
after(() => rmSync(root, { recursive: true, force: true }));

const report = (from: string): string =>
  `console.log(JSON.stringify({ from: '${from}', pid: process.pid, execArgv: process.execArgv, args: process.argv.slice(2) }));\n`;
mkdirSync(join(root, 'bin'));
for (const f of ['mizzen.js', 'launch.js']) cpSync(join(repoRoot, 'bin', f), join(root, 'bin', f));
mkdirSync(join(root, 'src', 'cli'), { recursive: true });
mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
writeFileSync(join(root, 'src', 'cli', 'main.ts'), report('src'));
writeFileSync(join(root, 'dist', 'cli', 'main.js'), report('dist'));
const past = new Date(Date.now() - 60_000);
utimesSync(join(root, 'src', 'cli', 'main.ts'), past, past);
utimesSync(join(root, 'src', 'cli'), past, past);
utimesSync(join(root, 'src'), past, past);
writeFileSync(join(root, 'dist', '.build-stamp'), 'test\n');

function run(args: string[], env: NodeJS.ProcessEnv = process.env): { from: string; pid: number; execArgv: string[]; args: string[]; childPid: number | undefined } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mizzen.js'), ...args], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  return { ...(JSON.parse(r.stdout) as { from: string; pid: number; execArgv: string[]; args: string[] }), childPid: r.pid };
}

describe('bin/mizzen.js', () => {
  it('runs dist/ for the sidecar, with its node flags, in the same process', () => {
    const r = run(['sidecar', '--log-level', 'debug']);
    assert.equal(r.from, 'dist');
    assert.deepEqual(r.args, ['sidecar', '--log-level', 'debug']);
    assert.ok(r.execArgv.includes('--max-semi-space-size=1') && r.execArgv.includes('--v8-pool-size=1'), r.execArgv.join(' '));
    assert.equal(r.pid, r.childPid, 'execve keeps the pid');
    assert.equal(run(['control']).from, 'dist');
    assert.deepEqual(run(['control']).execArgv, []);
  });

  it('runs src/ for other commands, when asked to, and once src/ is newer than the build', () => {
    assert.equal(run(['up', '-f', 'x']).from, 'src');
    assert.equal(run(['sidecar'], { ...process.env, MIZZEN_NO_DIST: '1' }).from, 'src');
    writeFileSync(join(root, 'src', 'cli', 'new-file.ts'), '');
    assert.equal(run(['sidecar']).from, 'src', 'a file added (or edited) after the build');
    writeFileSync(join(root, 'dist', '.build-stamp'), 'rebuilt\n');
    assert.equal(run(['sidecar']).from, 'dist');
    rmSync(join(root, 'dist', '.build-stamp'));
    assert.equal(run(['sidecar']).from, 'src', 'no stamp, no dist');
  });
});

describe('the build (scripts/build.ts)', () => {
  it('gives a sidecar that loads neither TypeScript nor @grpc/grpc-js', () => {
    const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.ts'), '--if-stale'], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    const hook = `data:text/javascript,${encodeURIComponent(`
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ load(url, ctx, next) { seen.push(url); return next(url, ctx); } });
      process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify({ seen, internal: process.moduleLoadList.filter((m) => /amaro|strip/i.test(m)) }) + '\\n'));`)}`;
    const r = spawnSync(process.execPath, ['--import', hook, join(repoRoot, 'dist', 'cli', 'main.js'), 'sidecar', '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED ')) ?? '';
    const { seen, internal } = JSON.parse(line.slice('LOADED '.length)) as { seen: string[]; internal: string[] };
    assert.ok(seen.some((u) => u.endsWith('/dist/agent/main.js')), 'the agent came from dist/');
    assert.deepEqual(seen.filter((u) => u.endsWith('.ts')), []);
    assert.deepEqual(seen.filter((u) => u.includes('@grpc/grpc-js')), []);
    assert.deepEqual(internal, []);
  });
});
