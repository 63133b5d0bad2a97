// The wire scan the worker uses to judge replies must agree with a full protobuf decode.
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeSearchReply } from '../../src/load/protocol.js';
import { scanQueryReply, scanSearchReply } from '../../src/load/reply-scan.js';

const require = createRequire(import.meta.url);
const root = protobuf.Root.fromJSON((require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus.js') as { default: protobuf.INamespace }).default);
const SearchResults = root.lookupType('milvus.proto.milvus.SearchResults');
const QueryResults = root.lookupType('milvus.proto.milvus.QueryResults');

const searchReply = (body: Record<string, unknown>) => Buffer.from(SearchResults.encode(SearchResults.fromObject(body)).finish());

const hits = (topks: number[]) => ({
  num_queries: topks.length,
  top_k: 10,
  topks,
  scores: topks.flatMap((k) => Array.from({ length: k }, (_, i) => i / 10)),
  ids: { int_id: { data: topks.flatMap((k) => Array.from({ length: k }, (_, i) => 1000 + i)) } },
  fields_data: [{ field_name: 'id', type: 5, scalars: { long_data: { data: topks.flatMap((k) => Array.from({ length: k }, (_, i) => 1000 + i)) } } }],
});

describe('reply wire scan', () => {
  const cases: [string, Buffer][] = [
    ['success, nq 1', searchReply({ status: { error_code: 0, code: 0 }, results: hits([10]), collection_name: 'c' })],
    ['success, nq 3 with a short query', searchReply({ status: {}, results: hits([10, 4, 0]) })],
    ['large topK values', searchReply({ results: hits([300, 16384]) })],
    ['no status at all', searchReply({ results: hits([2]) })],
    ['error_code set', searchReply({ status: { error_code: 1, reason: 'boom' } })],
    ['code set', searchReply({ status: { code: 503, reason: 'no available shard delegator' }, results: hits([]) })],
    ['empty message', Buffer.alloc(0)],
  ];
  for (const [name, bytes] of cases) {
    it(`search: ${name}`, () => {
      const full = decodeSearchReply(bytes, 'id', false);
      expect(scanSearchReply(bytes)).toEqual({ success: full.success, topks: full.topks });
    });
  }

  it('query: status only', () => {
    const ok = Buffer.from(QueryResults.encode(QueryResults.fromObject({ status: {}, fields_data: [{ field_name: 'count(*)', scalars: { long_data: { data: [5] } } }] })).finish());
    const failed = Buffer.from(QueryResults.encode(QueryResults.fromObject({ status: { code: 100, reason: 'collection not found' } })).finish());
    expect(scanQueryReply(ok)).toEqual({ success: true, topks: [] });
    expect(scanQueryReply(failed).success).toBe(false);
  });
});
