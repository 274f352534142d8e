import { describeStoreConformance } from '@xport/provider-sdk/testing';
import { createMemoryStore } from '../src/index.js';

describeStoreConformance('@xport/store-memory', async () => ({ store: createMemoryStore() }));
