import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The local PostgreSQL server the tests use (trust auth); override with GODWIT_TEST_PG_URL. */
const SERVER_URL = process.env.GODWIT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database with a random name for one test run. Close every store on it
 * before calling drop(); drop() also forces out any connection left behind.
 */
export async function createTestPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `godwit_test_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
