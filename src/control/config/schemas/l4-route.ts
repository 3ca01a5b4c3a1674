/** Schemas for TCPRoute and TLSRoute (L4 matches, SNI hosts, weighted destinations). */
import { array, object } from '../schema/composites.ts';
import { dnsLabelProblem, isIPAddress, wildcardHostProblem } from '../schema/names.ts';
import { int, port, str } from '../schema/scalars.ts';
import type { L4MatchAttributes, RouteDestination, TCPRoute, TLSMatchAttributes, TLSRoute } from '../types/l4-route.ts';
import { cidr, destination, gatewayName, labels } from './common.ts';
import { checkWeights } from './weights.ts';

export const routeDestination = object<RouteDestination>('RouteDestination', {
  destination, weight: int({ min: 0, max: 100, what: 'a weight' }),
}, { required: ['destination'] });

const l4Match = object<L4MatchAttributes>('L4MatchAttributes', {
  destinationSubnets: array(cidr()), port: port(), sourceLabels: labels(), gateways: array(gatewayName),
  sourceNamespace: str({ check: dnsLabelProblem }),
});

const sniHost = str({
  check: (h, r, path) => {
    if (!isIPAddress(h)) return wildcardHostProblem(h);
    r.warn(path, h, 'using an IP address goes against SNI spec and most clients do not support this');
    return undefined;
  },
});

const tlsMatch = object<TLSMatchAttributes>('TLSMatchAttributes', {
  sniHosts: array(sniHost, { nonEmpty: true }), destinationSubnets: array(cidr()), port: port(), sourceLabels: labels(),
  gateways: array(gatewayName), sourceNamespace: str({ check: dnsLabelProblem }),
}, { required: ['sniHosts'] });

export const tcpRoute = object<TCPRoute>('TCPRoute', { match: array(l4Match), route: array(routeDestination, { nonEmpty: true }) }, {
  required: ['route'],
  rules: [(v, path, r) => checkWeights(v.route, [...path, 'route'], r)],
});

export const tlsRoute = object<TLSRoute>('TLSRoute', {
  match: array(tlsMatch, { nonEmpty: true }), route: array(routeDestination, { nonEmpty: true }),
}, {
  required: ['match', 'route'],
  rules: [(v, path, r) => checkWeights(v.route, [...path, 'route'], r)],
});
