/**
 * Which iptables binaries to drive. Dry-run names the plain tools (as the goldens do). For real
 * runs, `--force-iptables-binary` picks legacy or nft; otherwise the variant that already holds
 * rules in this namespace wins, and nft (Debian's default `iptables`) is used on a clean slate.
 */
import type { Dependencies, IptablesTools } from './deps/dependencies.ts';

export interface FamilyTools {
  readonly ipv4: IptablesTools;
  readonly ipv6: IptablesTools;
  readonly legacy: boolean;
}

function toolsFor(variant: '' | '-legacy' | '-nft'): FamilyTools {
  return {
    ipv4: { cmd: `iptables${variant}`, save: `iptables${variant}-save`, restore: `iptables${variant}-restore` },
    ipv6: { cmd: `ip6tables${variant}`, save: `ip6tables${variant}-save`, restore: `ip6tables${variant}-restore` },
    legacy: variant === '-legacy',
  };
}

export const plainTools: FamilyTools = toolsFor('');

async function hasRules(deps: Dependencies, save: string): Promise<boolean> {
  const r = await deps.run({ bin: save, args: [] });
  return r.code === 0 && /^(-A |:ISTIO_)/m.test(r.stdout);
}

export async function detectTools(deps: Dependencies, force: string): Promise<FamilyTools> {
  if (force === 'legacy') return toolsFor('-legacy');
  if (force === 'nft') return toolsFor('-nft');
  const legacy = (await hasRules(deps, 'iptables-legacy-save')) || (await hasRules(deps, 'ip6tables-legacy-save'));
  if (!legacy) return plainTools;
  const nft = (await hasRules(deps, 'iptables-nft-save')) || (await hasRules(deps, 'ip6tables-nft-save'));
  return nft ? plainTools : toolsFor('-legacy');
}
