/**
 * What the ADS stream tells its owner (xds-source.ts): a stream opened (time to subscribe), the
 * control plane answered, a response arrived, the stream was lost (a new one follows after the
 * back-off).
 */
import type { DiscoveryResponse } from '../../core/xds/ads-service.ts';

export interface AdsStreamHandler {
  opened(): void;
  connected(): void;
  response(r: DiscoveryResponse): void;
  lost(reason: string): void;
}
