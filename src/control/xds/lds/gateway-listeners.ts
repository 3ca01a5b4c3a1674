/**
 * LDS for gateways (proxy type router, Istio's buildGatewayListeners): one real listener per
 * port the merged Gateway servers listen on, `0.0.0.0_<port>` bound to 0.0.0.0:<port>
 * (bindToPort true: the gateway owns the socket; nothing intercepts). Plain-text HTTP servers
 * get one filter chain with the gateway's HTTP connection manager: routes by RDS
 * `http.<port>`, use_remote_address (the gateway is the edge: it appends the client address
 * to x-forwarded-for and decides x-envoy-internal), xff_num_trusted_hops from the gateway
 * topology, server name `istio-envoy`. HTTPS and TLS servers get filter chains by SNI with
 * tls_inspector (gateway-tls-chains.ts). TCP servers get one chain with tcp_proxy by the bound
 * VirtualServices' `tcp` routes (gateway-tcp-routes.ts), or no listener when none routes the port.
 */
import { TypeUrls } from '../../../core/xds/type-urls.ts';
import { gatewayRouteName, mergeGateways, type GatewayPort } from '../../model/gateways.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import { filterNames, type Generator, type Json, type XdsResource } from '../generator.ts';
import { ADS_CONFIG_SOURCE, ExtensionTypes, FilterNames } from '../type-config.ts';
import { gatewayTcpTarget } from './gateway-tcp-routes.ts';
import { gatewayTlsChains } from './gateway-tls-chains.ts';
import { tlsInspectorFilter } from './listener-filters.ts';
import { FAULT_FILTER, ROUTER_FILTER, tcpProxyFilter } from './network-filters.ts';

/** Istio's server header on responses from gateways. */
export const GATEWAY_SERVER_NAME = 'istio-envoy';

function objectOf(v: unknown): Record<string, unknown> | undefined {
  let o = v;
  if (typeof o === 'string') {
    try {
      o = JSON.parse(o);
    } catch {
      return undefined;
    }
  }
  return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
}

/** gatewayTopology.numTrustedProxies: the proxy's own ProxyConfig (PROXY_CONFIG metadata), else the mesh default, else 0. */
export function numTrustedProxies(proxy: Proxy, push: PushContext): number {
  const topology = objectOf(objectOf(proxy.metadata['PROXY_CONFIG'])?.['gatewayTopology']);
  const n = Number(topology?.['numTrustedProxies'] ?? push.mesh.gatewayTopology?.numTrustedProxies ?? 0);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export function gatewayHttpConnectionManager(port: number, trustedHops: number, routeName = gatewayRouteName(port)): Json {
  return {
    name: FilterNames.httpConnectionManager,
    typedConfig: {
      '@type': ExtensionTypes.httpConnectionManager,
      statPrefix: `outbound_0.0.0.0_${port}`,
      rds: { configSource: ADS_CONFIG_SOURCE, routeConfigName: routeName },
      httpFilters: [FAULT_FILTER, ROUTER_FILTER],
      normalizePath: true,
      useRemoteAddress: true,
      xffNumTrustedHops: trustedHops,
      serverName: GATEWAY_SERVER_NAME,
      generateRequestId: true,
      forwardClientCertDetails: 'SANITIZE_SET',
      upgradeConfigs: [{ upgradeType: 'websocket' }],
      streamIdleTimeout: '0s',
    },
  };
}

function gatewayListener(proxy: Proxy, push: PushContext, p: GatewayPort, trustedHops: number): Json | undefined {
  const name = `0.0.0.0_${p.port}`;
  if (p.protocol === 'HTTPS' || p.protocol === 'TLS') {
    const chains = gatewayTlsChains(proxy, push, p, (route) => gatewayHttpConnectionManager(p.port, trustedHops, route));
    if (chains.length === 0) return undefined;
    return {
      name,
      address: { socketAddress: { address: '0.0.0.0', portValue: p.port } },
      listenerFilters: [tlsInspectorFilter()],
      filterChains: chains,
      bindToPort: true,
      trafficDirection: 'OUTBOUND',
    };
  }
  if (p.protocol === 'TCP') {
    const server = p.servers.find((s) => gatewayTcpTarget(proxy, push, s) !== undefined);
    const target = server ? gatewayTcpTarget(proxy, push, server) : undefined;
    if (!target) {
      for (const s of p.servers) push.warn(`Gateway ${s.gateway} server ${s.server.port.name}: protocol ${s.server.port.protocol}: no VirtualService bound to the Gateway has a tcp route for port ${s.servicePort}`);
      return undefined;
    }
    return {
      name,
      address: { socketAddress: { address: '0.0.0.0', portValue: p.port } },
      filterChains: [{ filters: [tcpProxyFilter(target)] }],
      bindToPort: true,
      trafficDirection: 'OUTBOUND',
    };
  }
  if (p.protocol !== 'HTTP') return undefined;
  return {
    name,
    address: { socketAddress: { address: '0.0.0.0', portValue: p.port } },
    filterChains: [{ filters: [gatewayHttpConnectionManager(p.port, trustedHops)] }],
    bindToPort: true,
    trafficDirection: 'OUTBOUND',
  };
}

export function generateGatewayListeners(proxy: Proxy, push: PushContext, names?: readonly string[]): XdsResource[] {
  const hops = numTrustedProxies(proxy, push);
  const listeners = mergeGateways(proxy, push, push.gateways())
    .map((p) => gatewayListener(proxy, push, p, hops))
    .filter((l): l is Json => l !== undefined);
  return filterNames(listeners.map((l) => ({ name: String(l['name']), resource: l })), names);
}

export const gatewayLdsGenerator = { typeUrl: TypeUrls.listener, generate: generateGatewayListeners } satisfies Generator;
