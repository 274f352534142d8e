// @xport/provider-sdk/testing — test kits for provider authors (vitest).
export {};
