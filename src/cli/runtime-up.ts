/**
 * `mizzen up -f PATH`, `mizzen down`, and the hidden `mizzen supervise` that `up` starts in the
 * background to own the mesh.
 */
import type { Command } from 'commander';
import { createLogger } from '../core/log.ts';
import { invalidFlag } from '../core/errors.ts';
import { cliCommand, sidecarCommand } from '../runtime/client/commands.ts';
import { down } from '../runtime/client/down.ts';
import { parseDuration } from '../runtime/client/duration.ts';
import { up } from '../runtime/client/up.ts';
import { parseCidr } from '../runtime/plan/ipam.ts';
import { defaultMeshId, MESH_ID } from '../runtime/plan/names.ts';
import { stateDirFrom } from '../runtime/state/paths.ts';
import { runSupervisor } from '../runtime/supervisor/main.ts';
import { stdoutLine, withStateDir } from './runtime-options.ts';

interface UpFlags {
  filename: string; stateDir?: string; meshId?: string; podCidr: string; serviceCidr: string;
  restartBackoff: string; outboundTrafficPolicy: string; wait: boolean; timeout: string; controlPlane: boolean; ingressPort: string;
  egressGateway?: boolean;
}

function ingressPortOf(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw invalidFlag('--ingress-port', text, 'must be a port number from 0 (a free port) to 65535');
  return Number(text);
}

function meshIdOf(flag: string | undefined, stateDir: string): string {
  const id = flag ?? defaultMeshId(stateDir);
  if (!MESH_ID.test(id)) throw invalidFlag('--mesh-id', id, 'must be 2-8 lower-case letters and digits, starting with a letter');
  return id;
}

export function registerUp(program: Command): void {
  withStateDir(program.command('up')
    .description('run Kubernetes manifests (Namespace, ServiceAccount, Service, Pod, Deployment) as a mesh on this host; returns when every pod is ready')
    .requiredOption('-f, --filename <path>', 'a YAML/JSON file, or a folder of them')
    .option('--mesh-id <id>', 'prefix of every kernel name the mesh makes (default: derived from the state directory)')
    .option('--pod-cidr <cidr>', 'pod addresses', '10.250.0.0/16')
    .option('--service-cidr <cidr>', 'ClusterIP addresses', '10.96.0.0/16')
    .option('--restart-backoff <duration>', 'the first crash back-off delay (doubles up to 5m)', '10s')
    .option('--outbound-traffic-policy <policy>', 'ALLOW_ANY or REGISTRY_ONLY, passed to the sidecars', 'ALLOW_ANY')
    .option('--no-control-plane', 'run no istiod: sidecars read registry.json instead of xDS')
    .option('--ingress-port <port>', 'the ingress gateway\'s port on 127.0.0.1 (0: a free port, printed)', '0')
    .option('--egress-gateway', 'also run istio-egressgateway in istio-system (as Istio\'s demo profile does; never exposed on the host)')
    .option('--no-wait', 'return once applied, without waiting for the pods')
    .option('--timeout <duration>', 'how long to wait for the pods to be ready', '2m'))
    .action(async (o: UpFlags) => {
      const stateDir = stateDirFrom(o.stateDir);
      await up({
        file: o.filename, stateDir, meshId: meshIdOf(o.meshId, stateDir), podCidr: o.podCidr, serviceCidr: o.serviceCidr,
        restartBackoffMs: parseDuration('--restart-backoff', o.restartBackoff), outboundTrafficPolicy: o.outboundTrafficPolicy,
        wait: o.wait, timeoutMs: parseDuration('--timeout', o.timeout), controlPlane: o.controlPlane, ingressPort: ingressPortOf(o.ingressPort),
        egressGateway: o.egressGateway === true,
      }, stdoutLine, createLogger());
    });

  withStateDir(program.command('down')
    .description('stop every pod and remove every namespace, link, rule, file and process the mesh made')
    .option('--mesh-id <id>', 'the mesh id, when mesh.json is gone (default: from mesh.json or the state directory)')
    .option('--grace-period <seconds>', 'at most this long between SIGTERM and SIGKILL', '30'))
    .action(async (o: { stateDir?: string; meshId?: string; gracePeriod: string }) => {
      const stateDir = stateDirFrom(o.stateDir);
      const grace = Number(o.gracePeriod);
      if (!Number.isInteger(grace) || grace < 0) throw invalidFlag('--grace-period', o.gracePeriod, 'must be a whole number of seconds');
      await down({ stateDir, meshId: o.meshId === undefined ? undefined : meshIdOf(o.meshId, stateDir), defaultMeshId: defaultMeshId(stateDir), gracePeriodSeconds: grace }, stdoutLine);
    });

  withStateDir(program.command('supervise', { hidden: true })
    .description('the mesh supervisor (started by mizzen up)')
    .requiredOption('--mesh-id <id>', 'mesh id')
    .requiredOption('--pod-cidr <cidr>', 'pod CIDR')
    .requiredOption('--service-cidr <cidr>', 'service CIDR')
    .option('--restart-backoff <duration>', 'first crash back-off', '10s')
    .option('--outbound-traffic-policy <policy>', 'for the sidecars', 'ALLOW_ANY')
    .option('--created-state-dir', 'up made the state directory')
    .option('--no-control-plane', 'run no istiod')
    .option('--ingress-port <port>', 'the ingress gateway\'s port on 127.0.0.1', '0')
    .option('--egress-gateway', 'run istio-egressgateway'))
    .action(async (o: { stateDir?: string; meshId: string; podCidr: string; serviceCidr: string; restartBackoff: string; outboundTrafficPolicy: string; createdStateDir?: boolean; controlPlane: boolean; ingressPort: string; egressGateway?: boolean }) => {
      const stateDir = stateDirFrom(o.stateDir);
      process.exitCode = await runSupervisor({
        stateDir, meshId: meshIdOf(o.meshId, stateDir), podCidr: parseCidr('--pod-cidr', o.podCidr), serviceCidr: parseCidr('--service-cidr', o.serviceCidr),
        backoffBaseMs: parseDuration('--restart-backoff', o.restartBackoff), sidecarCommand: sidecarCommand(), cliCommand: cliCommand(),
        outboundTrafficPolicy: o.outboundTrafficPolicy === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY', createdStateDir: o.createdStateDir === true,
        controlPlane: o.controlPlane, ingressPort: ingressPortOf(o.ingressPort), egressGateway: o.egressGateway === true,
      });
    });
}
