/**
 * The README's main job (`npm start` = `mizzen demo`) and the `npx mizzen` entry point: the demo
 * applies, shows and traces, then leaves no namespace behind; the bin shim runs the CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { sh } from '../helpers/netns.ts';
import { repoRoot } from '../helpers/paths.ts';

describe('mizzen demo and the mizzen executable', () => {
  it('demo applies the rules in its namespace, traces the six traffic types, and removes the namespace', async () => {
    const ns = `mzt-demo-${process.pid}`;
    const r = await runCli(['demo', '--namespace', ns]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /-A ISTIO_OUTPUT -j ISTIO_REDIRECT/);
    assert.match(r.stdout, /2 app outbound to a service \(uid 1000\)\s+REDIRECT to 15001/);
    assert.match(r.stdout, /3 Prometheus scraping :15090\s+RETURN then ACCEPT/);
    assert.doesNotMatch(sh(['ip', 'netns', 'list']).stdout, new RegExp(ns));
  });

  it('bin/mizzen.js runs the CLI (as npx mizzen does)', () => {
    const r = spawnSync(join(repoRoot, 'bin', 'mizzen.js'), ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: `${join(repoRoot, 'node_modules', '.bin')}:${process.env['PATH'] ?? ''}` } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '0.1.0');
    const help = spawnSync(process.execPath, [join(repoRoot, 'bin', 'mizzen.js'), 'iptables', '--help'], { encoding: 'utf8' });
    assert.match(help.stdout, /--istio-inbound-ports <value>/);
  });
});
