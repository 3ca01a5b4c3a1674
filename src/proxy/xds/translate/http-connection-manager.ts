/**
 * envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager ->
 * HttpConnectionManagerRoute: the stat prefix and where its routes come from (RDS over ADS by
 * name, or an inline route_config). The HTTP filter chain must end with the router.
 */
import type { HttpConnectionManagerRoute } from '../../filter-chain/filter-chain-config.ts';
import { list, obj, str, typeName, type At } from './fields.ts';
import { translateRouteConfiguration } from './route-configuration.ts';

export const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'envoy.filters.http.router';
const ROUTER_TYPE = 'envoy.extensions.filters.http.router.v3.Router';

export function translateHttpConnectionManager(v: unknown, at: At): HttpConnectionManagerRoute {
  const h = obj(v, at);
  const statPrefix = str(h['statPrefix'], at.field('statPrefix'), true);
  const filters = list(h['httpFilters'], at.field('httpFilters'));
  const last = filters.length === 0 ? undefined : obj(filters[filters.length - 1], at.field('httpFilters').index(filters.length - 1));
  if (last && last['name'] !== ROUTER && typeName(last['typedConfig']) !== ROUTER_TYPE) {
    at.field('httpFilters').index(filters.length - 1).fail(`the last HTTP filter must be ${ROUTER}, not ${JSON.stringify(last['name'])}`);
  }
  if (h['scopedRoutes'] !== undefined) at.field('scopedRoutes').fail('scoped routes are not supported');
  if (h['rds'] !== undefined) {
    const rds = obj(h['rds'], at.field('rds'));
    if (obj(rds['configSource'], at.field('rds.configSource'))['ads'] === undefined) at.field('rds.configSource').fail('only ADS is supported as the RDS config source ({"ads": {}})');
    return { kind: 'http_connection_manager', statPrefix, rds: str(rds['routeConfigName'], at.field('rds.routeConfigName'), true), routeConfig: undefined };
  }
  if (h['routeConfig'] !== undefined) return { kind: 'http_connection_manager', statPrefix, rds: undefined, routeConfig: translateRouteConfiguration(h['routeConfig'], at.field('routeConfig')) };
  return at.fail('needs rds or routeConfig');
}
