/**
 * The server's lifecycle, as Envoy's `server.state` reports it. Readiness (15021, 15020 and the
 * admin `/ready`) is derived from it: LIVE once listeners are up and the registry is loaded,
 * DRAINING from the first termination signal on.
 */

export const ServerStates = { Live: 0, Draining: 1, PreInitializing: 2, Initializing: 3 } as const;
export type ServerState = (typeof ServerStates)[keyof typeof ServerStates];

const names: Record<ServerState, string> = { 0: 'LIVE', 1: 'DRAINING', 2: 'PRE_INITIALIZING', 3: 'INITIALIZING' };

export class ServerStatus {
  private state: ServerState = ServerStates.PreInitializing;
  private listenersUp = false;
  private registryLoaded = false;
  readonly startedAt = Date.now();

  get current(): ServerState {
    return this.state;
  }

  get name(): string {
    return names[this.state];
  }

  get live(): boolean {
    return this.state === ServerStates.Live;
  }

  /** Why the proxy is not ready yet, or undefined when it is. */
  notReadyReason(): string | undefined {
    if (this.state === ServerStates.Draining) return 'server is draining';
    if (!this.listenersUp) return 'listeners are not up yet';
    if (!this.registryLoaded) return 'the service registry has not been loaded';
    return undefined;
  }

  markInitializing(): void {
    if (this.state === ServerStates.PreInitializing) this.state = ServerStates.Initializing;
  }

  markListenersUp(): void {
    this.listenersUp = true;
    this.promote();
  }

  markRegistryLoaded(): void {
    this.registryLoaded = true;
    this.promote();
  }

  markDraining(): void {
    this.state = ServerStates.Draining;
  }

  private promote(): void {
    if (this.state !== ServerStates.Draining && this.listenersUp && this.registryLoaded) this.state = ServerStates.Live;
  }
}
