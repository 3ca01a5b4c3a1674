/**
 * RE2 and durations, the two value syntaxes Istio borrows: what each accepts and refuses (with
 * the reason), and that an accepted regex runs in JS the way RE2 would run it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationMs, durationProblem } from '../../../src/control/config/schema/duration.ts';
import { compileRe2, translateRe2 } from '../../../src/control/config/schema/re2.ts';

describe('RE2 regexes', () => {
  const refused: [string, string][] = [
    ['a(?=b)', 'lookahead `(?=` is not supported by RE2'],
    ['a(?!b)', 'lookahead `(?!` is not supported by RE2'],
    ['(?<=a)b', 'lookbehind `(?<=` is not supported by RE2'],
    ['(?<!a)b', 'lookbehind `(?<!` is not supported by RE2'],
    ['(a)\\1', 'backreferences (`\\1`) are not supported by RE2'],
    ['(?<n>a)\\k<n>', 'named backreferences (`\\k<name>`) are not supported by RE2'],
    ['(?>a+)b', 'atomic groups `(?>...)` are not supported by RE2'],
    ['a*+', 'possessive quantifiers are not supported by RE2: `*+`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['*a', 'missing argument to repetition operator: `*`'],
    ['a{2,1001}', 'invalid repeat count: `{2,1001}`'],
    ['a{3,2}', 'invalid repeat count: `{3,2}`'],
    ['(abc', 'missing closing ): unterminated group'],
    ['abc)', 'unexpected ): no group to close'],
    ['[a-', 'missing closing ]: `[a-`'],
    ['[z-a]', 'invalid character class range: `z-a`'],
    ['\\y', 'invalid escape sequence: `\\y`'],
    ['\\Z', '`\\Z` is not supported by RE2 (use `\\z` for the end of the text)'],
    ['(?U)a+', 'the U (ungreedy) flag is not supported: write lazy quantifiers such as `*?` instead'],
    ['(?<a>x)(?<a>y)', 'duplicate capture group name: `a`'],
    ['x'.repeat(1025), 'regex is too large, max length allowed is 1024'],
  ];
  for (const [re, why] of refused) {
    it(`refuses ${re.length > 20 ? `${re.slice(0, 20)}...` : re}`, () => assert.equal(translateRe2(re).error, why));
  }

  const runs: [string, string[], string[]][] = [
    ['/api/v[0-9]+/.*', ['/api/v1/x', '/api/v22/'], ['/api/v/x', '/API/v1/x']],
    ['(?i)/Login', ['/login', '/LOGIN'], ['/logout']],
    ['(?P<ver>v\\d+)-(canary|stable)', ['v1-canary', 'v22-stable'], ['v1-beta']],
    ['[[:alpha:]_]+\\.json', ['a_b.json'], ['a1.json']],
    ['\\Qa.b\\E', ['a.b'], ['axb']],
    ['[]a]+', [']a]'], ['b']],
    ['a\\sb', ['a b', 'a\tb'], ['a\u00a0b']],
    ['\\x{263a}|\\101', ['☺', 'A'], ['B']],
    ['x{,3}', ['x{,3}'], ['xxx']],
    ['\\pL+\\d', ['héllo1'], ['hello']],
  ];
  for (const [re, yes, no] of runs) {
    it(`runs ${re} as RE2 does (whole-string match)`, () => {
      const js = compileRe2(re, { anchored: true });
      for (const s of yes) assert.ok(js.test(s), `${re} should match ${JSON.stringify(s)}`);
      for (const s of no) assert.ok(!js.test(s), `${re} should not match ${JSON.stringify(s)}`);
    });
  }

  it('keeps a flag directive to its own alternative group, as RE2 scopes it', () => {
    assert.equal(translateRe2('a(?i)b|c').js, 'a(?i:b)|(?i:c)');
    const re = compileRe2('a(?i)b|c', { anchored: true });
    assert.ok(re.test('aB') && re.test('C') && !re.test('AB'));
  });
});

describe('durations', () => {
  const ok: [string, number][] = [['1s', 1000], ['0.5s', 500], ['100ms', 100], ['1m', 60_000], ['1m30s', 90_000], ['1.5h', 5_400_000],
    ['2h45m', 9_900_000], ['1000us', 1], ['7200s', 7_200_000], ['1.000s', 1000]];
  for (const [text, ms] of ok) {
    it(`accepts ${text} (${ms} ms)`, () => {
      assert.equal(durationProblem(text), undefined);
      assert.equal(durationMs(text), ms);
    });
  }
  const bad: [string, string][] = [
    ['5', 'invalid duration: expected a number with a unit (h, m, s, ms, us, ns), such as "1s", "0.5s", "100ms" or "1m30s"'],
    ['1d', 'invalid duration: expected a number with a unit (h, m, s, ms, us, ns), such as "1s", "0.5s", "100ms" or "1m30s"'],
    ['.s', 'invalid duration: expected a number with a unit (h, m, s, ms, us, ns), such as "1s", "0.5s", "100ms" or "1m30s"'],
    ['0', 'duration must be at least 1ms'],
    ['0s', 'duration must be at least 1ms'],
    ['-1s', 'duration must be at least 1ms'],
    ['999us', 'duration must be at least 1ms'],
    ['1.0005s', 'only durations to ms precision are supported'],
    ['1500us', 'only durations to ms precision are supported'],
  ];
  for (const [text, why] of bad) it(`refuses ${JSON.stringify(text)}`, () => assert.equal(durationProblem(text), why));
});
