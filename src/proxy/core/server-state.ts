/**
 * The server's lifecycle, as Envoy's `server.state` reports it. Readiness (15021, 15020 and the
 * admin `/ready`) is derived from it: LIVE once listeners are up and the initial config has
 * arrived (the registry file, or the first complete xDS set), DRAINING from the first
 * termination signal on. It never goes back to not ready when the config source goes away.
 */

export const ServerStates = { Live: 0, Draining: 1, PreInitializing: 2, Initializing: 3 } as const;
export type ServerState = (typeof ServerStates)[keyof typeof ServerStates];

const names: Record<ServerState, string> = { 0: 'LIVE', 1: 'DRAINING', 2: 'PRE_INITIALIZING', 3: 'INITIALIZING' };

export class ServerStatus {
  private state: ServerState = ServerStates.PreInitializing;
  private listenersUp = false;
  private configLoaded = false;
  private readonly waitingFor: string;
  readonly startedAt = Date.now();

  /** `waitingFor`: the not-ready reason until the config has loaded. */
  constructor(waitingFor = 'the service registry has not been loaded') {
    this.waitingFor = waitingFor;
  }

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
    if (!this.configLoaded) return this.waitingFor;
    return undefined;
  }

  markInitializing(): void {
    if (this.state === ServerStates.PreInitializing) this.state = ServerStates.Initializing;
  }

  markListenersUp(): void {
    this.listenersUp = true;
    this.promote();
  }

  markConfigLoaded(): void {
    this.configLoaded = true;
    this.promote();
  }

  markDraining(): void {
    this.state = ServerStates.Draining;
  }

  private promote(): void {
    if (this.state !== ServerStates.Draining && this.listenersUp && this.configLoaded) this.state = ServerStates.Live;
  }
}
