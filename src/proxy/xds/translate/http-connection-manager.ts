/**
 * envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager ->
 * HttpConnectionManagerRoute: the stat prefix, where its routes come from (RDS over ADS by
 * name, or an inline route_config) and its settings (codec, header handling, server header,
 * upgrades, timeouts, the HTTP filters before the router, which must come last).
 */
import type { HttpConnectionManagerRoute } from '../../filter-chain/filter-chain-config.ts';
import { defaultHcmSettings, type HcmSettings } from '../../filters/network/http-connection-manager/hcm-settings.ts';
import { bool, durationMs, list, obj, oneOf, str, typeName, uint, type At, type Obj } from './fields.ts';
import { translateRouteConfiguration } from './route-configuration.ts';

export const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'envoy.filters.http.router';
const ROUTER_TYPE = 'envoy.extensions.filters.http.router.v3.Router';

function settings(h: Obj, at: At, filters: readonly string[]): HcmSettings {
  const d = defaultHcmSettings;
  const common = h['commonHttpProtocolOptions'] === undefined ? {} : obj(h['commonHttpProtocolOptions'], at.field('commonHttpProtocolOptions'));
  const upgrades = list(h['upgradeConfigs'], at.field('upgradeConfigs')).map((u, i) => {
    const uc = obj(u, at.field('upgradeConfigs').index(i));
    return str(uc['upgradeType'], at.field('upgradeConfigs').index(i).field('upgradeType'), true).toLowerCase();
  });
  return Object.freeze({
    codecType: oneOf(h['codecType'], at.field('codecType'), ['AUTO', 'HTTP1', 'HTTP2'] as const, d.codecType),
    useRemoteAddress: bool(h['useRemoteAddress'], d.useRemoteAddress),
    xffNumTrustedHops: uint(h['xffNumTrustedHops'], at.field('xffNumTrustedHops'), d.xffNumTrustedHops),
    generateRequestId: bool(h['generateRequestId'], d.generateRequestId),
    preserveExternalRequestId: bool(h['preserveExternalRequestId'], d.preserveExternalRequestId),
    serverName: h['serverName'] === undefined ? d.serverName : str(h['serverName'], at.field('serverName')),
    serverHeaderTransformation: oneOf(h['serverHeaderTransformation'], at.field('serverHeaderTransformation'), ['OVERWRITE', 'APPEND_IF_ABSENT', 'PASS_THROUGH'] as const, d.serverHeaderTransformation),
    upgradeTypes: Object.freeze(upgrades),
    streamIdleTimeoutMs: durationMs(h['streamIdleTimeout'], at.field('streamIdleTimeout'), d.streamIdleTimeoutMs),
    requestTimeoutMs: durationMs(h['requestTimeout'], at.field('requestTimeout'), d.requestTimeoutMs),
    idleTimeoutMs: durationMs(common['idleTimeout'], at.field('commonHttpProtocolOptions.idleTimeout'), d.idleTimeoutMs),
    httpFilters: Object.freeze(filters),
  });
}

export function translateHttpConnectionManager(v: unknown, at: At): HttpConnectionManagerRoute {
  const h = obj(v, at);
  const statPrefix = str(h['statPrefix'], at.field('statPrefix'), true);
  const filters = list(h['httpFilters'], at.field('httpFilters')).map((f, i) => obj(f, at.field('httpFilters').index(i)));
  const last = filters[filters.length - 1];
  if (last && last['name'] !== ROUTER && typeName(last['typedConfig']) !== ROUTER_TYPE) {
    at.field('httpFilters').index(filters.length - 1).fail(`the last HTTP filter must be ${ROUTER}, not ${JSON.stringify(last['name'])}`);
  }
  const names = filters.slice(0, -1).map((f, i) => str(f['name'], at.field('httpFilters').index(i).field('name'), true));
  if (h['scopedRoutes'] !== undefined) at.field('scopedRoutes').fail('scoped routes are not supported');
  const s = settings(h, at, names);
  if (h['rds'] !== undefined) {
    const rds = obj(h['rds'], at.field('rds'));
    if (obj(rds['configSource'], at.field('rds.configSource'))['ads'] === undefined) at.field('rds.configSource').fail('only ADS is supported as the RDS config source ({"ads": {}})');
    return { kind: 'http_connection_manager', statPrefix, rds: str(rds['routeConfigName'], at.field('rds.routeConfigName'), true), routeConfig: undefined, settings: s };
  }
  if (h['routeConfig'] !== undefined) return { kind: 'http_connection_manager', statPrefix, rds: undefined, routeConfig: translateRouteConfiguration(h['routeConfig'], at.field('routeConfig')), settings: s };
  return at.fail('needs rds or routeConfig');
}
