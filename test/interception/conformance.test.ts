/**
 * Conformance with istio-iptables: each of the 27 cases in the shared corpus is run through the
 * real CLI (`mizzen iptables --dry-run --config-file CASE.json`) and its stdout must equal the
 * case's golden file after trimming, exactly as Istio's own TestIptables compares.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { conformanceDir } from '../helpers/paths.ts';

interface Case {
  name: string;
  config: Record<string, unknown>;
  golden: string;
}

const cases = JSON.parse(readFileSync(join(conformanceDir, 'cases.json'), 'utf8')) as Case[];
const dir = mkdtempSync(join(tmpdir(), 'mizzen-conformance-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('istio-iptables conformance (dry-run output equals the golden)', () => {
  it('has all 27 cases', () => assert.equal(cases.length, 27));
  for (const c of cases) {
    it(c.name, async () => {
      const file = join(dir, `${c.name}.json`);
      writeFileSync(file, JSON.stringify(c.config));
      const r = await runCli(['iptables', '--dry-run', '--config-file', file]);
      assert.equal(r.code, 0, r.stderr);
      const golden = readFileSync(join(conformanceDir, c.golden), 'utf8');
      assert.equal(r.stdout.trim(), golden.trim());
    });
  }
});
