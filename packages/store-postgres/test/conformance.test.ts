import { describeStoreConformance } from '@xport/provider-sdk/testing';
import { createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, dropSchema, freshSchema } from './test-database.js';

describeStoreConformance('@xport/store-postgres', async () => {
  const schema = freshSchema();
  return { store: createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 8 }), cleanup: () => dropSchema(schema) };
});
