/**
 * LDS for sidecars (wildcard): virtualOutbound, virtualInbound, and the outbound listeners of
 * every visible service port.
 */
import { TypeUrls } from '../../../core/xds/type-urls.ts';
import { inboundPorts } from '../../model/inbound-ports.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import { filterNames, type Generator, type XdsResource } from '../generator.ts';
import { outboundListeners } from './outbound-listeners.ts';
import { virtualInbound, virtualOutbound } from './virtual-listeners.ts';

export function generateSidecarListeners(proxy: Proxy, push: PushContext, names?: readonly string[]): XdsResource[] {
  const listeners = [
    virtualOutbound(push.sidecarScope(proxy).outboundTrafficPolicy),
    virtualInbound(inboundPorts(proxy, push), push.mesh.protocolDetectionTimeout),
    ...outboundListeners(proxy, push),
  ];
  return filterNames(listeners.map((l) => ({ name: String(l['name']), resource: l })), names);
}

export const ldsGenerator = { typeUrl: TypeUrls.listener, generate: generateSidecarListeners } satisfies Generator;
