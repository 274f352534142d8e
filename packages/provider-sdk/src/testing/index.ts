// @xport/provider-sdk/testing — test kits for provider authors (vitest).

// Store conformance
export { describeStoreConformance } from './store-conformance.js';
export type { StoreFactory } from './store-conformance.js';

// Fixtures
export { makeEnvelope, makeSubmitRequest, makeReceiveRequest, generateBytes, hashStream, readText } from './store-fixtures.js';
export type { FixtureRecipient } from './store-fixtures.js';
