// The target stage: connect to Milvus, set up the collection, generate and ingest data, verify integrity and recall.
export type { ConnectOptions, ParsedAddress, TargetConnection } from './connect.js';
export { connectTarget, FAST_RECONNECT_CHANNEL_OPTIONS, parseAddress, redactAddress } from './connect.js';
export type { TargetOrigin } from './describe.js';
export { describeTarget } from './describe.js';
export type { IngestProgress } from './ingest.js';
export type { PreparedCollection, PrepareHooks } from './prepare.js';
export { prepareCollection } from './prepare.js';
export type { ExactNeighbours, TopK } from './neighbours.js';
export { exactNeighbours, exactTopK, recallOf, scanArray } from './neighbours.js';
export { makeQueryVectors } from './queries.js';
export { countRows, verifyIntegrity } from './verify.js';
export { fillVectorRows, vectorRows } from './vectors.js';
export { PK_FIELD, VECTOR_FIELD } from './rows.js';
export { checkVectorFile, readVectorFileLayout } from './vector-files.js';
export type { PromBucket, PromExposition, PromMetricType, PromSample } from './prometheus-text.js';
export { histogramQuantile, parsePrometheusText } from './prometheus-text.js';
export type { ServerMetricNames, ServerMetricsEndpoint, ServerMetricsScraper, ServerMetricsScraperOptions } from './server-metrics.js';
export { createServerMetricsScraper, KNOWN_SERVER_METRICS, serverMetricsEndpoints } from './server-metrics.js';
