/**
 * What a request handler needs from the DiscoveryServer: the logger, the pusher, the current
 * push context, and admission of a new connection (the proxy read from its first request).
 */
import type { Logger } from '../../../core/log.ts';
import { TypeUrls } from '../../../core/xds/type-urls.ts';
import type { NodeInfo } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Connection } from './connection.ts';
import type { Pusher } from './pusher.ts';

export interface StreamContext {
  readonly log: Logger;
  readonly pusher: Pusher;
  pushContext(): PushContext;
  /** Binds the proxy of a new connection; false (and the stream closed) when the node has no id. */
  admit(conn: Connection, node: NodeInfo | undefined): boolean;
  /** Whether the proxy's flavour has a generator for the type. */
  serves(conn: Connection, typeUrl: string): boolean;
}

/** LDS and CDS subscriptions with no names on the first request are wildcards. */
export const isWildcardType = (typeUrl: string): boolean => typeUrl === TypeUrls.listener || typeUrl === TypeUrls.cluster;
