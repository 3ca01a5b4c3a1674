/** Destination, PortSelector and Percent: where a route sends traffic, shared by every route kind. */

export interface PortSelector {
  readonly number?: number;
}

export interface Destination {
  /** A service host from the registry: short name ("reviews"), FQDN, or ServiceEntry host. */
  readonly host: string;
  /** A subset name a DestinationRule for the host defines. */
  readonly subset?: string;
  readonly port?: PortSelector;
}

/** A percentage in [0, 100], written `{ value: 50 }`. */
export interface Percent {
  readonly value?: number;
}
