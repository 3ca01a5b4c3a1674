/**
 * The supervisor: kubelet, CNI and kube-proxy of the one-host mesh in one detached process.
 * It makes the node namespace, applies manifests (plan first, then record in mesh.json, then
 * create), runs every pod, keeps endpoints, registry and service rules in step, and takes it
 * all down again.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../core/log.ts';
import { runCommands } from '../host/commands.ts';
import { writeInPlace } from '../host/files.ts';
import { ETC_NETNS, teardownMesh } from '../host/teardown.ts';
import type { SourceDocument } from '../manifest/document.ts';
import { writeIstioConfig } from '../istio/istio-config.ts';
import { writeSecrets } from '../istio/secrets.ts';
import { DISCOVERY_ADDRESS, ISTIOD_NAMESPACE, istiodDocuments } from '../istio/istiod.ts';
import { exposeIngress, type IngressExposure } from '../istio/ingress-exposure.ts';
import { egressGatewayDocuments } from '../istio/egress-gateway.ts';
import { INGRESS_HTTP_TARGET_PORT, INGRESS_HTTPS_TARGET_PORT, INGRESS_LABELS, ingressGatewayDocuments } from '../istio/ingress-gateway.ts';
import { decodeManifests } from '../manifest/decode.ts';
import { objectRef } from '../model/objects.ts';
import { planApply, type ApplyPlan, type PlannedPodPlacement } from '../plan/apply-plan.ts';
import { hostsFile, resolvConf } from '../plan/hosts.ts';
import { BRIDGE, nodeNetns } from '../plan/names.ts';
import { nodeNetwork, nodeSetup, podSetup, type NodeNetwork } from '../plan/network.ts';
import { podLogDir, statePaths, type StatePaths } from '../state/paths.ts';
import { recordOwned, writeMeshRecord, type MeshRecord } from '../state/mesh-record.ts';
import type { SupervisorOptions } from './options.ts';
import { PodRuntime } from './pod-runtime.ts';
import { stamp, Store } from './store.ts';
import { Syncer } from './sync.ts';

export interface ApplyOutcome {
  readonly results: readonly string[];
  readonly warnings: readonly string[];
  readonly waitFor: readonly string[];
  readonly images: readonly string[];
}

export class Supervisor {
  readonly opts: SupervisorOptions;
  readonly paths: StatePaths;
  readonly node: NodeNetwork;
  readonly store = new Store();
  readonly log: Logger;
  readonly record: MeshRecord;
  readonly sync: Syncer;
  private queue: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private ingress: IngressExposure | undefined;
  private ingressHttps: IngressExposure | undefined;

  constructor(opts: SupervisorOptions, log: Logger = createLogger()) {
    this.opts = opts;
    this.log = log;
    this.paths = statePaths(opts.stateDir);
    this.node = nodeNetwork(nodeNetns(opts.meshId), opts.podCidr, opts.serviceCidr);
    this.record = {
      id: opts.meshId, supervisorPid: process.pid, nodeNetns: this.node.netns, bridge: BRIDGE, bridgeIp: this.node.bridgeIp,
      podCidr: opts.podCidr.text, serviceCidr: opts.serviceCidr.text, apiSocket: this.paths.api, createdAt: stamp(),
      namespaces: [], links: [], files: [], stateDir: opts.stateDir, createdStateDir: opts.createdStateDir,
    };
    this.sync = new Syncer({
      services: () => this.store.serviceViews(),
      podViews: () => this.store.podViews(),
      hostsTargets: () => [...this.store.pods.values()].filter((p) => p.sandboxReady).map((p) => ({
        path: join(ETC_NETNS, p.address.netns, 'hosts'), namespace: p.planned.metadata.namespace, name: p.planned.metadata.name, ip: p.address.ip,
      })),
    }, this.paths.registry, this.node.netns, log);
  }

  /** Makes the node namespace and writes the first registry. */
  async start(): Promise<void> {
    mkdirSync(this.opts.stateDir, { recursive: true });
    // The sidecars (uid 1337) read registry.json from here.
    chmodSync(this.opts.stateDir, 0o755);
    writeMeshRecord(this.paths.mesh, this.record);
    recordOwned(this.paths.mesh, this.record, { namespaces: [this.node.netns], files: [this.paths.registry, this.paths.pods, this.paths.istioConfig] });
    await runCommands(nodeSetup(this.node));
    await this.sync.schedule();
    if (this.opts.controlPlane) {
      mkdirSync(this.paths.istioConfig, { recursive: true, mode: 0o755 });
      this.applyNow([...istiodDocuments({
        cliCommand: this.opts.cliCommand, registryPath: this.paths.registry, configDir: this.paths.istioConfig,
        outboundTrafficPolicy: this.opts.outboundTrafficPolicy,
      }), ...ingressGatewayDocuments({ cliCommand: this.opts.cliCommand }),
      ...(this.opts.egressGateway ? egressGatewayDocuments({ cliCommand: this.opts.cliCommand }) : [])]);
      this.ingress = await exposeIngress({
        port: this.opts.ingressPort ?? 0, targetPort: INGRESS_HTTP_TARGET_PORT, gatewayNetns: () => this.ingressGatewayNetns(), log: this.log,
      });
      this.ingressHttps = await exposeIngress({
        port: 0, targetPort: INGRESS_HTTPS_TARGET_PORT, scheme: 'https', gatewayNetns: () => this.ingressGatewayNetns(), log: this.log,
      });
      this.record.ingressGateway = this.ingress.url;
      this.record.ingressGatewayHttps = this.ingressHttps.url;
      writeMeshRecord(this.paths.mesh, this.record);
      this.log.info(`ingress gateway: ${this.ingress.url} -> ${ISTIOD_NAMESPACE}/istio-ingressgateway:${INGRESS_HTTP_TARGET_PORT}`);
      this.log.info(`ingress gateway: ${this.ingressHttps.url} -> ${ISTIOD_NAMESPACE}/istio-ingressgateway:${INGRESS_HTTPS_TARGET_PORT}`);
    }
    this.log.info(`mesh ${this.opts.meshId}: node namespace ${this.node.netns}, bridge ${BRIDGE} ${this.node.bridgeIp}, pods ${this.opts.podCidr.text}, services ${this.opts.serviceCidr.text}`);
  }

  /** The ingress gateway's host address, when it is exposed. */
  ingressAddress(): { ip: string; port: number } | undefined {
    return this.ingress ? { ip: '127.0.0.1', port: this.ingress.port } : undefined;
  }

  /** The network namespace of an ingress gateway pod: a ready one, else any running one. */
  private ingressGatewayNetns(): string | undefined {
    const pods = [...this.store.pods.values()].filter((p) => p.planned.metadata.namespace === ISTIOD_NAMESPACE
      && Object.entries(INGRESS_LABELS).every(([k, v]) => p.planned.metadata.labels[k] === v) && p.sandboxReady);
    return (pods.find((p) => p.ready) ?? pods[0])?.address.netns;
  }

  /** Applies documents; one apply at a time. Throws (changing nothing) when they are invalid. */
  apply(docs: readonly SourceDocument[]): Promise<ApplyOutcome> {
    const next = this.queue.then(() => this.applyNow(docs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private applyNow(docs: readonly SourceDocument[]): ApplyOutcome {
    if (this.stopping) throw new Error('the mesh is shutting down');
    const set = decodeManifests(docs, {
      namespaces: [...this.store.namespaces.keys()],
      serviceAccounts: [...this.store.serviceAccounts],
    });
    const plan = planApply(set, this.store.snapshot(), {
      meshId: this.opts.meshId, podCidr: this.opts.podCidr, serviceCidr: this.opts.serviceCidr, random: Math.random,
      sidecar: {
        sidecarCommand: this.opts.sidecarCommand, cliCommand: this.opts.cliCommand,
        registryPath: this.paths.registry, outboundTrafficPolicy: this.opts.outboundTrafficPolicy,
        ...(this.opts.controlPlane ? { discoveryAddress: DISCOVERY_ADDRESS } : {}),
      },
    });
    recordOwned(this.paths.mesh, this.record, {
      namespaces: plan.pods.map((p) => p.netns),
      links: plan.pods.map((p) => `${this.node.netns}/${p.veth}`),
      files: plan.pods.map((p) => join(ETC_NETNS, p.netns)),
    });
    this.commit(plan);
    const istioResults = [...writeSecrets(this.paths.istioConfig, set.secrets), ...writeIstioConfig(this.paths.istioConfig, set.istio)];
    for (const w of plan.warnings) this.log.warn(w);
    const images = [...new Set([...set.pods.flatMap((p) => p.spec.containers), ...set.deployments.flatMap((d) => d.spec.template.spec.containers)]
      .map((c) => c.image).filter((i) => i !== ''))];
    return { results: [...plan.results, ...istioResults], warnings: plan.warnings, waitFor: plan.waitFor, images };
  }

  private commit(plan: ApplyPlan): void {
    const remember = (kind: string, obj: { metadata: { name: string; namespace: string } }): void => {
      this.store.objects.set(objectRef(kind, obj.metadata), JSON.stringify(obj));
    };
    for (const obj of plan.created) remember(obj.kind, obj);
    for (const n of plan.namespaces) this.store.namespaces.set(n.metadata.name, { labels: n.metadata.labels, createdAt: stamp() });
    for (const s of plan.serviceAccounts) this.store.serviceAccounts.add(`${s.metadata.namespace}/${s.metadata.name}`);
    for (const v of plan.services) {
      this.store.services.set(`${v.service.metadata.namespace}/${v.service.metadata.name}`, { view: v, createdAt: stamp() });
    }
    for (const d of plan.deployments) this.store.deployments.set(`${d.deployment.metadata.namespace}/${d.deployment.metadata.name}`, [...d.pods]);
    for (const placement of plan.pods) this.startPod(placement);
    void this.sync.schedule();
  }

  private startPod(p: PlannedPodPlacement): void {
    const { metadata: m, spec } = p.planned;
    const pod = new PodRuntime(p.planned, { netns: p.netns, veth: p.veth, ip: p.ip }, {
      namespace: m.namespace, podName: m.name, nodeNetns: this.node.netns, podNetns: p.netns, podIP: p.ip,
      logDir: podLogDir(this.paths, m.namespace, m.name), restartPolicy: spec.restartPolicy, backoffBaseMs: this.opts.backoffBaseMs,
      terminationGraceMs: spec.terminationGracePeriodSeconds * 1000, log: this.log, changed: () => void this.sync.schedule(),
      facts: {
        name: m.name, namespace: m.namespace, uid: `${this.opts.meshId}-${m.namespace}-${m.name}`, podIP: p.ip, serviceAccountName: spec.serviceAccountName,
        nodeName: this.node.netns, hostIP: this.node.bridgeIp, labels: m.labels, annotations: m.annotations,
      },
    });
    this.store.pods.set(pod.key, pod);
    void pod.run(async () => {
      const dir = join(ETC_NETNS, p.netns);
      writeInPlace(join(dir, 'hosts'), hostsFile({ namespace: m.namespace, name: m.name, ip: p.ip }, this.store.serviceViews()));
      writeInPlace(join(dir, 'resolv.conf'), resolvConf(m.namespace));
      mkdirSync(podLogDir(this.paths, m.namespace, m.name), { recursive: true });
      await runCommands(podSetup(this.node, { netns: p.netns, veth: p.veth, ip: p.ip }));
    });
  }

  /** Stops every pod (SIGTERM, then SIGKILL after `graceMs` at most) and removes everything. */
  down(graceMs: number): Promise<void> {
    this.stopping ??= (async () => {
      this.ingress?.close();
      this.ingressHttps?.close();
      const pods = [...this.store.pods.values()];
      await Promise.all(pods.map((p) => p.stop(Math.min(graceMs, p.planned.spec.terminationGracePeriodSeconds * 1000))));
      await teardownMesh({
        meshId: this.opts.meshId, stateDir: this.opts.stateDir, record: { ...this.record, supervisorPid: -1 },
        stateFiles: [this.paths.mesh, this.paths.registry, this.paths.pods, this.paths.istioConfig, this.paths.supervisorLog, this.paths.api],
      });
      this.log.info(`mesh ${this.opts.meshId} is down`);
    })();
    return this.stopping;
  }
}
