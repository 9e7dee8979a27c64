// The library side of db-proxy, for other Node programs: request validation, configuration
// merging, and the naming and encoding rules of the pivot collections.
export { parseRequestText, parseRequestValue, type ParseResult } from './request/parse.js';
export { RequestSchema, type Request } from './request/schema.js';
export { DefaultsSchema, type Defaults } from './config/defaults-schema.js';
export { mergeConfig, type EffectiveConfig } from './config/effective.js';
export { loadReaderUrl } from './config/credentials.js';
export { collectionName } from './sync/naming.js';
export { encodePointId, decodePointId } from './sync/point-ids.js';
export type { PivotDocument } from './sync/types.js';
export { QueryError, type PivotQuery, type PivotRow, type PivotRows } from './query/pivot-rows.js';
export { openPivotReader, queryPivot, type PivotReader } from './query/reader.js';
export { streamPivotRows, resolvePivotQuery, type ResolvedQuery } from './query/stream.js';
export { formatPivotRows, formatPivotStream, type PivotFormat } from './query/format.js';
export { HeartbeatSchema, type Heartbeat, type HealthStatus } from './health/heartbeat.js';
