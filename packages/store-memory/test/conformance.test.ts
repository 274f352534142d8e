import { readFileSync } from 'node:fs';
import { describeStoreConformance } from '@xport/provider-sdk/testing';
import { createMemoryStore } from '../src/index.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).xport;

// Nothing encoded, nothing kept across a close: no record rewriter, no reopen.
describeStoreConformance('@xport/store-memory', async () => ({ store: createMemoryStore() }), { manifest });
