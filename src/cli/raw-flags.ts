/**
 * A command's parsed options as raw values keyed by long flag name (`--envoy-port` ->
 * "envoy-port"), the form the config binders take: flags, env vars and files bind into one
 * config type in one place, and commander only parses.
 */
import type { Command } from 'commander';

export function rawFlags(self: Command): Record<string, string | boolean | undefined> {
  const out: Record<string, string | boolean | undefined> = {};
  for (const opt of self.options) {
    const long = opt.long?.replace(/^--/, '');
    if (!long) continue;
    const v: unknown = self.getOptionValue(opt.attributeName());
    if (v !== undefined) out[long] = typeof v === 'boolean' ? v : String(v);
  }
  return out;
}
