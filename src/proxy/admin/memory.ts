/** Admin `/memory` (Envoy's Memory message, from process.memoryUsage) and `/server_info`. */
import { json, type HttpReply } from '../core/http-server.ts';
import type { AdminContext } from './admin-context.ts';

export function memoryHandler(): HttpReply {
  const m = process.memoryUsage();
  return json(200, {
    allocated: String(m.heapUsed + m.external),
    heap_size: String(m.heapTotal),
    pageheap_unmapped: '0',
    pageheap_free: String(Math.max(0, m.heapTotal - m.heapUsed)),
    total_thread_cache: '0',
    total_physical_bytes: String(m.rss),
  });
}

export function serverInfoHandler(ctx: AdminContext) {
  return (): HttpReply => {
    const uptime = Math.floor((Date.now() - ctx.status.startedAt) / 1000);
    return json(200, {
      version: 'mizzen/0.1.0/Node.js-' + process.versions.node,
      state: ctx.status.name,
      hot_restart_version: 'disabled',
      command_line_options: { concurrency: 1, mode: 'Serve', drain_strategy: 'Immediate' },
      node: { id: ctx.bootstrap.nodeId, cluster: ctx.bootstrap.cluster },
      uptime_current_epoch: `${uptime}s`,
      uptime_all_epochs: `${uptime}s`,
    });
  };
}
