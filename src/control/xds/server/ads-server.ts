/**
 * The ADS transport: a grpc-js server on the xDS port (15010 by default, plaintext as istiod's
 * 15010) serving envoy.service.discovery.v3.AggregatedDiscoveryService: state of the world
 * (StreamAggregatedResources) and delta (DeltaAggregatedResources), both to the DiscoveryServer.
 */
import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition } from '../../../core/xds/ads-service.ts';
import { ControlErrorCodes, ControlPlaneError } from '../errors.ts';
import type { AdsStream, DeltaStream } from './connection.ts';
import type { DiscoveryServer } from './discovery-server.ts';

export interface AdsServer {
  readonly port: number;
  /** Ends the streams (OK), then waits up to `graceMs` for calls to finish before forcing. */
  close(graceMs?: number): Promise<void>;
}

export async function startAdsServer(opts: { discovery: DiscoveryServer; host: string; port: number }): Promise<AdsServer> {
  const server = new grpc.Server({ 'grpc.keepalive_permit_without_calls': 1, 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  server.addService(adsServiceDefinition(), {
    StreamAggregatedResources: (call: AdsStream) => opts.discovery.handleStream(call),
    DeltaAggregatedResources: (call: DeltaStream) => opts.discovery.handleStream(call, 'delta'),
  });
  const address = opts.host.includes(':') ? `[${opts.host}]:${opts.port}` : `${opts.host}:${opts.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  }).catch((cause: unknown) => {
    server.forceShutdown();
    throw new ControlPlaneError(ControlErrorCodes.BindFailed, `xDS server cannot listen on ${address}: ${(cause as Error).message}`, { cause });
  });
  return {
    port,
    close: async (graceMs = 2000) => {
      opts.discovery.close();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
