/**
 * An experiment, not part of a standard run: preloaded into the Mizzen sidecars with
 * `--sidecar-node-flags "--import ./bench/macro/preload-nodelay.ts"`, it makes every
 * net.createServer accept sockets with TCP_NODELAY (noDelay: true), as Envoy sets it on
 * downstream connections, so the effect of that one change can be measured without editing src/.
 */
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

const original = net.createServer;
const patched = (options?: net.ServerOpts | ((socket: net.Socket) => void), listener?: (socket: net.Socket) => void): net.Server =>
  typeof options === 'function' ? original({ noDelay: true }, options) : original({ ...options, noDelay: true }, listener);
net.createServer = patched as typeof net.createServer;
syncBuiltinESMExports();
