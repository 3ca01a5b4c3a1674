/**
 * Istio's HTTP metadata exchange without mTLS (istio-proxy's peer_metadata filter with
 * istio_headers discovery and propagation): outbound, the request gets this proxy's
 * `x-envoy-peer-metadata-id` and `x-envoy-peer-metadata` (replacing any the app sent) and the
 * response's are read into `info.upstreamPeer` and stripped; inbound, the request's are read into
 * `info.downstreamPeer` and stripped, and the response gets this proxy's, each header only when
 * the request carried it (a client outside the mesh is told nothing). Undecodable values are
 * ignored; the header value is computed once per factory.
 */
import type { HeaderMap } from '../../core/http-stream-info.ts';
import type { Direction } from '../../core/stream-info.ts';
import { decodePeerMetadata, encodePeerMetadata, type PeerIdentity } from '../../stats/peer-metadata.ts';
import type { HttpFilter, HttpFilterFactory } from './http-filter.ts';

export const PEER_METADATA_ID = 'x-envoy-peer-metadata-id';
export const PEER_METADATA = 'x-envoy-peer-metadata';

export interface MetadataExchangeOptions {
  readonly direction: Direction;
  readonly local: PeerIdentity;
}

const single = (h: HeaderMap, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

function strip(h: HeaderMap): void {
  delete h[PEER_METADATA_ID];
  delete h[PEER_METADATA];
}

export function metadataExchange(o: MetadataExchangeOptions): HttpFilterFactory {
  const id = o.local.nodeId;
  const value = encodePeerMetadata(o.local);
  const name = 'istio.metadata_exchange';
  if (o.direction === 'outbound') {
    const filter: HttpFilter = {
      name,
      decodeHeaders(headers) {
        headers[PEER_METADATA_ID] = id;
        headers[PEER_METADATA] = value;
        return 'continue';
      },
      encodeHeaders(_status, headers, cb) {
        const peer = decodePeerMetadata(single(headers, PEER_METADATA));
        if (peer) cb.info.upstreamPeer = peer.metadata;
        strip(headers);
      },
    };
    return { name, create: () => filter } satisfies HttpFilterFactory;
  }
  return {
    name,
    create(): HttpFilter {
      let sentId = false;
      let sentValue = false;
      return {
        name,
        decodeHeaders(headers, cb) {
          sentId = headers[PEER_METADATA_ID] !== undefined;
          const raw = single(headers, PEER_METADATA);
          sentValue = raw !== undefined;
          const peer = decodePeerMetadata(raw);
          if (peer) cb.info.downstreamPeer = peer.metadata;
          strip(headers);
          return 'continue';
        },
        encodeHeaders(_status, headers) {
          strip(headers);
          if (sentId) headers[PEER_METADATA_ID] = id;
          if (sentValue) headers[PEER_METADATA] = value;
        },
      };
    },
  } satisfies HttpFilterFactory;
}
