// The Things Stack HTTP API v3 client: the public surface of src-main/stack.
export { StackClient, componentName, type ClientOptions, type CallOptions, type DeviceRead } from './client.js';
export { DeviceCreateError, writablePathsOf } from './device-writer.js';
export { StackError, type StackErrorKind } from './errors.js';
export { connectionTargetSchema, clusterHostOf, ttnCommunity, ttsCloud, type ConnectionTarget, type TtnRegion } from './connection.js';
export { streamEvents, type EventFilter, type EventStreamItem } from './events.js';
export { JsonStreamSplitter } from './json-stream.js';
export type { RequestObserver, ResponseInfo, RateLimitInfo } from './http.js';
export * from './schemas.js';
export { COMPONENTS, splitGetPaths, splitSetPaths, bodyFor, FieldMaskError, type Component } from './split.js';
export * from './paths.js';
