/**
 * One container: name, image, command/args, env (value, or valueFrom.fieldRef), ports,
 * workingDir, securityContext.runAsUser/runAsGroup and the three probes. The image cannot be
 * pulled on one host, so a container must say what to run with `command`.
 */
import type { Container, ContainerPort, EnvVar } from '../model/objects.ts';
import { checkFields, fail, isDnsLabel, isObj, isPortName, join, readInt, readList, readObj, readString, readStrings, type Obj, type ReadContext } from './fields.ts';
import { readProbe } from './probe.ts';

const KNOWN = ['name', 'image', 'command', 'args', 'env', 'ports', 'workingDir', 'securityContext', 'readinessProbe', 'livenessProbe', 'startupProbe'];
const IGNORED = ['imagePullPolicy', 'resources', 'volumeMounts', 'terminationMessagePath', 'terminationMessagePolicy', 'stdin', 'stdinOnce', 'tty'];
const SECURITY_IGNORED = ['allowPrivilegeEscalation', 'capabilities', 'privileged', 'readOnlyRootFilesystem', 'runAsNonRoot', 'seccompProfile'];

/** fieldRef paths the runtime can fill in. */
const FIELD_PATHS = /^(metadata\.name|metadata\.namespace|metadata\.uid|spec\.serviceAccountName|spec\.nodeName|status\.podIP|status\.podIPs|status\.hostIP|metadata\.(labels|annotations)\['[^']+'\])$/;

function readEnv(ctx: ReadContext, c: Obj, path: string): EnvVar[] {
  const out: EnvVar[] = [];
  readList(ctx, c, 'env', path).forEach((e, i) => {
    const p = join(join(path, 'env'), i);
    if (!isObj(e)) return fail(ctx, p, e, 'must be an object');
    checkFields(ctx, e, p, ['name', 'value', 'valueFrom']);
    const name = readString(ctx, e, 'name', p, true) ?? '';
    const value = readString(ctx, e, 'value', p);
    const from = readObj(ctx, e, 'valueFrom', p);
    if (!from) return out.push(value === undefined ? { name } : { name, value });
    const fp = join(p, 'valueFrom');
    checkFields(ctx, from, fp, ['fieldRef']);
    const ref = readObj(ctx, from, 'fieldRef', fp, true);
    if (!ref) return undefined;
    const rp = join(fp, 'fieldRef');
    checkFields(ctx, ref, rp, ['fieldPath', 'apiVersion']);
    const fieldPath = readString(ctx, ref, 'fieldPath', rp, true) ?? '';
    if (fieldPath !== '' && !FIELD_PATHS.test(fieldPath)) return fail(ctx, join(rp, 'fieldPath'), fieldPath, 'unsupported fieldPath');
    if (value !== undefined) fail(ctx, p, e, 'value and valueFrom are mutually exclusive');
    return out.push({ name, fieldPath });
  });
  return out;
}

function readPorts(ctx: ReadContext, c: Obj, path: string): ContainerPort[] {
  const out: ContainerPort[] = [];
  readList(ctx, c, 'ports', path).forEach((raw, i) => {
    const p = join(join(path, 'ports'), i);
    if (!isObj(raw)) return fail(ctx, p, raw, 'must be an object');
    checkFields(ctx, raw, p, ['name', 'containerPort', 'protocol'], ['hostPort', 'hostIP']);
    const name = readString(ctx, raw, 'name', p);
    if (name !== undefined && !isPortName(name)) fail(ctx, join(p, 'name'), name, 'must be a port name (at most 15 lower-case letters, digits and -)');
    const containerPort = readInt(ctx, raw, 'containerPort', p, { min: 1, max: 65535 });
    if (raw['containerPort'] === undefined) fail(ctx, join(p, 'containerPort'), undefined, 'required field is missing');
    const protocol = readString(ctx, raw, 'protocol', p) ?? 'TCP';
    if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') return fail(ctx, join(p, 'protocol'), protocol, 'must be TCP, UDP or SCTP');
    return out.push({ ...(name === undefined ? {} : { name }), containerPort: containerPort ?? 0, protocol });
  });
  return out;
}

export function readContainer(ctx: ReadContext, raw: unknown, path: string): Container | undefined {
  if (!isObj(raw)) return fail(ctx, path, raw, 'must be an object');
  checkFields(ctx, raw, path, KNOWN, IGNORED);
  const name = readString(ctx, raw, 'name', path, true) ?? '';
  if (name !== '' && !isDnsLabel(name)) fail(ctx, join(path, 'name'), name, 'must be a DNS-1123 label');
  const sc = readObj(ctx, raw, 'securityContext', path) ?? {};
  const scp = join(path, 'securityContext');
  checkFields(ctx, sc, scp, ['runAsUser', 'runAsGroup'], SECURITY_IGNORED);
  const runAsUser = readInt(ctx, sc, 'runAsUser', scp, { min: 0, max: 2147483647 });
  const runAsGroup = readInt(ctx, sc, 'runAsGroup', scp, { min: 0, max: 2147483647 });
  const workingDir = readString(ctx, raw, 'workingDir', path);
  if (workingDir !== undefined && !workingDir.startsWith('/')) fail(ctx, join(path, 'workingDir'), workingDir, 'must be an absolute path');
  const readinessProbe = readProbe(ctx, raw, 'readinessProbe', path);
  const livenessProbe = readProbe(ctx, raw, 'livenessProbe', path);
  const startupProbe = readProbe(ctx, raw, 'startupProbe', path);
  return {
    name,
    image: readString(ctx, raw, 'image', path) ?? '',
    command: readStrings(ctx, raw, 'command', path),
    args: readStrings(ctx, raw, 'args', path),
    env: readEnv(ctx, raw, path),
    ports: readPorts(ctx, raw, path),
    ...(workingDir === undefined ? {} : { workingDir }),
    ...(runAsUser === undefined ? {} : { runAsUser }),
    ...(runAsGroup === undefined ? {} : { runAsGroup }),
    ...(readinessProbe ? { readinessProbe } : {}),
    ...(livenessProbe ? { livenessProbe } : {}),
    ...(startupProbe ? { startupProbe } : {}),
  };
}
