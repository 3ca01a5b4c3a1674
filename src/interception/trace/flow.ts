/**
 * The packet as it is while it moves through the tables: NAT rewrites its destination (and the
 * route its out-interface), MARK and CONNMARK change the marks, CT sets the conntrack zone.
 * Matches read this view, never the packet as given.
 */
import type { Packet } from './packet.ts';

export interface Flow {
  readonly packet: Packet;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  inInterface: string | undefined;
  outInterface: string | undefined;
  mark: number;
  connmark: number;
  zone: number | undefined;
  /** A CT or NOTRACK target already attached a conntrack template; later ones do nothing. */
  ctTemplate: boolean;
}

export function newFlow(packet: Packet): Flow {
  return {
    packet,
    src: packet.src,
    dst: packet.dst,
    sport: packet.sport,
    dport: packet.dport,
    inInterface: packet.inInterface,
    outInterface: packet.outInterface,
    mark: packet.mark,
    connmark: packet.connmark,
    zone: undefined,
    ctTemplate: false,
  };
}
