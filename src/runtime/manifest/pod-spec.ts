/**
 * A PodSpec: init containers and containers (unique names, each with a command), restartPolicy,
 * serviceAccountName, terminationGracePeriodSeconds and the pod-level runAsUser/runAsGroup.
 * Probe ports given by name must name one of the container's own ports.
 */
import type { Container, PodSpec, Probe, RestartPolicy } from '../model/objects.ts';
import { readContainer } from './container.ts';
import { checkFields, fail, isDnsSubdomain, join, readInt, readList, readObj, readString, type Obj, type ReadContext } from './fields.ts';

const KNOWN = ['containers', 'initContainers', 'restartPolicy', 'serviceAccountName', 'serviceAccount', 'terminationGracePeriodSeconds', 'securityContext'];
const IGNORED = ['volumes', 'nodeSelector', 'affinity', 'tolerations', 'imagePullSecrets', 'dnsPolicy', 'schedulerName', 'priorityClassName',
  'automountServiceAccountToken', 'enableServiceLinks', 'hostname', 'subdomain', 'nodeName', 'topologySpreadConstraints', 'dnsConfig'];
const POD_SECURITY_IGNORED = ['fsGroup', 'runAsNonRoot', 'seccompProfile', 'supplementalGroups', 'fsGroupChangePolicy', 'sysctls'];

function checkProbePorts(ctx: ReadContext, c: Container, path: string): void {
  const names = new Set(c.ports.map((p) => p.name).filter((n) => n !== undefined));
  const probes: [string, Probe | undefined][] = [['readinessProbe', c.readinessProbe], ['livenessProbe', c.livenessProbe], ['startupProbe', c.startupProbe]];
  for (const [key, probe] of probes) {
    const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
    if (typeof port === 'string' && !names.has(port)) {
      const handler = probe?.httpGet ? 'httpGet' : 'tcpSocket';
      fail(ctx, `${path}.${key}.${handler}.port`, port, `names no port of container "${c.name}"`);
    }
  }
}

function readContainers(ctx: ReadContext, spec: Obj, key: string, path: string): Container[] {
  const out: Container[] = [];
  readList(ctx, spec, key, path).forEach((raw, i) => {
    const p = join(join(path, key), i);
    const c = readContainer(ctx, raw, p);
    if (!c) return;
    if (c.command.length === 0) {
      const image = c.image === '' ? 'no image' : `the image "${c.image}" cannot be pulled here`;
      fail(ctx, join(p, 'command'), undefined, `container "${c.name}" has no command (${image}, so its entrypoint is unknown; give command and args)`);
    }
    checkProbePorts(ctx, c, p);
    out.push(c);
  });
  return out;
}

export function readPodSpec(ctx: ReadContext, spec: Obj, path: string): PodSpec {
  checkFields(ctx, spec, path, KNOWN, IGNORED);
  const containers = readContainers(ctx, spec, 'containers', path);
  if (containers.length === 0 && ctx.issues.every((i) => !i.path.startsWith(join(path, 'containers')))) {
    fail(ctx, join(path, 'containers'), spec['containers'], 'at least one container is required');
  }
  const initContainers = readContainers(ctx, spec, 'initContainers', path);
  const seen = new Set<string>();
  for (const c of [...initContainers, ...containers]) {
    if (seen.has(c.name)) fail(ctx, join(path, 'containers'), c.name, `duplicate container name "${c.name}"`);
    seen.add(c.name);
  }
  const restartPolicy = readString(ctx, spec, 'restartPolicy', path) ?? 'Always';
  if (!['Always', 'OnFailure', 'Never'].includes(restartPolicy)) {
    fail(ctx, join(path, 'restartPolicy'), restartPolicy, 'must be Always, OnFailure or Never');
  }
  const sa = readString(ctx, spec, 'serviceAccountName', path) ?? readString(ctx, spec, 'serviceAccount', path) ?? 'default';
  if (!isDnsSubdomain(sa)) fail(ctx, join(path, 'serviceAccountName'), sa, 'must be a DNS-1123 subdomain');
  const sc = readObj(ctx, spec, 'securityContext', path) ?? {};
  const scp = join(path, 'securityContext');
  checkFields(ctx, sc, scp, ['runAsUser', 'runAsGroup'], POD_SECURITY_IGNORED);
  const runAsUser = readInt(ctx, sc, 'runAsUser', scp, { min: 0, max: 2147483647 });
  const runAsGroup = readInt(ctx, sc, 'runAsGroup', scp, { min: 0, max: 2147483647 });
  return {
    initContainers,
    containers,
    restartPolicy: restartPolicy as RestartPolicy,
    serviceAccountName: sa,
    terminationGracePeriodSeconds: readInt(ctx, spec, 'terminationGracePeriodSeconds', path, { min: 0 }) ?? 30,
    ...(runAsUser === undefined ? {} : { runAsUser }),
    ...(runAsGroup === undefined ? {} : { runAsGroup }),
  };
}
