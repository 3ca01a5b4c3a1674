/**
 * A gRPC service for the HTTP test mesh, on @grpc/grpc-js with JSON-encoded messages (gRPC's
 * framing does not care how a message is encoded): `mizzen.test.Echo/Say` (unary; a request
 * with `code` set fails with that status) and `Count` (server streaming, `n` messages).
 *   node grpc.ts serve PORT
 *   node grpc.ts say HOST:PORT TEXT [CODE]      -> one JSON line: {reply?, code, details, trailers}
 *   node grpc.ts count HOST:PORT N              -> one JSON line: {messages, code, trailers}
 */
import * as grpc from '@grpc/grpc-js';

interface Req { text?: string; code?: number; n?: number }
interface Res { text: string; i?: number }

const json = {
  serialize: (v: unknown): Buffer => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer): unknown => JSON.parse(b.toString()) as unknown,
};
const method = (name: string, responseStream: boolean) => ({
  path: `/mizzen.test.Echo/${name}`, requestStream: false, responseStream,
  requestSerialize: json.serialize, requestDeserialize: json.deserialize,
  responseSerialize: json.serialize, responseDeserialize: json.deserialize,
});
const service = { Say: method('Say', false), Count: method('Count', true) } as unknown as grpc.ServiceDefinition;

function serve(port: number): void {
  const server = new grpc.Server();
  server.addService(service, {
    Say: (call: grpc.ServerUnaryCall<Req, Res>, cb: grpc.sendUnaryData<Res>) => {
      const md = new grpc.Metadata();
      md.set('x-served-by', 'grpc-app');
      if (call.request.code) return cb({ code: call.request.code, details: `asked to fail with ${call.request.code}`, metadata: md });
      cb(null, { text: `you said ${call.request.text ?? ''}` }, md);
    },
    Count: (call: grpc.ServerWritableStream<Req, Res>) => {
      for (let i = 0; i < (call.request.n ?? 0); i++) call.write({ text: 'tick', i });
      const md = new grpc.Metadata();
      md.set('x-count', String(call.request.n ?? 0));
      call.end(md);
    },
  });
  server.bindAsync(`0.0.0.0:${port}`, grpc.ServerCredentials.createInsecure(), (err) => {
    if (err) throw err;
    console.log(`grpc listening on ${port}`);
  });
}

const Client = grpc.makeGenericClientConstructor(service, 'Echo');
type Generic = grpc.Client & Record<string, (...a: unknown[]) => unknown>;

async function main(): Promise<void> {
  const [cmd = '', target = '', arg = '', code = '0'] = process.argv.slice(2);
  if (cmd === 'serve') return serve(Number(target));
  const client = new Client(target, grpc.credentials.createInsecure()) as unknown as Generic;
  const deadline = Date.now() + 10_000;
  const result = await new Promise<Record<string, unknown>>((resolve) => {
    let trailers: Record<string, unknown> = {};
    if (cmd === 'say') {
      const call = client['Say']?.({ text: arg, code: Number(code) }, { deadline }, (err: grpc.ServiceError | null, res?: Res) =>
        setImmediate(() => resolve({ reply: res?.text, code: err?.code ?? 0, details: err?.details ?? '', trailers }))) as grpc.ClientUnaryCall;
      call.on('status', (s: grpc.StatusObject) => (trailers = s.metadata.getMap()));
    } else {
      const call = client['Count']?.({ n: Number(arg) }, { deadline }) as grpc.ClientReadableStream<Res>;
      let messages = 0;
      call.on('data', () => messages++);
      call.on('error', () => {});
      call.on('status', (s: grpc.StatusObject) => resolve({ messages, code: s.code, details: s.details, trailers: s.metadata.getMap() }));
    }
  });
  console.log(JSON.stringify(result));
  client.close();
}
await main();
