/** The xDS resource type URLs (Envoy v3), and Istio's short names for them in proxy-status. */

export const TypeUrls = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  routeConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  clusterLoadAssignment: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;

export type TypeUrl = (typeof TypeUrls)[keyof typeof TypeUrls];

/** CDS, LDS, EDS, RDS as istioctl proxy-status names them (column order). */
export const shortNames: Readonly<Record<string, string>> = {
  [TypeUrls.cluster]: 'CDS',
  [TypeUrls.listener]: 'LDS',
  [TypeUrls.clusterLoadAssignment]: 'EDS',
  [TypeUrls.routeConfiguration]: 'RDS',
  [TypeUrls.secret]: 'SDS',
};

/** The order in which Envoy wants state-of-the-world pushes: CDS, EDS, LDS, RDS. */
export const pushOrder: readonly string[] = [TypeUrls.cluster, TypeUrls.clusterLoadAssignment, TypeUrls.listener, TypeUrls.routeConfiguration];
