/**
 * Reads one rule's tokens (everything after `-A CHAIN`) into its matches and its target. Both
 * spellings are accepted: the generated one (`-p tcp --dport 80`, `--set-mark 1337`) and the one
 * iptables-save prints (`-p tcp -m tcp --dport 80`, `--set-xmark 0x539/0xffffffff`). Whatever is
 * not understood is listed, so the tracer can say so instead of guessing.
 */
import { normalizeProto, type Match } from './match.ts';
import { buildAddress, matchModules, type Built, type OptionDef } from './modules.ts';
import { targetOptionArity, type TargetSpec } from './targets.ts';

export interface ParsedRule {
  readonly matches: readonly Match[];
  readonly target: TargetSpec | undefined;
  /** Why (parts of) the rule are not understood; empty when all of it is. */
  readonly unknown: readonly string[];
}

const cache = new WeakMap<readonly string[], ParsedRule>();

/** Parses (once per token array) a rule's tokens. */
export function parseRule(tokens: readonly string[]): ParsedRule {
  let parsed = cache.get(tokens);
  if (!parsed) {
    parsed = parseTokens(tokens);
    cache.set(tokens, parsed);
  }
  return parsed;
}

const isOptionToken = (t: string | undefined): boolean => t === undefined || t === '!' || /^--?[A-Za-z]/.test(t);

function parseTokens(tokens: readonly string[]): ParsedRule {
  const matches: Match[] = [];
  const unknown: string[] = [];
  const modules: string[] = [];
  const targetOpts: [string, string | undefined][] = [];
  let target: { name: string; goto: boolean } | undefined;
  let neg = false;
  let i = 0;

  const take = (): string => {
    // Old iptables also accepted `--opt ! value`.
    if (tokens[i] === '!') {
      neg = !neg;
      i++;
    }
    return tokens[i++] ?? '';
  };
  const add = (b: Built): void => {
    if (b === null) return;
    if ('unknown' in b) unknown.push(b.unknown);
    else matches.push(b);
  };
  const findOption = (name: string): OptionDef | undefined => {
    for (const m of [...modules].reverse()) {
      const def = matchModules[m]?.[name];
      if (def) return def;
    }
    return undefined;
  };

  while (i < tokens.length) {
    const tok = tokens[i++] ?? '';
    if (tok === '!') {
      neg = true;
      continue;
    }
    const negated = neg;
    neg = false;
    switch (tok) {
      case '-p': case '--protocol': {
        const p = normalizeProto(take());
        add({ kind: 'proto', proto: p, neg: neg !== negated });
        // -p tcp/udp loads the protocol's match implicitly (for --dport and --sport).
        if ((p === 'tcp' || p === 'udp') && !modules.includes(p)) modules.unshift(p);
        break;
      }
      case '-s': case '--source': case '--src':
        add(buildAddress('src', take(), neg !== negated));
        break;
      case '-d': case '--destination': case '--dst':
        add(buildAddress('dst', take(), neg !== negated));
        break;
      case '-i': case '--in-interface':
        add({ kind: 'iface', which: 'in', name: take(), neg: neg !== negated });
        break;
      case '-o': case '--out-interface':
        add({ kind: 'iface', which: 'out', name: take(), neg: neg !== negated });
        break;
      case '-f': case '--fragment':
        add({ kind: 'fragment', neg: negated });
        break;
      case '-m': case '--match': {
        const name = tokens[i++] ?? '';
        modules.push(name);
        if (!(name in matchModules)) unknown.push(`unknown match -m ${name}`);
        break;
      }
      case '-j': case '--jump': case '-g': case '--goto':
        target = { name: tokens[i++] ?? '', goto: tok === '-g' || tok === '--goto' };
        break;
      case '-c': case '--set-counters':
        i += 2;
        break;
      default:
        optionOrStray(tok, negated);
    }
    neg = false;
  }
  return { matches, target: target && { ...target, options: targetOpts }, unknown };

  function optionOrStray(tok: string, negated: boolean): void {
    if (!tok.startsWith('--')) {
      unknown.push(`unexpected ${JSON.stringify(tok)}`);
      return;
    }
    const arity = target ? targetOptionArity(target.name, tok) : undefined;
    if (arity !== undefined) {
      targetOpts.push([tok, arity === 1 ? tokens[i++] : undefined]);
      return;
    }
    const def = findOption(tok);
    if (def) {
      neg = negated;
      const args: string[] = [];
      for (let k = 0; k < def.arity; k++) args.push(k === 0 ? take() : (tokens[i++] ?? ''));
      add(def.build(args, neg, tok));
      return;
    }
    // Unknown: assume it takes a value when the next token is not an option.
    const value = isOptionToken(tokens[i]) ? undefined : tokens[i++];
    const owner = target ? `target ${target.name}` : modules.length > 0 ? `-m ${modules[modules.length - 1] ?? ''}` : 'the rule';
    unknown.push(`unknown option ${value === undefined ? tok : `${tok} ${value}`} for ${owner}`);
  }
}
