// A trivial Milvus-protocol server for the benches (not Milvus), run as a child process (see server.mjs).
// Search is answered with one pre-encoded, valid reply of TOP_K hits without decoding the request, so the
// server costs as little as possible. Optional behaviours, set by the parent:
//   options.delay = { dist: 'uniform'|'lognormal'|'bimodal', seed }  each Search replies after a sampled delay
//   IPC { type: 'stall', ms }     Search calls arriving in the next `ms` are all answered when it ends, in arrival order
//   IPC { type: 'outage', ms }    Search calls arriving in the next `ms` fail at once with gRPC UNAVAILABLE
//   IPC { type: 'samples' }       → { type: 'samples', values } [arrival epoch ms, sampled delay ms] of each Search so far
//   IPC { type: 'usage' }         → { type: 'usage', cpuMs } CPU time used by this process
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import { sampler } from './distributions.mjs';
import { COLLECTION, DIM, TOP_K } from './fixture.mjs';

const require = createRequire(import.meta.url);
const protoJson = (name) => require(`@zilliz/milvus2-sdk-node/dist/milvus/proto-json/${name}`).default;
const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

const options = JSON.parse(process.argv[2] ?? '{}');
const definition = fromJSON(protoJson('milvus.js'), LOADER_OPTIONS);
const service = definition['milvus.proto.milvus.MilvusService'];
const OK = { error_code: 'Success', code: 0, reason: '' };
const encode = (method, reply) => service[method].responseSerialize(reply);

const ids = Array.from({ length: TOP_K }, (_, i) => String(i));
const schema = {
  name: COLLECTION,
  fields: [
    { fieldID: '100', name: 'id', is_primary_key: true, data_type: 'Int64', autoID: false, type_params: [] },
    { fieldID: '101', name: 'vector', is_primary_key: false, data_type: 'FloatVector', autoID: false, type_params: [{ key: 'dim', value: String(DIM) }] },
  ],
};
const replies = {
  Connect: encode('Connect', { status: OK, identifier: '1', server_info: { build_tags: 'bench server (not Milvus)' } }),
  GetVersion: encode('GetVersion', { status: OK, version: 'bench-server' }),
  CheckHealth: encode('CheckHealth', { status: OK, isHealthy: true }),
  DescribeCollection: encode('DescribeCollection', {
    status: OK, schema, collectionID: '1', collection_name: COLLECTION, shards_num: 1, consistency_level: 'Bounded', db_name: 'default',
  }),
  HasCollection: encode('HasCollection', { status: OK, value: true }),
  GetLoadState: encode('GetLoadState', { status: OK, state: 'LoadStateLoaded' }),
  Search: encode('Search', {
    status: OK,
    collection_name: COLLECTION,
    results: {
      num_queries: '1', top_k: String(TOP_K), ids: { int_id: { data: ids } }, scores: ids.map((_, i) => i / 10), topks: [String(TOP_K)],
      fields_data: [{ field_name: 'id', type: 'Int64', field_id: '100', scalars: { long_data: { data: ids } } }], output_fields: [], primary_field_name: 'id',
    },
  }),
};

const passthrough = (bytes) => bytes;
const sampleDelay = options.delay ? sampler(options.delay.dist, options.delay.seed ?? 1) : null;
const sampled = [];
let stallUntil = 0;
let held = [];
let outageUntil = 0;
const UNAVAILABLE = { code: grpc.status.UNAVAILABLE, details: 'bench server: outage' };

function answerSearch(callback) {
  const nowMs = Date.now();
  if (nowMs < outageUntil) return callback(UNAVAILABLE);
  // a hung server answers nothing until the stall ends, then everything in arrival order
  if (nowMs < stallUntil) return void held.push(callback);
  if (!sampleDelay) return callback(null, replies.Search);
  const delayMs = sampleDelay();
  sampled.push([nowMs, delayMs]);
  if (delayMs > 0) setTimeout(() => callback(null, replies.Search), delayMs);
  else callback(null, replies.Search);
}

const definitions = {};
const implementation = {};
for (const [method, spec] of Object.entries(service)) {
  definitions[method] = { ...spec, requestDeserialize: passthrough, responseSerialize: passthrough };
  implementation[method] = (call, callback) => {
    if (method === 'Search') return answerSearch(callback);
    const reply = replies[method];
    if (reply) return callback(null, reply);
    callback({ code: grpc.status.UNIMPLEMENTED, details: `bench server does not implement ${method}` });
  };
}

const server = new grpc.Server();
server.addService(definitions, implementation);
server.bindAsync(`127.0.0.1:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.send({ type: 'error', message: error.message });
    process.exit(1);
  }
  process.send({ type: 'listening', port });
});

process.on('message', (message) => {
  if (message.type === 'stall') {
    const fromMs = Date.now();
    stallUntil = fromMs + message.ms;
    process.send({ type: 'stalled', fromMs, toMs: stallUntil });
    setTimeout(() => {
      const releasing = held;
      held = [];
      for (const callback of releasing) callback(null, replies.Search);
      // releasedMs: when the last held reply was handed to gRPC (a big backlog takes the server a while)
      process.send({ type: 'stall-ended', fromMs, toMs: stallUntil, releasedMs: Date.now(), held: releasing.length });
    }, message.ms);
  } else if (message.type === 'outage') {
    const fromMs = Date.now();
    outageUntil = fromMs + message.ms;
    // the exact end, as the server saw it, is reported once it has passed
    setTimeout(() => process.send({ type: 'outage-ended', fromMs, toMs: outageUntil, endedMs: Date.now() }), message.ms);
  } else if (message.type === 'samples') {
    process.send({ type: 'samples', values: sampled });
  } else if (message.type === 'usage') {
    const usage = process.cpuUsage();
    process.send({ type: 'usage', cpuMs: (usage.user + usage.system) / 1000 });
  }
});
// the parent's death must not leave this server behind
process.on('disconnect', () => process.exit(0));
