/**
 * `mizzen control`: the control plane (istiod's discovery role). Serves ADS on --xds-port
 * (15010) from Istio config (-f, watched) and the service registry (--registry registry.json),
 * and the debug API on --debug-port (15014). SIGTERM/SIGINT end the xDS streams gracefully and
 * exit 0.
 */
import { Command, Option } from 'commander';
import { createLogger } from '../core/log.ts';
import { controlOptions, defaultInstanceId, type RawControlOptions } from '../control/bootstrap/options.ts';
import { startControlPlane } from '../control/bootstrap/server.ts';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), ...value.split(',').filter(Boolean)];

interface ControlFlags {
  registry?: string;
  config?: string[];
  xdsPort?: string;
  xdsAddress?: string;
  debugPort?: string;
  debugAddress?: string;
  outboundTrafficPolicy?: string;
  debounce?: string;
  debounceMax?: string;
  instanceId?: string;
}

export function registerControl(program: Command): void {
  program
    .command('control')
    .description('run the control plane (istiod): xDS (ADS) on 15010 from Istio config and the service registry, debug API on 15014')
    .option('--registry <file>', 'the service registry, registry.json as `mizzen up` writes it (watched)')
    .option('-f, --config <path>', 'Istio config: a YAML file or folder (watched); repeatable or comma-separated', collect)
    .option('--xds-port <port>', 'ADS port (0 picks a free one)', '15010')
    .option('--xds-address <ip>', 'address the ADS server listens on', '0.0.0.0')
    .option('--debug-port <port>', 'debug HTTP API port (0 picks a free one)', '15014')
    .option('--debug-address <ip>', 'address the debug API listens on', '0.0.0.0')
    .addOption(new Option('--outbound-traffic-policy <mode>', 'traffic to hosts outside the registry (mesh default)').choices(['ALLOW_ANY', 'REGISTRY_ONLY']).default('ALLOW_ANY'))
    .option('--debounce <duration>', 'quiet time after a change before pushing (PILOT_DEBOUNCE_AFTER)', '100ms')
    .option('--debounce-max <duration>', 'longest a change waits for quiet (PILOT_DEBOUNCE_MAX)', '1s')
    .option('--instance-id <id>', 'this control plane\'s name, as proxy-status shows it', defaultInstanceId())
    .action(async (flags: ControlFlags) => {
      process.exitCode = await controlMain(flags);
    });
}

async function controlMain(flags: ControlFlags): Promise<number> {
  const raw: RawControlOptions = {
    ...(flags.registry !== undefined ? { registry: flags.registry } : {}),
    ...(flags.config ? { config: flags.config } : {}),
    ...(flags.xdsPort !== undefined ? { xdsPort: flags.xdsPort } : {}),
    ...(flags.xdsAddress !== undefined ? { xdsAddress: flags.xdsAddress } : {}),
    ...(flags.debugPort !== undefined ? { debugPort: flags.debugPort } : {}),
    ...(flags.debugAddress !== undefined ? { debugAddress: flags.debugAddress } : {}),
    ...(flags.outboundTrafficPolicy !== undefined ? { outboundTrafficPolicy: flags.outboundTrafficPolicy } : {}),
    ...(flags.debounce !== undefined ? { debounce: flags.debounce } : {}),
    ...(flags.debounceMax !== undefined ? { debounceMax: flags.debounceMax } : {}),
    ...(flags.instanceId !== undefined ? { instanceId: flags.instanceId } : {}),
  };
  const opts = controlOptions(raw);
  const log = createLogger();
  const cp = await startControlPlane(opts, log);
  process.stdout.write(`${JSON.stringify({ xdsPort: cp.xdsPort, debugPort: cp.debugPort, instanceId: opts.instanceId })}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      log.info(`${signal}: closing xDS streams`);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      cp.close().then(resolve, (err: unknown) => {
        log.error(`shutdown: ${(err as Error).message}`);
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  // Everything is closed; should a stray handle keep the loop alive, do not hang.
  setTimeout(() => process.exit(0), 2000).unref();
  return 0;
}
