import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { clientConfig, sessionOptions } from '../src/connection.js';
import { TEST_PG_URL } from './test-database.js';

const settings = { schema: 'unused', poolSize: 1, connectionTimeoutMs: 5_000, queryTimeoutMs: 5_000, applicationName: 'xport-connection-test' };

describe('session options', () => {
  it('asks for generic plans, and keeps the options a connection string carries, after ours so they win', () => {
    expect(sessionOptions('postgres://u@db.example:5432/mail')).toEqual({
      connectionString: 'postgres://u@db.example:5432/mail',
      options: '-c plan_cache_mode=force_generic_plan',
    });
    const given = sessionOptions('postgres://u@db.example:5432/mail?sslmode=disable&options=-c%20search_path%3Dmail');
    expect(given.options).toBe('-c plan_cache_mode=force_generic_plan -c search_path=mail');
    // Taken out of the string: the driver would let it replace the merged options.
    expect(new URL(given.connectionString).searchParams.get('options')).toBeNull();
    expect(new URL(given.connectionString).searchParams.get('sslmode')).toBe('disable');
  });

  it('reach the server: generic plans and the connection string\'s own setting, both in force', async () => {
    const client = new pg.Client(clientConfig({ ...settings, connectionString: `${TEST_PG_URL}?options=-c%20work_mem%3D7MB` }));
    await client.connect();
    try {
      const { rows: [plans] } = await client.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
      const { rows: [memory] } = await client.query<{ work_mem: string }>('SHOW work_mem');
      expect(plans?.plan_cache_mode).toBe('force_generic_plan');
      expect(memory?.work_mem).toBe('7MB');
    } finally {
      await client.end();
    }
  });
});
