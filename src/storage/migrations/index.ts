import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as foundation from './001-foundation.ts';
import * as journeys from './002-journeys.ts';
import * as segments from './003-segments.ts';
import * as journeyTriggers from './004-journey-triggers.ts';
import * as delivery from './005-delivery.ts';
import * as templates from './006-templates.ts';
import * as channels from './008-channels.ts';
import * as consoleSessions from './009-console-sessions.ts';

export interface MigrationContext {
  dialect: 'sqlite' | 'postgres';
}

type VersionedMigration = {
  up(db: Kysely<unknown>, context: MigrationContext): Promise<void>;
};

/** Every schema version in order; append, never edit a released one. */
const migrations: Record<string, VersionedMigration> = {
  '001-foundation': foundation,
  '002-journeys': journeys,
  '003-segments': segments,
  '004-journey-triggers': journeyTriggers,
  '005-delivery': delivery,
  '006-templates': templates,
  '008-channels': channels,
  '009-console-sessions': consoleSessions,
};

class ListedMigrations implements MigrationProvider {
  constructor(private readonly context: MigrationContext) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(migrations)) {
      out[name] = { up: (db) => migration.up(db, this.context) };
    }
    return out;
  }
}

/** Brings the schema to the newest version; fails loudly and leaves the failed step rolled back. */
export async function migrateToLatest(db: Kysely<unknown>, context: MigrationContext): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new ListedMigrations(context) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
