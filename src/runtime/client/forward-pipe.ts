/**
 * The child half of port-forward, started inside the pod's network namespace for one
 * connection: connects to 127.0.0.1:PORT there and copies stdin to the socket and the socket to
 * stdout, passing half-closes through. Run as: node forward-pipe.ts HOST PORT.
 */
import { connect } from 'node:net';

const [host = '127.0.0.1', portText = ''] = process.argv.slice(2);
const socket = connect({ host, port: Number(portText) });
socket.on('connect', () => {
  process.stdin.pipe(socket);
  socket.pipe(process.stdout);
});
socket.on('error', (err) => {
  process.stderr.write(`error forwarding port ${portText} to pod: ${err.message}\n`);
  process.exit(1);
});
socket.on('close', () => process.exit(0));
