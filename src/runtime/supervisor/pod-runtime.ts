/**
 * One pod's life, as the kubelet drives it: create the sandbox (its namespace and veth), run the
 * init containers one by one (istio-init first when injected), then the containers; with
 * holdApplicationUntilProxyStarts the sidecar starts first and the apps wait until
 * 127.0.0.1:15021/healthz/ready answers 200 inside the pod. Phase and readiness follow the
 * containers, as Kubernetes computes them.
 */
import type { PlannedPod } from '../model/planned-pod.ts';
import { httpCheck } from '../host/prober.ts';
import { ContainerRuntime } from './container-runtime.ts';
import type { PodContext } from './pod-context.ts';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface PodAddress {
  readonly netns: string;
  readonly veth: string;
  readonly ip: string;
}

const PROXY_WAIT_MS = 60_000;

export class PodRuntime {
  readonly planned: PlannedPod;
  readonly address: PodAddress;
  readonly createdAt: string;
  readonly init: ContainerRuntime[];
  readonly containers: ContainerRuntime[];
  startTime: string | undefined;
  initialized = false;
  sandboxReady = false;
  terminating = false;
  failure: { reason: string; message: string } | undefined;
  private readonly ctx: PodContext;
  private readonly done = new Set<string>();

  constructor(planned: PlannedPod, address: PodAddress, ctx: PodContext) {
    this.planned = planned;
    this.address = address;
    this.ctx = ctx;
    this.createdAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.init = planned.initContainers.map((c) => new ContainerRuntime(ctx, c));
    this.containers = planned.containers.map((c) => new ContainerRuntime(ctx, c));
  }

  get key(): string {
    return `${this.planned.metadata.namespace}/${this.planned.metadata.name}`;
  }

  /** Runs the pod; `sandbox` makes its network first. Never throws: failures become status. */
  async run(sandbox: () => Promise<void>): Promise<void> {
    try {
      await sandbox();
      this.sandboxReady = true;
      this.startTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    } catch (err) {
      this.failure = { reason: 'FailedCreatePodSandBox', message: (err as Error).message };
      this.ctx.log.error(`pod ${this.key}: ${this.failure.message}`);
      this.ctx.changed();
      return;
    }
    for (const c of this.containers) c.setWaiting('PodInitializing');
    for (const c of this.init) {
      if (this.terminating) return;
      const exit = await c.run(true);
      if (!exit || exit.code !== 0) {
        if (exit) this.failure = { reason: 'Init:Error', message: `init container ${c.name} exited with code ${exit.code}` };
        this.ctx.changed();
        return;
      }
    }
    this.initialized = true;
    for (const c of this.containers) c.setWaiting('ContainerCreating');
    const sidecar = this.containers.find((c) => c.planned.role === 'sidecar');
    if (sidecar && this.planned.holdApplicationUntilProxyStarts) {
      this.runContainer(sidecar);
      const ready = await this.waitForProxy();
      if (!ready && !this.terminating) {
        for (const c of this.containers.filter((x) => x !== sidecar)) {
          c.setWaiting('ContainerCreating', 'istio-proxy did not become ready in 60s (127.0.0.1:15021/healthz/ready); still waiting');
        }
        while (!this.terminating && !(await this.proxyReady())) await new Promise((r) => setTimeout(r, 1000));
      }
      for (const c of this.containers) if (c !== sidecar && !this.terminating) this.runContainer(c);
    } else {
      for (const c of this.containers) this.runContainer(c);
    }
  }

  private runContainer(c: ContainerRuntime): void {
    void c.run(false).then(() => {
      this.done.add(c.name);
      this.ctx.changed();
    });
  }

  private async proxyReady(): Promise<boolean> {
    const r = await httpCheck(this.address.netns, 'http://127.0.0.1:15021/healthz/ready', 1);
    return r.ok;
  }

  /** pilot-agent wait: poll the sidecar's readiness from inside the pod. */
  private async waitForProxy(): Promise<boolean> {
    const end = Date.now() + PROXY_WAIT_MS;
    while (Date.now() < end && !this.terminating) {
      if (await this.proxyReady()) return true;
      await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  }

  get phase(): PodPhase {
    if (this.failure) return 'Failed';
    if (!this.initialized) return 'Pending';
    if (this.containers.every((c) => this.done.has(c.name))) {
      const ok = this.containers.every((c) => c.status.state.kind === 'terminated' && c.status.state.exitCode === 0);
      return ok ? 'Succeeded' : 'Failed';
    }
    const started = this.containers.some((c) => c.status.state.kind !== 'waiting' || c.status.restartCount > 0);
    return started ? 'Running' : 'Pending';
  }

  get ready(): boolean {
    return this.phase === 'Running' && !this.terminating && this.containers.every((c) => c.status.ready);
  }

  /** Stops every container at once (SIGTERM, SIGKILL after the grace period). */
  async stop(graceMs: number): Promise<void> {
    this.terminating = true;
    this.ctx.changed();
    await Promise.all([...this.init, ...this.containers].map((c) => c.stop(graceMs)));
  }
}
