/**
 * readinessProbe, livenessProbe and startupProbe: exactly one handler (httpGet, tcpSocket or
 * exec) and the timing fields, with Kubernetes' defaults (period 10s, timeout 1s, failure
 * threshold 3, success threshold 1, which liveness and startup probes must keep).
 */
import type { HTTPGetAction, HTTPHeader, Probe } from '../model/objects.ts';
import { checkFields, fail, isObj, join, readInt, readIntOrString, readList, readObj, readString, readStrings, type Obj, type ReadContext } from './fields.ts';

const TIMING = ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'];

function readHttpGet(ctx: ReadContext, o: Obj, path: string): HTTPGetAction {
  checkFields(ctx, o, path, ['path', 'port', 'host', 'scheme', 'httpHeaders']);
  const scheme = readString(ctx, o, 'scheme', path) ?? 'HTTP';
  if (scheme !== 'HTTP' && scheme !== 'HTTPS') fail(ctx, join(path, 'scheme'), scheme, 'must be HTTP or HTTPS');
  const headers: HTTPHeader[] = [];
  readList(ctx, o, 'httpHeaders', path).forEach((h, i) => {
    const p = join(join(path, 'httpHeaders'), i);
    if (!isObj(h)) return fail(ctx, p, h, 'must be an object');
    checkFields(ctx, h, p, ['name', 'value']);
    headers.push({ name: readString(ctx, h, 'name', p, true) ?? '', value: readString(ctx, h, 'value', p) ?? '' });
  });
  const host = readString(ctx, o, 'host', path);
  return {
    path: readString(ctx, o, 'path', path) ?? '/',
    port: readIntOrString(ctx, o, 'port', path, true) ?? 0,
    ...(host === undefined ? {} : { host }),
    scheme: scheme === 'HTTPS' ? 'HTTPS' : 'HTTP',
    httpHeaders: headers,
  };
}

export function readProbe(ctx: ReadContext, c: Obj, key: string, path: string): Probe | undefined {
  const o = readObj(ctx, c, key, path);
  if (!o) return undefined;
  const p = join(path, key);
  checkFields(ctx, o, p, ['httpGet', 'tcpSocket', 'exec', ...TIMING], ['terminationGracePeriodSeconds']);
  const handlers = ['httpGet', 'tcpSocket', 'exec', 'grpc'].filter((h) => o[h] !== undefined && o[h] !== null);
  if (handlers.length !== 1) {
    fail(ctx, p, Object.keys(o), handlers.length === 0 ? 'needs one handler: httpGet, tcpSocket or exec' : `has more than one handler: ${handlers.join(', ')}`);
  }
  let probe: Probe = {
    initialDelaySeconds: readInt(ctx, o, 'initialDelaySeconds', p, { min: 0 }) ?? 0,
    periodSeconds: readInt(ctx, o, 'periodSeconds', p, { min: 1 }) ?? 10,
    timeoutSeconds: readInt(ctx, o, 'timeoutSeconds', p, { min: 1 }) ?? 1,
    failureThreshold: readInt(ctx, o, 'failureThreshold', p, { min: 1 }) ?? 3,
    successThreshold: readInt(ctx, o, 'successThreshold', p, { min: 1 }) ?? 1,
  };
  if (key !== 'readinessProbe' && probe.successThreshold !== 1) {
    fail(ctx, join(p, 'successThreshold'), probe.successThreshold, 'must be 1 for liveness and startup probes');
  }
  const http = readObj(ctx, o, 'httpGet', p);
  if (http) probe = { ...probe, httpGet: readHttpGet(ctx, http, join(p, 'httpGet')) };
  const tcp = readObj(ctx, o, 'tcpSocket', p);
  if (tcp) {
    const tp = join(p, 'tcpSocket');
    checkFields(ctx, tcp, tp, ['port', 'host']);
    const host = readString(ctx, tcp, 'host', tp);
    probe = { ...probe, tcpSocket: { port: readIntOrString(ctx, tcp, 'port', tp, true) ?? 0, ...(host === undefined ? {} : { host }) } };
  }
  const exec = readObj(ctx, o, 'exec', p);
  if (exec) {
    const ep = join(p, 'exec');
    checkFields(ctx, exec, ep, ['command']);
    const command = readStrings(ctx, exec, 'command', ep);
    if (readList(ctx, exec, 'command', ep).length === 0) fail(ctx, join(ep, 'command'), command, 'must not be empty');
    probe = { ...probe, exec: { command } };
  }
  if (o['grpc'] !== undefined) fail(ctx, join(p, 'grpc'), o['grpc'], 'gRPC probes are not supported; use httpGet, tcpSocket or exec');
  return probe;
}
