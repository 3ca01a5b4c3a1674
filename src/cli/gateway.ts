/**
 * `mizzen gateway`: the ingress gateway's proxy (istio-proxy in the istio-ingressgateway pod,
 * pilot-agent's `proxy router`). The same process and settings as `mizzen sidecar`, with node
 * type `router` (node id `router~<IP>~<POD>.<NS>~<NS>.svc.cluster.local`), so the control plane
 * sends it gateway config: listeners with bindToPort, which it binds itself, since nothing is
 * intercepted into a gateway. Admin 15000, readiness 15021, Prometheus 15090 as for a sidecar.
 * Config comes over xDS only (a discovery address is required).
 */
import { Command, Option } from 'commander';
import { invalidFlag } from '../core/errors.ts';
import { bindSidecarConfig } from '../agent/bind.ts';
import { freezeSidecarConfig, type SidecarConfig } from '../agent/config.ts';
import { sidecarFlags } from '../agent/flags.ts';
import { startSidecar } from '../agent/main.ts';
import { rawFlags } from './raw-flags.ts';

export function registerGateway(program: Command): void {
  const cmd = program
    .command('gateway')
    .description('run a gateway proxy (node type router): listeners from the control plane are bound on their own ports; admin 15000, 15020/15021/15090');
  for (const d of sidecarFlags) {
    const flag = `--${d.long} ${d.kind === 'bool' ? '[bool]' : '<value>'}`;
    cmd.addOption(new Option(flag, `${d.help}${d.env.length > 0 ? ` (env ${d.env.join(', ')})` : ''}`));
  }
  cmd.action(async (_opts: unknown, self: Command) => {
    process.exitCode = await gatewayMain(self);
  });
}

async function gatewayMain(self: Command): Promise<number> {
  const bound = bindSidecarConfig({ env: process.env, flags: rawFlags(self) });
  if (bound.discoveryAddress === '') throw invalidFlag('--discovery-address', '', 'a gateway takes its config from the control plane (or set PILOT_DISCOVERY_ADDRESS)');
  const cfg = freezeSidecarConfig({ ...(bound as SidecarConfig), proxyType: 'router' });
  const gateway = await startSidecar(cfg);
  const onSignal = (signal: NodeJS.Signals): void => {
    void gateway.terminate(signal === 'SIGTERM' ? 'terminated' : signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const code = await gateway.exited;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  setTimeout(() => process.exit(code), 2000).unref();
  return code;
}
