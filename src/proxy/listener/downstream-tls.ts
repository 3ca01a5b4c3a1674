/**
 * Terminating TLS on an accepted connection, for a filter chain with a DownstreamTlsContext:
 * the paused socket (its ClientHello possibly already read by tls_inspector and put back) is
 * wrapped in a server TLSSocket with the chain's certificates, ALPN and client certificate
 * policy. Only after the handshake is the connection handed on (to tcp_proxy or the HTTP
 * connection manager), with the ALPN protocol the handshake chose replacing what the client
 * offered. A failed handshake (no or an unverified client certificate, a bad ClientHello) or one
 * that does not finish in time closes the connection.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { DownstreamTlsConfig } from '../filter-chain/filter-chain-config.ts';
import type { ChainDecision } from './chain-decision.ts';

/** How long a client has to finish the handshake (Envoy's transport_socket_connect_timeout). */
const HANDSHAKE_TIMEOUT_MS = 15_000;

export function terminateDownstreamTls(socket: Socket, tls: DownstreamTlsConfig, onSecure: (s: TLSSocket) => void, onFailure: (err: Error) => void): void {
  const secure = new TLSSocket(socket, {
    isServer: true,
    secureContext: tls.secureContext,
    ...(tls.alpnProtocols.length > 0 ? { ALPNProtocols: [...tls.alpnProtocols] } : {}),
    requestCert: tls.verifyClient || tls.requireClientCertificate,
    rejectUnauthorized: tls.requireClientCertificate,
  });
  let done = false;
  const fail = (err: Error): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    secure.destroy();
    socket.destroy();
    onFailure(err);
  };
  const timer = setTimeout(() => fail(new Error('TLS handshake timed out')), HANDSHAKE_TIMEOUT_MS);
  timer.unref();
  secure.on('error', fail);
  socket.once('close', () => fail(new Error('connection closed during the TLS handshake')));
  secure.once('secure', () => {
    if (done) return;
    // OpenSSL accepts any client certificate and leaves the verdict to the caller (tls.Server reads
    // it from the handle, as here): one the CA does not verify is refused. None at all was already
    // refused in the handshake when it is required.
    const verifyError = tls.verifyClient ? clientVerifyError(secure) : undefined;
    if (verifyError) {
      fail(new Error(`client certificate not verified: ${verifyError}`));
      return;
    }
    done = true;
    clearTimeout(timer);
    secure.off('error', fail);
    secure.on('error', () => {}); // the session installs its own handlers; never let one escape
    // tls.Server clears this on its sockets once secure; node:http2 otherwise waits for 'secureConnect'.
    (secure as unknown as { secureConnecting: boolean }).secureConnecting = false;
    onSecure(secure);
  });
}

/** The client certificate's verification error, if a certificate was presented and did not verify. */
function clientVerifyError(secure: TLSSocket): string | undefined {
  if (Object.keys(secure.getPeerCertificate()).length === 0) return undefined;
  const handle = (secure as unknown as { _handle?: { verifyError?: () => Error | null } })._handle;
  if (typeof handle?.verifyError !== 'function') return 'the TLS handle cannot report the verification result';
  const err = handle.verifyError();
  return err ? ((err as NodeJS.ErrnoException).code ?? err.message) : undefined;
}

/** The decision for the decrypted connection: HTTP sees the ALPN protocol the handshake chose. */
export function afterHandshake(d: ChainDecision, secure: TLSSocket): ChainDecision {
  if (d.kind !== 'http') return d;
  const alpn = typeof secure.alpnProtocol === 'string' ? [secure.alpnProtocol] : [];
  return { ...d, inspection: { ...d.inspection, applicationProtocols: alpn } };
}
