/** The shape of a benchmark run, as written to bench/results/<date>.json and latest.json. */
import type { BulkResult } from '../macro/bulk.ts';
import type { GrpcCheck } from '../macro/grpc-app.ts';
import type { SaturationResult } from '../macro/closed-loop.ts';
import type { RateResult } from '../macro/h2load.ts';
import type { ModeName } from '../macro/mode.ts';

export interface ProxyUsage {
  readonly side: 'client' | 'server';
  /** CPU seconds per 1000 requests (= vCPU at 1000 rps), by connection count. */
  readonly cpuPer1000: Readonly<Record<string, number>>;
  /** Peak RSS (VmHWM) over the fixed-rate points, and over the whole run (saturation and bulk too). */
  readonly peakRssAtRateBytes: number;
  readonly peakRssBytes: number;
}

export interface RatePoint extends RateResult {
  /** Both proxies' CPU seconds per 1000 requests, summed (the pair); per sidecar is half. */
  readonly pairCpuPer1000: number | null;
}

/** A process of the mode that is not a sidecar (Mizzen's control plane), over the whole measurement. */
export interface OtherProcessUsage {
  readonly name: string;
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
}

/** What the L7 sidecars recorded (Mizzen): access-log lines by protocol and istio_requests_total, per side. */
export interface L7Telemetry {
  readonly accessLogLines: Readonly<Record<'client' | 'server', Readonly<Record<string, number>>>>;
  readonly requestsTotal: Readonly<Record<'client' | 'server', number>>;
  /** istio_requests_total with grpc_response_status="0" (absent in older results). */
  readonly grpcOk?: Readonly<Record<'client' | 'server', number>>;
}

export interface ModeResult {
  readonly mode: ModeName;
  readonly label: string;
  readonly http1: readonly RatePoint[];
  readonly h2c: RatePoint | null;
  /** gRPC unary at the fixed rate (absent in older results). */
  readonly grpc?: RatePoint | null;
  /** What the real gRPC client saw before the load (grpc-app.ts check). */
  readonly grpcCheck?: GrpcCheck;
  readonly saturation: SaturationResult;
  readonly bulk: BulkResult;
  readonly proxies: readonly ProxyUsage[];
  readonly others?: readonly OtherProcessUsage[];
  readonly telemetry?: L7Telemetry;
}

export interface ControlPlaneResult {
  readonly services: number;
  readonly pods: number;
  readonly proxies: number;
  readonly debounceMs: { readonly after: number; readonly max: number };
  /** All proxies connected until every one has received and ACKed CDS, EDS, LDS and RDS. */
  readonly fullPushMs: number;
  readonly fullPushCpuSeconds: number;
  /** CPU seconds the simulated proxies (this process) used meanwhile, on the other CPU. */
  readonly harnessCpuSeconds: number;
  /** What one proxy received in the full push (resources, bytes on the wire as encoded). */
  readonly perProxy: { readonly clusters: number; readonly endpoints: number; readonly listeners: number; readonly routes: number; readonly bytes: number };
  /** registry.json rewritten (one endpoint changed) until every affected proxy has ACKed the EDS push. */
  readonly endpointChangeMs: number;
  readonly endpointChangeAffected: number;
  readonly endpointChangeBytesPerProxy: number;
  readonly memory: {
    readonly idleRssBytes: number;
    readonly idleHeapUsedBytes: number;
    readonly afterPushRssBytes: number;
    readonly afterPushHeapUsedBytes: number;
    readonly peakRssBytes: number;
  };
}

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly kernel: string;
  readonly node: string;
  readonly tools: Readonly<Record<string, string>>;
}

export interface Settings {
  readonly quick: boolean;
  readonly secondsPerPoint: number;
  readonly connections: readonly number[];
  readonly rps: number;
  readonly saturationConnections: number;
  readonly saturationSeconds: number;
  readonly bulkSeconds: number;
  readonly pinning: { readonly load: string; readonly proxies: string; readonly note: string };
  /** Extra node flags the Mizzen sidecars ran with (none in a standard run). */
  readonly sidecarNodeFlags: readonly string[];
  /** Extra environment the Mizzen sidecars ran with (none in a standard run; absent in older results). */
  readonly sidecarEnv?: Readonly<Record<string, string>>;
  readonly target: string;
}

export interface TargetCheck {
  readonly name: string;
  readonly pass: boolean;
  readonly measured: string;
  readonly limit: string;
  readonly margin: string;
}

export interface BenchResult {
  readonly date: string;
  readonly machine: Machine;
  readonly settings: Settings;
  readonly modes: readonly ModeResult[];
  readonly controlPlane: ControlPlaneResult | null;
  readonly targets: readonly TargetCheck[];
  /** The share of the machine's CPU busy in the 2 s before the run (other work shows here). */
  readonly busyBefore: number;
  readonly notes: readonly string[];
}
