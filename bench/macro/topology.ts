/**
 * The benchmark's node, as `mizzen up` lays one out: a node namespace holding bridge br0
 * (10.252.0.1/24, bridge-nf-call-iptables on, forwarding on), a client pod and a server pod
 * (10.252.0.2 and .3, eth0 on the bridge, default route via the node), and kube-proxy's part:
 * nat PREROUTING DNATs the Service's ClusterIP to the server pod, for traffic that reaches the
 * node without a sidecar having picked the endpoint. Nothing touches the host's namespace.
 */
import { Netns } from './netns.ts';

export const SUBNET = '10.252.0';
export const CLUSTER_IP = '10.97.0.10';
/** The Service's ports: nginx HTTP/1.1 (`http`), nginx h2c with prior knowledge (`http2`), the gRPC app (`grpc`), iperf3 (`tcp-iperf`). */
export const PORTS = { http: 80, h2c: 8081, grpc: 50051, iperf: 5201 } as const;

export interface Topology {
  readonly node: Netns;
  readonly client: Netns;
  readonly server: Netns;
  readonly clientIp: string;
  readonly serverIp: string;
  readonly clusterIp: string;
  /** The node namespace's address on the bridge (the pods' default gateway). */
  readonly nodeIp: string;
  destroy(): void;
}

export function buildTopology(): Topology {
  const node = new Netns('node');
  const client = new Netns('client');
  const server = new Netns('server');
  node.exec(['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  node.exec(['ip', 'link', 'add', 'br0', 'type', 'bridge']);
  node.exec(['ip', 'addr', 'add', `${SUBNET}.1/24`, 'dev', 'br0']);
  node.exec(['ip', 'link', 'set', 'br0', 'up']);
  // As the runtime does: bridged replies pass conntrack, so the DNAT is undone for them.
  node.tryExec(['sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=1']);
  const pods: [Netns, string][] = [[client, `${SUBNET}.2`], [server, `${SUBNET}.3`]];
  pods.forEach(([pod, ip], i) => {
    const nodeIf = `vb${i}`;
    node.exec(['ip', 'link', 'add', nodeIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod.name]);
    node.exec(['ip', 'link', 'set', nodeIf, 'master', 'br0']);
    node.exec(['ip', 'link', 'set', nodeIf, 'up']);
    pod.exec(['ip', 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    pod.exec(['ip', 'link', 'set', 'eth0', 'up']);
    pod.exec(['ip', 'route', 'add', 'default', 'via', `${SUBNET}.1`]);
  });
  const serverIp = `${SUBNET}.3`;
  node.exec(['iptables', '-t', 'nat', '-A', 'PREROUTING', '-d', `${CLUSTER_IP}/32`, '-p', 'tcp', '-j', 'DNAT', '--to-destination', serverIp]);
  return {
    node, client, server, clientIp: `${SUBNET}.2`, serverIp, clusterIp: CLUSTER_IP, nodeIp: `${SUBNET}.1`,
    destroy() {
      for (const ns of [client, server, node]) ns.destroy();
    },
  };
}
