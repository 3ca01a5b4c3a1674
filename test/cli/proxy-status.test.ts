/**
 * `mizzen proxy-status`: istioctl's table (NAME CLUSTER CDS LDS EDS RDS ECDS ISTIOD VERSION) and
 * kubectl's HumanDuration ages, as the seeds show them (`SYNCED (114s)`, `SYNCED (7m49s)`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanDuration, proxyStatusTable } from '../../src/cli/proxy-status.ts';

describe('mizzen proxy-status', () => {
  it('formats ages as istioctl does', () => {
    assert.deepEqual([5_000, 114_000, 469_000, 22 * 60_000, 5 * 3600_000 + 180_000, 50 * 3600_000].map(humanDuration),
      ['5s', '114s', '7m49s', '22m', '5h3m', '2d2h']);
  });

  it('prints one row per proxy with each type’s state and age', () => {
    const now = Date.parse('2026-11-22T01:20:00Z');
    const out = proxyStatusTable([{
      name: 'reviews-v1-6584ddcf65-r1.default', clusterId: 'Kubernetes', istiod: 'istiod-7f8b586864-wf2bz', istioVersion: '1.23.2',
      types: {
        CDS: { status: 'SYNCED', lastPush: '2026-11-22T01:18:06Z' }, LDS: { status: 'SYNCED', lastPush: '2026-11-22T01:12:11Z' },
        EDS: { status: 'STALE', lastPush: '2026-11-22T01:19:59Z' }, RDS: { status: 'NACKED', lastPush: '2026-11-22T01:19:00Z' },
      },
    }], now);
    const [head, row] = out.trim().split('\n').map((l) => l.split(/\s{2,}/));
    assert.deepEqual(head, ['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION']);
    assert.deepEqual(row, ['reviews-v1-6584ddcf65-r1.default', 'Kubernetes', 'SYNCED (114s)', 'SYNCED (7m49s)', 'STALE (1s)', 'NACKED (60s)', 'IGNORED', 'istiod-7f8b586864-wf2bz', '1.23.2']);
  });
});
