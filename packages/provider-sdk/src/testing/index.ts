// @xport/provider-sdk/testing — test kits for provider authors (vitest).

// Store conformance
export { describeStoreConformance } from './store-conformance.js';
export type { StoreFactory, StoreUnderTest, StoreConformanceOptions } from './store-conformance.js';
export type { RecordRewriter } from './store-cases/context.js';
export { UNDECODABLE_RECORDS, DECODABLE_RECORDS } from './record-samples.js';
export type { RecordSample } from './record-samples.js';

// Fixtures
export { makeEnvelope, makeSubmitRequest, makeReceiveRequest, generateBytes, hashStream, readText } from './store-fixtures.js';
export type { FixtureRecipient } from './store-fixtures.js';

// Transport conformance
export { describeTransportConformance } from './transport-conformance.js';
export type { TransportConformanceOptions, TransportConformanceSetup } from './transport-options.js';
export { checkTransportManifest } from './transport-manifest.js';

// Hook conformance
export { describeHookConformance } from './hook-conformance.js';
export type { HookConformanceOptions, HookConformanceSetup, HookSample, OutboundHookSample, InboundHookSample, ExpectedVerdict } from './hook-options.js';
export { checkHookManifest } from './hook-manifest.js';
export { makeOutboundHookInput } from './hook-samples.js';
export type { ManifestCheck } from './manifest-check.js';

// Test kernel harness
export { createTestKernel } from './test-kernel.js';
export type { TestKernelOptions, TestKernel, RecordedOutcome } from './test-kernel.js';
export type { TestKernelHandle, TestStatusRow, TestSubmitReceipt, TestSpoolerEvent, TestDiscoveredProvider, KernelModules } from './test-kernel-modules.js';
export type { FixturePackage, ProviderPackageInfo } from './test-kernel-app.js';
export { createLogCollector } from './test-kernel-logs.js';
export type { LogCollector, CollectedLogLine } from './test-kernel-logs.js';
export { waitUntil } from './test-kernel-wait.js';

// Message fixtures
export { makeMessageInput, makeOutboundMessage } from './message-fixtures.js';
export type { FixturePart, FixtureOutbound } from './message-fixtures.js';
