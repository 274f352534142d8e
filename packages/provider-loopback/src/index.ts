// @xport/provider-loopback — a transport for address type `loopback` that delivers into the local inbox.

// Configuration
export type { LoopbackConfig } from './config.js';

// Run-time control (fault injection in tests)
export { loopbackControl } from './control.js';
export type { LoopbackControl } from './control.js';

// The transport, for embedding without the kernel's discovery
export { createLoopbackTransport } from './loopback-transport.js';
export type { LoopbackOptions } from './loopback-transport.js';
export { default as loopbackProvider } from './provider.js';
