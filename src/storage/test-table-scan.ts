import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../shared/config.ts';
import { sqliteFile } from './open-store.ts';

/** Which database to read: the embedded file, or a PostgreSQL URL. */
export type ScanTarget = { sqliteFile: string } | { postgresUrl: string };

export interface TableRows {
  table: string;
  /** Every row, every column, as one line of text. */
  rows: string[];
}

/**
 * Reads every row of every table as text, without going through the Store port, so a test can
 * prove that a value is nowhere in the database (not just absent from what the API shows).
 */
export async function readAllTables(target: ScanTarget): Promise<TableRows[]> {
  return 'sqliteFile' in target ? readSqlite(target.sqliteFile) : readPostgres(target.postgresUrl);
}

function readSqlite(file: string): TableRows[] {
  // Read-only, alongside a server that may hold the file open (WAL readers never block it).
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare(`select name from sqlite_master where type = 'table' order by name`).all() as {
      name: string;
    }[];
    return tables.map(({ name }) => {
      const rows = db
        .prepare(`select * from "${name.replace(/"/g, '""')}"`)
        .raw()
        .all() as unknown[][];
      return { table: name, rows: rows.map((row) => row.map(cellText).join('\u0001')) };
    });
  } finally {
    db.close();
  }
}

async function readPostgres(url: string): Promise<TableRows[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `select table_name as name from information_schema.tables
       where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    );
    const out: TableRows[] = [];
    for (const { name } of tables.rows) {
      // A row cast to text holds every column, whatever its type.
      const result = await client.query<{ row: string }>(
        `select t::text as row from public."${name.replace(/"/g, '""')}" t`,
      );
      out.push({ table: name, rows: result.rows.map((r) => r.row) });
    }
    return out;
  } finally {
    await client.end();
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

export interface Sighting {
  needle: string;
  table: string;
  row: string;
}

/** Every place (table and row) where one of the needles occurs, compared case-insensitively. */
export async function findInAllTables(target: ScanTarget, needles: readonly string[]): Promise<Sighting[]> {
  const tables = await readAllTables(target);
  const sightings: Sighting[] = [];
  for (const { table, rows } of tables) {
    for (const row of rows) {
      const lower = row.toLowerCase();
      for (const needle of needles) {
        if (lower.includes(needle.toLowerCase())) sightings.push({ needle, table, row });
      }
    }
  }
  return sightings;
}

/** The scan target of a running Godwit's store, from its configuration. */
export function scanTargetOf(config: Pick<Config, 'DATABASE_URL' | 'GODWIT_DATA_DIR'>): ScanTarget {
  return config.DATABASE_URL
    ? { postgresUrl: config.DATABASE_URL }
    : { sqliteFile: sqliteFile(config.GODWIT_DATA_DIR) };
}
