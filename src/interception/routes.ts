/**
 * The non-iptables half of capture: in TPROXY mode, a policy rule sends packets with the
 * TPROXY mark to a table whose only route is `local default dev lo`; with IPv6, `::6/128` is put
 * on lo so the proxy can bind its inbound source. Idempotent; cleanup removes the rule and route.
 */
import type { Logger } from '../core/log.ts';
import { ErrorCodes, MizzenError } from '../core/errors.ts';
import { isTproxy, type FrozenCaptureConfig } from './config.ts';
import type { Dependencies } from './deps/dependencies.ts';

type Fam = '-4' | '-6';

function families(cfg: FrozenCaptureConfig): Fam[] {
  return cfg.EnableIPv6 ? ['-4', '-6'] : ['-4'];
}

const wantsTproxyRoutes = (cfg: FrozenCaptureConfig): boolean => cfg.InboundPortsInclude !== '' && isTproxy(cfg);

async function ip(deps: Dependencies, args: string[], what: string, okIfExists = false): Promise<string> {
  const r = await deps.run({ bin: 'ip', args });
  if (r.code !== 0 && !(okIfExists && /exists|already assigned/i.test(r.stderr))) {
    throw new MizzenError(ErrorCodes.CommandFailed, `failed to ${what}: ip ${args.join(' ')}: ${r.stderr.trim()}`);
  }
  return r.stdout;
}

/** True when `ip rule show` output has a rule for this mark and table. */
function hasRule(listing: string, mark: string, table: string): boolean {
  const m = Number(mark);
  return listing.split('\n').some((l) => {
    const fw = /fwmark (0x[0-9a-f]+|\d+)/.exec(l);
    const t = /lookup (\S+)/.exec(l);
    return fw !== null && t !== null && Number(fw[1]) === m && t[1] === table;
  });
}

export async function configureRoutes(cfg: FrozenCaptureConfig, deps: Dependencies, log: Logger): Promise<void> {
  if (cfg.EnableIPv6) {
    await ip(deps, ['-6', 'addr', 'add', '::6/128', 'dev', 'lo'], 'add the IPv6 inbound address ::6', true);
    log.info('Added ::6 address');
  }
  if (!wantsTproxyRoutes(cfg)) return;
  const mark = cfg.InboundTProxyMark;
  const table = cfg.InboundTProxyRouteTable;
  for (const fam of families(cfg)) {
    const rules = await ip(deps, [fam, 'rule', 'show'], 'list policy rules');
    if (!hasRule(rules, mark, table)) await ip(deps, [fam, 'rule', 'add', 'fwmark', mark, 'lookup', table], 'add the TPROXY policy rule');
    const dst = fam === '-4' ? '0.0.0.0/0' : '::/0';
    await ip(deps, [fam, 'route', 'add', 'local', dst, 'dev', 'lo', 'table', table], 'add the TPROXY local route', true);
  }
  log.info(`Configured TPROXY routing: fwmark ${mark} lookup ${table}, local default dev lo`);
}

export async function cleanupRoutes(cfg: FrozenCaptureConfig, deps: Dependencies): Promise<void> {
  const mark = cfg.InboundTProxyMark;
  const table = cfg.InboundTProxyRouteTable;
  for (const fam of ['-4', '-6'] as const) {
    for (let i = 0; i < 16; i++) {
      const listing = await deps.run({ bin: 'ip', args: [fam, 'rule', 'show'] });
      if (listing.code !== 0 || !hasRule(listing.stdout, mark, table)) break;
      await deps.run({ bin: 'ip', args: [fam, 'rule', 'del', 'fwmark', mark, 'lookup', table] });
    }
    const dst = fam === '-4' ? '0.0.0.0/0' : '::/0';
    await deps.run({ bin: 'ip', args: [fam, 'route', 'del', 'local', dst, 'dev', 'lo', 'table', table] });
  }
}
