// Load stage: Piscina workers run open/closed-loop phases against Milvus with pre-encoded requests.
export { runLoad, defaultWorkerCount } from './run-load.js';
export type { LoadPlan, LoadHooks, LoadOutcome, LoadCollection, RecallQuery } from './types.js';
export { intendedOffsetMs, scheduledRequests, shareOf } from './schedule.js';
export { MilvusChannel, classifyGrpcError, authorizationFor } from './channel.js';
export type { ChannelTarget } from './channel.js';
export { encodeSearchRequest, encodeQueryRequest, decodeSearchReply, decodeDescribeCollection, describeCollectionRequest } from './protocol.js';
export type { CollectionInfo, SearchTarget } from './protocol.js';
