/** Admin `/memory` (Envoy's Memory message, from process.memoryUsage) and `/server_info` (ServerInfo with the bootstrap's node). */
import { json, type HttpReply } from '../core/http-server.ts';
import type { AdminContext } from './admin-context.ts';

export function memoryHandler(): HttpReply {
  const m = process.memoryUsage();
  return json(200, {
    allocated: String(m.heapUsed + m.external),
    heapSize: String(m.heapTotal),
    pageheapUnmapped: '0',
    pageheapFree: String(Math.max(0, m.heapTotal - m.heapUsed)),
    totalThreadCache: '0',
    totalPhysicalBytes: String(m.rss),
  });
}

export function serverInfoHandler(ctx: AdminContext) {
  return (): HttpReply => {
    const uptime = Math.floor((Date.now() - ctx.status.startedAt) / 1000);
    return json(200, {
      version: 'mizzen/0.1.0/Node.js-' + process.versions.node,
      state: ctx.status.name,
      hotRestartVersion: 'disabled',
      commandLineOptions: { concurrency: 1, mode: 'Serve', drainStrategy: 'Immediate', serviceCluster: ctx.bootstrap.node.cluster ?? '', serviceNode: ctx.bootstrap.node.id ?? '' },
      node: ctx.bootstrap.node,
      uptimeCurrentEpoch: `${uptime}s`,
      uptimeAllEpochs: `${uptime}s`,
    });
  };
}
