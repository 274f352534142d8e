import { readFileSync } from 'node:fs';
import { describeStoreConformance } from '@xport/provider-sdk/testing';
import { createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, adminQuery, dropSchema, freshSchema } from './test-database.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).xport;

describeStoreConformance(
  '@xport/store-postgres',
  async () => {
    const schema = freshSchema();
    const create = () => createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 8 });
    return {
      store: create(),
      cleanup: () => dropSchema(schema),
      // Through a connection of its own, as a damaged or foreign write would.
      rewriteRecord: async (messageId, field, value) => {
        await adminQuery(`UPDATE "${schema}".messages SET ${field === 'envelope' ? 'envelope' : 'parts'} = $1::jsonb WHERE id = $2`, [JSON.stringify(value), messageId]);
      },
      reopen: create,
    };
  },
  { manifest },
);
