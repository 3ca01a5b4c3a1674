/**
 * The gRPC app of the benchmark, a real @grpc/grpc-js server and client (nginx-light has no gRPC
 * module and cannot answer with grpc-status trailers itself). `node grpc-app.ts serve PORT` runs
 * in the server pod: unary /bench.Bench/Unary answers every call with a 1 KB message (bytes, no
 * protobuf decoding to spend CPU on), over h2c. `node grpc-app.ts check HOST:PORT` runs in the
 * client pod before the load: a few calls with the grpc-js client, printed as JSON (status code
 * from the trailers, response size), so each mode is shown to carry real gRPC successes. The
 * load itself is h2load (grpc-load.ts).
 */
import * as grpc from '@grpc/grpc-js';

export const GRPC_SERVICE = 'bench.Bench';
export const GRPC_PATH = `/${GRPC_SERVICE}/Unary`;
export const GRPC_MESSAGE_BYTES = 1024;

const raw = { serialize: (b: Buffer): Buffer => b, deserialize: (b: Buffer): Buffer => b };
const definition: grpc.ServiceDefinition = {
  Unary: { path: GRPC_PATH, requestStream: false, responseStream: false, requestSerialize: raw.serialize, requestDeserialize: raw.deserialize, responseSerialize: raw.serialize, responseDeserialize: raw.deserialize },
};

/** One gRPC message on the wire: compressed flag 0, 4-byte big-endian length, the bytes. */
export function grpcFrame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

export interface GrpcCheck { readonly calls: number; readonly ok: number; readonly codes: readonly number[]; readonly responseBytes: readonly number[] }

function serve(port: number): void {
  const reply = Buffer.alloc(GRPC_MESSAGE_BYTES, 'x');
  const server = new grpc.Server();
  server.addService(definition, { Unary: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => cb(null, reply) });
  server.bindAsync(`0.0.0.0:${port}`, grpc.ServerCredentials.createInsecure(), (err) => {
    if (err) {
      process.stderr.write(`grpc-app: ${err.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`serving ${GRPC_PATH} on ${port}\n`);
  });
  process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
}

async function check(target: string, calls: number): Promise<void> {
  const Client = grpc.makeGenericClientConstructor(definition, GRPC_SERVICE);
  const client = new Client(target, grpc.credentials.createInsecure()) as unknown as grpc.Client & { Unary(req: Buffer, opts: grpc.CallOptions, cb: grpc.requestCallback<Buffer>): void };
  const codes: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < calls; i++) {
    await new Promise<void>((resolve) => {
      client.Unary(Buffer.alloc(GRPC_MESSAGE_BYTES, 'q'), { deadline: Date.now() + 5000 }, (err, res) => {
        codes.push(err ? (err.code ?? -1) : grpc.status.OK);
        sizes.push(res?.length ?? 0);
        resolve();
      });
    });
  }
  client.close();
  const out: GrpcCheck = { calls, ok: codes.filter((c) => c === grpc.status.OK).length, codes, responseBytes: sizes };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (import.meta.main) {
  const [cmd, arg] = process.argv.slice(2);
  if (cmd === 'serve') serve(Number(arg));
  else if (cmd === 'check') await check(arg ?? '', 3);
  else {
    process.stderr.write('usage: grpc-app.ts serve PORT | check HOST:PORT\n');
    process.exitCode = 2;
  }
}
