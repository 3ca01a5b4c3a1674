/**
 * HTTP GETs into the mesh from the host: the request runs inside a network namespace (a pod's,
 * or the node's) through `ip netns exec ... curl`, so nothing is exposed on the host. Used by
 * proxy-config (a pod's admin on 127.0.0.1:15000) and proxy-status (istiod's debug API).
 */
import { spawn } from 'node:child_process';
import { ErrorCodes, MizzenError } from '../../core/errors.ts';
import { statePaths } from '../state/paths.ts';
import { callApi } from './api-client.ts';

export function httpGetInNetns(netns: string, url: string, timeoutSeconds = 10): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', netns, 'curl', '-sS', '--fail-with-body', '--max-time', String(timeoutSeconds), url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => reject(new MizzenError(ErrorCodes.CommandFailed, `cannot run curl in ${netns}`, { cause: e })));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new MizzenError(ErrorCodes.CommandFailed, `GET ${url} in ${netns} failed: ${(err || out).trim()}`))));
  });
}

/** `POD[.NS]` (istioctl's form) or POD with -n NS -> the pod's network namespace. */
export async function podNetns(stateDir: string, target: string, namespace: string | undefined): Promise<{ pod: string; namespace: string; netns: string }> {
  const dot = target.indexOf('.');
  const pod = namespace === undefined && dot > 0 ? target.slice(0, dot) : target;
  const ns = namespace ?? (dot > 0 ? target.slice(dot + 1) : 'default');
  const ctx = await callApi<{ netns: string }>(statePaths(stateDir).api, 'GET', `/v1/pods/${encodeURIComponent(ns)}/${encodeURIComponent(pod)}/exec?container=istio-proxy`);
  return { pod, namespace: ns, netns: ctx.netns };
}
