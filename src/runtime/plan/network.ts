/**
 * The network as commands, before anything runs them (the applier in host/ does): the node
 * namespace with its bridge, the bridge address (the pod CIDR's first), the service CIDR routed
 * to the bridge (so that a ClusterIP without endpoints is rejected, not unroutable), forwarding
 * and bridge netfilter on inside it only; and per pod a namespace, a veth whose node end is on
 * the bridge (in hairpin mode, so a pod can reach itself through its service) and whose pod end
 * is eth0, the pod's address and its default route.
 */
import type { Command } from '../../interception/deps/dependencies.ts';
import type { Cidr } from './ipam.ts';
import { nthAddress } from './ipam.ts';
import { BRIDGE, POD_INTERFACE } from './names.ts';

export interface NodeNetwork {
  readonly netns: string;
  readonly bridge: string;
  readonly bridgeIp: string;
  readonly podCidr: Cidr;
  readonly serviceCidr: Cidr;
}

export interface PodNetwork {
  readonly netns: string;
  readonly veth: string;
  readonly ip: string;
}

const ip = (...args: string[]): Command => ({ bin: 'ip', args });
const inNs = (ns: string, ...argv: string[]): Command => ({ bin: 'ip', args: ['netns', 'exec', ns, ...argv] });

export function nodeNetwork(netns: string, podCidr: Cidr, serviceCidr: Cidr): NodeNetwork {
  return { netns, bridge: BRIDGE, bridgeIp: nthAddress(podCidr, 1), podCidr, serviceCidr };
}

export function nodeSetup(n: NodeNetwork): Command[] {
  return [
    ip('netns', 'add', n.netns),
    ip('-n', n.netns, 'link', 'set', 'lo', 'up'),
    ip('-n', n.netns, 'link', 'add', n.bridge, 'type', 'bridge'),
    ip('-n', n.netns, 'addr', 'add', `${n.bridgeIp}/${n.podCidr.bits}`, 'dev', n.bridge),
    ip('-n', n.netns, 'link', 'set', n.bridge, 'up'),
    ip('-n', n.netns, 'route', 'add', n.serviceCidr.text, 'dev', n.bridge),
    inNs(n.netns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'),
    inNs(n.netns, 'sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=1'),
  ];
}

export function podSetup(n: NodeNetwork, p: PodNetwork): Command[] {
  return [
    ip('netns', 'add', p.netns),
    ip('-n', p.netns, 'link', 'set', 'lo', 'up'),
    ip('-n', n.netns, 'link', 'add', p.veth, 'type', 'veth', 'peer', 'name', POD_INTERFACE, 'netns', p.netns),
    ip('-n', n.netns, 'link', 'set', p.veth, 'master', n.bridge),
    // A pod calling its own service is DNATed back to the port it came from (kubelet's hairpin-veth).
    ip('-n', n.netns, 'link', 'set', p.veth, 'type', 'bridge_slave', 'hairpin', 'on'),
    ip('-n', n.netns, 'link', 'set', p.veth, 'up'),
    ip('-n', p.netns, 'addr', 'add', `${p.ip}/${n.podCidr.bits}`, 'dev', POD_INTERFACE),
    ip('-n', p.netns, 'link', 'set', POD_INTERFACE, 'up'),
    ip('-n', p.netns, 'route', 'add', 'default', 'via', n.bridgeIp, 'dev', POD_INTERFACE),
  ];
}
