/**
 * Istio resources in a running one-host mesh: `mizzen apply -f` validates them with the control
 * plane's schemas and keeps one file each in the state directory's config folder (created,
 * unchanged, configured); an invalid one is refused with file, resource, field path and value,
 * and the last valid version stays; `mizzen delete -f` removes them, refuses workloads, and exits
 * 1 for what is not there.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'mizzen-istio-'));
const files = mkdtempSync(join(tmpdir(), 'mizzen-istio-yaml-'));
const env = { ...process.env, MIZZEN_STATE_DIR: stateDir };
const cli = (args: string[]) => runCli(args, { env });
const configDir = join(stateDir, 'istio-config');

function vs(name: string, timeout: string): string {
  const file = join(files, `${name}-${timeout}.yaml`);
  writeFileSync(file, `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  hosts: [${name}]\n  http:\n  - timeout: ${timeout}\n    route:\n    - destination: {host: ${name}}\n`);
  return file;
}

before(async () => {
  const ns = join(files, 'ns.yaml');
  writeFileSync(ns, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n');
  const up = await cli(['up', '-f', ns, '--no-control-plane']);
  assert.equal(up.code, 0, up.stderr);
});

after(async () => {
  const down = await cli(['down']);
  rmSync(files, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
  assert.equal(down.code, 0, down.stderr);
});

describe('Istio resources through mizzen apply and delete', () => {
  it('apply creates, then reports unchanged and configured', async () => {
    assert.match((await cli(['apply', '-f', vs('cart', '5s')])).stdout, /^virtualservice\.networking\.istio\.io\/cart created$/m);
    assert.match((await cli(['apply', '-f', vs('cart', '5s')])).stdout, /cart unchanged/);
    assert.match((await cli(['apply', '-f', vs('cart', '7s')])).stdout, /cart configured/);
    assert.deepEqual(readdirSync(configDir), ['virtualservice.shop.cart.yaml']);
    assert.match(readFileSync(join(configDir, 'virtualservice.shop.cart.yaml'), 'utf8'), /timeout: 7s/);
  });

  it('regression: repeated -f applies and deletes every file, as kubectl does (only the last was taken)', async () => {
    const r = await cli(['apply', '-f', vs('cart-a', '5s'), '-f', vs('cart-b', '5s')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /cart-a created[\s\S]*cart-b created/);
    const d = await cli(['delete', '-f', vs('cart-a', '5s'), '-f', vs('cart-b', '5s')]);
    assert.match(d.stdout, /cart-a deleted[\s\S]*cart-b deleted/);
    assert.deepEqual(readdirSync(configDir), ['virtualservice.shop.cart.yaml']);
  });

  it('an invalid resource is refused, naming file, resource, field and value; the last valid one stays', async () => {
    const bad = vs('cart', '7x');
    const r = await cli(['apply', '-f', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${bad.replaceAll('.', '\\.')}: VirtualService shop/cart: spec\\.http\\[0\\]\\.timeout = "7x": invalid duration`));
    assert.match(readFileSync(join(configDir, 'virtualservice.shop.cart.yaml'), 'utf8'), /timeout: 7s/);
  });

  it('delete removes, exits 1 for what is not there, and refuses workloads before touching anything', async () => {
    const file = vs('cart', '7s');
    assert.match((await cli(['delete', '-f', file])).stdout, /cart deleted/);
    const again = await cli(['delete', '-f', file]);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /NotFound.*"cart" not found/);
    assert.equal((await cli(['apply', '-f', vs('cart', '5s')])).code, 0);
    const mixed = join(files, 'mixed.yaml');
    writeFileSync(mixed, `${readFileSync(file, 'utf8')}---\napiVersion: v1\nkind: Service\nmetadata: {name: cart, namespace: shop}\nspec: {ports: [{port: 80}]}\n`);
    const refused = await cli(['delete', '-f', mixed]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /nothing was deleted: the one-host runtime cannot delete workloads.*\n\s+Service shop\/cart/);
    assert.deepEqual(readdirSync(configDir), ['virtualservice.shop.cart.yaml']);
  });
});
