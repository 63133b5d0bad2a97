// Reads only what judging a reply needs — the status codes and the hits per query — straight from the wire bytes.
// A full protobuf decode of SearchResults (fields_data, scores, ids) cost the worker more CPU per call than sending it.
import protobuf from 'protobufjs';

const LENGTH_DELIMITED = 2;
const VARINT = 0;
// field numbers from milvus.proto (SearchResults, QueryResults, common.Status, schema.SearchResultData)
const REPLY_STATUS = 1;
const SEARCH_RESULTS = 2;
const STATUS_ERROR_CODE = 1;
const STATUS_CODE = 3;
const RESULT_TOPKS = 6;

export interface ReplyGist {
  success: boolean;
  /** hits per query; empty for Query replies */
  topks: number[];
}

export function scanSearchReply(bytes: Uint8Array): ReplyGist {
  return scanReply(bytes, true);
}

export function scanQueryReply(bytes: Uint8Array): ReplyGist {
  return scanReply(bytes, false);
}

function scanReply(bytes: Uint8Array, withTopks: boolean): ReplyGist {
  const reader = protobuf.Reader.create(bytes);
  let success = true;
  const topks: number[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === REPLY_STATUS && wire === LENGTH_DELIMITED) success = scanStatus(reader, reader.uint32() + reader.pos);
    else if (withTopks && field === SEARCH_RESULTS && wire === LENGTH_DELIMITED) scanTopks(reader, reader.uint32() + reader.pos, topks);
    else reader.skipType(wire);
  }
  return { success, topks };
}

function scanStatus(reader: protobuf.Reader, end: number): boolean {
  let errorCode = 0;
  let code = 0;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === STATUS_ERROR_CODE && wire === VARINT) errorCode = reader.int32();
    else if (field === STATUS_CODE && wire === VARINT) code = reader.int32();
    else reader.skipType(wire);
  }
  return errorCode === 0 && code === 0;
}

function scanTopks(reader: protobuf.Reader, end: number, topks: number[]): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field !== RESULT_TOPKS) {
      reader.skipType(wire);
    } else if (wire === LENGTH_DELIMITED) {
      const packedEnd = reader.uint32() + reader.pos;
      // hits per query are far below 2^32, so the low 32 bits of the varint are the value
      while (reader.pos < packedEnd) topks.push(reader.uint32());
    } else {
      topks.push(reader.uint32());
    }
  }
}
