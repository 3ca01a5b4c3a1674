/**
 * The protocol rules as pure decisions, case by case: state-of-the-world requests (initial,
 * wildcard, ACK, NACK, stale nonce, subscription change, unsubscribe), delta requests, and the
 * debouncer (quiet time merges a burst, the maximum bounds a stream of changes).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pushRequest, type PushRequest } from '../../../src/control/model/push-request.ts';
import { Debouncer } from '../../../src/control/xds/server/debounce.ts';
import { decideDeltaRequest } from '../../../src/control/xds/server/delta-request.ts';
import { decideRequest } from '../../../src/control/xds/server/request-kind.ts';
import { newWatchedResource, type WatchedResource } from '../../../src/control/xds/server/watched-resource.ts';

const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';

function watched(opts: { wildcard?: boolean; names?: string[]; nonce?: string }): WatchedResource {
  const w = newWatchedResource(CDS);
  w.wildcard = opts.wildcard ?? false;
  w.names = new Set(opts.names ?? []);
  if (opts.nonce) w.nonceSent = opts.nonce;
  return w;
}

describe('state-of-the-world request rules', () => {
  const cases: [string, WatchedResource | undefined, Parameters<typeof decideRequest>[1], boolean, { kind: string; respond: boolean; ack: boolean; wildcard?: boolean; names?: string[] }][] = [
    ['first LDS/CDS request without names: wildcard', undefined, {}, true, { kind: 'initial', respond: true, ack: false, wildcard: true, names: [] }],
    ['first EDS request without names: nothing to send', undefined, {}, false, { kind: 'initial', respond: false, ack: false, wildcard: false, names: [] }],
    ['first request with names', undefined, { resourceNames: ['a', 'b'] }, false, { kind: 'initial', respond: true, ack: false, wildcard: false, names: ['a', 'b'] }],
    ['explicit * is wildcard plus names', undefined, { resourceNames: ['*', 'a'] }, false, { kind: 'initial', respond: true, ack: false, wildcard: true, names: ['a'] }],
    ['ACK of a wildcard with no names stays wildcard', watched({ wildcard: true, nonce: 'n1' }), { responseNonce: 'n1' }, true, { kind: 'ack', respond: false, ack: true }],
    ['ACK repeating the names', watched({ names: ['a'], nonce: 'n1' }), { responseNonce: 'n1', resourceNames: ['a'] }, false, { kind: 'ack', respond: false, ack: true }],
    ['ACK adding a name answers at once', watched({ names: ['a'], nonce: 'n1' }), { responseNonce: 'n1', resourceNames: ['a', 'b'] }, false,
      { kind: 'subscription', respond: true, ack: true, wildcard: false, names: ['a', 'b'] }],
    ['empty names after the first request unsubscribes', watched({ names: ['a'], nonce: 'n1' }), { responseNonce: 'n1', resourceNames: [] }, false,
      { kind: 'unsubscribe', respond: false, ack: true, wildcard: false, names: [] }],
    ['NACK', watched({ names: ['a'], nonce: 'n1' }), { responseNonce: 'n1', resourceNames: ['a'], errorDetail: { message: 'bad' } }, false, { kind: 'nack', respond: false, ack: false }],
    ['stale nonce is ignored, names and all', watched({ names: ['a'], nonce: 'n2' }), { responseNonce: 'n1', resourceNames: ['b'] }, false, { kind: 'stale', respond: false, ack: false }],
    ['named subscription moving to names only', watched({ wildcard: true, nonce: 'n1' }), { responseNonce: 'n1', resourceNames: ['x'] }, true,
      { kind: 'subscription', respond: true, ack: true, wildcard: false, names: ['x'] }],
  ];
  for (const [name, w, req, wildcardType, want] of cases) {
    it(name, () => {
      const d = decideRequest(w, req, wildcardType);
      assert.equal(d.kind, want.kind);
      assert.equal(d.respond, want.respond);
      assert.equal(d.ack, want.ack);
      if (want.wildcard !== undefined) assert.equal(d.subscription?.wildcard, want.wildcard);
      if (want.names) assert.deepEqual([...(d.subscription?.names ?? [])].sort(), want.names);
    });
  }
});

describe('delta request rules', () => {
  it('applies subscribe/unsubscribe on every request, even with a stale nonce', () => {
    const w = watched({ names: ['a', 'b'], nonce: 'n2' });
    const d = decideDeltaRequest(w, { responseNonce: 'n1', resourceNamesSubscribe: ['c'], resourceNamesUnsubscribe: ['a'] }, false);
    assert.equal(d.kind, 'stale');
    assert.deepEqual([...d.names].sort(), ['b', 'c']);
    assert.deepEqual([...d.added], ['c']);
    assert.deepEqual([...d.removed], ['a']);
    assert.equal(d.respond, true);
  });

  it('treats a first CDS request without names as a wildcard, and an ACK as such', () => {
    const first = decideDeltaRequest(undefined, {}, true);
    assert.deepEqual([first.kind, first.wildcard, first.respond], ['initial', true, true]);
    const ack = decideDeltaRequest(watched({ wildcard: true, nonce: 'n1' }), { responseNonce: 'n1' }, true);
    assert.deepEqual([ack.kind, ack.ack, ack.respond, ack.wildcard], ['ack', true, false, true]);
    const nack = decideDeltaRequest(watched({ wildcard: true, nonce: 'n1' }), { responseNonce: 'n1', errorDetail: { message: 'no' } }, true);
    assert.deepEqual([nack.kind, nack.ack], ['nack', false]);
  });
});

describe('Debouncer', () => {
  const record = (): { pushes: PushRequest[]; push: (r: PushRequest) => Promise<void> } => {
    const pushes: PushRequest[] = [];
    return { pushes, push: async (r) => void pushes.push(r) };
  };

  it('merges a burst into one push after the quiet time', async () => {
    const r = record();
    const d = new Debouncer({ afterMs: 40, maxMs: 1000, push: r.push });
    for (let i = 0; i < 5; i++) {
      d.enqueue(pushRequest({ full: i === 2, edsHosts: new Set([`h${i}`]), reasons: [`r${i}`] }));
      await new Promise((res) => setTimeout(res, 10));
    }
    await d.idle();
    assert.equal(r.pushes.length, 1);
    assert.equal(r.pushes[0]?.full, true);
    assert.deepEqual([...(r.pushes[0]?.edsHosts ?? [])], ['h0', 'h1', 'h2', 'h3', 'h4']);
    d.close();
  });

  it('pushes at least every maxMs while changes keep coming', async () => {
    const r = record();
    const d = new Debouncer({ afterMs: 50, maxMs: 150, push: r.push });
    const start = Date.now();
    while (Date.now() - start < 400) {
      d.enqueue(pushRequest({ full: false }));
      await new Promise((res) => setTimeout(res, 20));
    }
    await d.idle();
    assert.ok(r.pushes.length >= 3 && r.pushes.length <= 5, `${r.pushes.length} pushes in 400 ms of changes`);
    d.close();
  });
});
