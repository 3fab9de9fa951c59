// Runs one call of the SPIFFE Workload API with @grpc/grpc-js (an independent gRPC implementation) and the SPIFFE
// specification's workloadapi.proto, against the endpoint named by SPIFFE_ENDPOINT_SOCKET (unix:///path, as every
// SPIFFE client falls back to it), and prints one JSON line: {"ok":true,...} or {"ok":false,"code":N,"details":"..."}.
// Usage: SPIFFE_ENDPOINT_SOCKET=unix:///path node client.mjs '{"op":"x509"}'
//   op: x509 (the first FetchX509SVID message; DER fields as base64), x509Bundles, jwtBundles (the first message of
//   each stream), jwt (FetchJWTSVID for audience: [...], spiffeId optional), validate (ValidateJWTSVID of svid for
//   audience); header: false leaves out the workload.spiffe.io security header.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const command = JSON.parse(process.argv[2]);
const here = path.dirname(fileURLToPath(import.meta.url));
const proto = path.join(here, '..', '..', '..', 'src', 'Mandate.Server', 'WorkloadApi', 'SpiffeEndpoint', 'workloadapi.proto');
const definition = protoLoader.loadSync(proto, { keepCase: true, longs: String, defaults: true, oneofs: true });
const { SpiffeWorkloadAPI } = grpc.loadPackageDefinition(definition);

// SPIFFE Workload Endpoint §4: unix:///absolute/path; grpc-js takes the same URI form.
const endpoint = process.env.SPIFFE_ENDPOINT_SOCKET;
if (!endpoint || !endpoint.startsWith('unix:///')) {
  throw new Error('set SPIFFE_ENDPOINT_SOCKET to unix:///<absolute path of the socket>');
}

const client = new SpiffeWorkloadAPI(endpoint, grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
if (command.header !== false) {
  metadata.set('workload.spiffe.io', 'true');
}

const deadline = () => ({ deadline: Date.now() + 30_000 });
const b64 = (bytes) => Buffer.from(bytes).toString('base64');

function unary(method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata, deadline(), (error, answer) => (error ? reject(error) : resolve(answer)));
  });
}

function first(method) {
  return new Promise((resolve, reject) => {
    const call = client[method]({}, metadata, deadline());
    call.on('data', (message) => { resolve(message); call.cancel(); });
    call.on('error', (error) => { if (error.code !== grpc.status.CANCELLED) reject(error); });
    call.on('end', () => reject(new Error('the stream ended without a message')));
  });
}

const bundles = (map) => Object.fromEntries(Object.entries(map).map(([domain, bytes]) => [domain, b64(bytes)]));

async function run() {
  switch (command.op) {
    case 'x509': {
      const answer = await first('FetchX509SVID');
      return { svids: answer.svids.map((s) => ({ spiffeId: s.spiffe_id, chain: b64(s.x509_svid), key: b64(s.x509_svid_key), bundle: b64(s.bundle) })) };
    }
    case 'x509Bundles':
      return { bundles: bundles((await first('FetchX509Bundles')).bundles) };
    case 'jwtBundles':
      return { bundles: Object.fromEntries(Object.entries((await first('FetchJWTBundles')).bundles).map(([d, b]) => [d, Buffer.from(b).toString('utf8')])) };
    case 'jwt': {
      const answer = await unary('FetchJWTSVID', { audience: command.audience, spiffe_id: command.spiffeId ?? '' });
      return { svids: answer.svids.map((s) => ({ spiffeId: s.spiffe_id, svid: s.svid })) };
    }
    case 'validate': {
      const answer = await unary('ValidateJWTSVID', { audience: command.audience, svid: command.svid });
      return { spiffeId: answer.spiffe_id, claims: grpcStruct(answer.claims) };
    }
    default:
      throw new Error(`unknown op ${command.op}`);
  }
}

// google.protobuf.Struct as proto-loader decodes it ({fields: {name: {kind, <kind>: value}}}) back to plain JSON.
function grpcStruct(struct) {
  const value = (v) => {
    switch (v.kind) {
      case 'structValue': return grpcStruct(v.structValue);
      case 'listValue': return v.listValue.values.map(value);
      case 'nullValue': return null;
      default: return v[v.kind];
    }
  };
  return Object.fromEntries(Object.entries(struct?.fields ?? {}).map(([k, v]) => [k, value(v)]));
}

try {
  console.log(JSON.stringify({ ok: true, ...(await run()) }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, code: error.code ?? null, details: error.details ?? error.message }));
} finally {
  client.close();
}
