/**
 * `mizzen sidecar`: the istio-proxy container, Envoy and pilot-agent roles in one process. Binds
 * Istio's environment and the flags into one config (flags win), starts the sidecar (config from
 * the control plane over xDS with --discovery-address / PILOT_DISCOVERY_ADDRESS / PROXY_CONFIG,
 * else from registry.json), drains on SIGTERM/SIGINT, and exits 0 once it has stopped.
 */
import { Command, Option } from 'commander';
import { rawFlags } from './raw-flags.ts';
import { bindSidecarConfig } from '../agent/bind.ts';
import { sidecarFlags } from '../agent/flags.ts';
import { startSidecar } from '../agent/main.ts';

export function registerSidecar(program: Command): void {
  const cmd = program
    .command('sidecar')
    .description('run the sidecar proxy (Envoy + pilot-agent roles): config over xDS from --discovery-address (else --registry), virtualOutbound 15001, virtualInbound 15006, admin 15000, 15020/15021/15090');
  for (const d of sidecarFlags) {
    const flag = `--${d.long} ${d.kind === 'bool' ? '[bool]' : '<value>'}`;
    cmd.addOption(new Option(flag, `${d.help}${d.env.length > 0 ? ` (env ${d.env.join(', ')})` : ''}`));
  }
  cmd.action(async (_opts: unknown, self: Command) => {
    process.exitCode = await sidecarMain(self);
  });
}


async function sidecarMain(self: Command): Promise<number> {
  const cfg = bindSidecarConfig({ env: process.env, flags: rawFlags(self) });
  const sidecar = await startSidecar(cfg);
  const onSignal = (signal: NodeJS.Signals): void => {
    void sidecar.terminate(signal === 'SIGTERM' ? 'terminated' : signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const code = await sidecar.exited;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  // Everything is closed; should a stray handle keep the loop alive, do not hang the pod.
  setTimeout(() => process.exit(code), 2000).unref();
  return code;
}
