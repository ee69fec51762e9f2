import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as foundation from './001-foundation.ts';
import * as journeys from './002-journeys.ts';
import * as segments from './003-segments.ts';
import * as journeyTriggers from './004-journey-triggers.ts';
import * as delivery from './005-delivery.ts';
import * as templates from './006-templates.ts';
import * as channels from './008-channels.ts';
import * as consoleSessions from './009-console-sessions.ts';
import * as suppressions from './010-suppressions.ts';
import * as decisioning from './011-decisioning.ts';
import * as overviewIndexes from './012-overview-indexes.ts';
import * as traitSearchIndex from './013-trait-search-index.ts';
import * as channelHealth from './014-channel-health.ts';

export interface MigrationContext {
  dialect: 'sqlite' | 'postgres';
}

export type VersionedMigration = {
  up(db: Kysely<unknown>, context: MigrationContext): Promise<void>;
};

/** Every schema version in order; append, never edit a released one. */
export const migrations: Record<string, VersionedMigration> = {
  '001-foundation': foundation,
  '002-journeys': journeys,
  '003-segments': segments,
  '004-journey-triggers': journeyTriggers,
  '005-delivery': delivery,
  '006-templates': templates,
  '008-channels': channels,
  '009-console-sessions': consoleSessions,
  '010-suppressions': suppressions,
  '011-decisioning': decisioning,
  '012-overview-indexes': overviewIndexes,
  '013-trait-search-index': traitSearchIndex,
  '014-channel-health': channelHealth,
};

class ListedMigrations implements MigrationProvider {
  constructor(
    private readonly context: MigrationContext,
    private readonly list: Record<string, VersionedMigration>,
  ) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(this.list)) {
      out[name] = { up: (db) => migration.up(db, this.context) };
    }
    return out;
  }
}

/** Brings the schema to the newest version; fails loudly and leaves the failed step rolled back. */
export async function migrateToLatest(
  db: Kysely<unknown>,
  context: MigrationContext,
  list: Record<string, VersionedMigration> = migrations,
): Promise<string[]> {
  // Numbers are taken by work in flight on other branches, so one may land after a higher one has run:
  // each migration runs once, whatever the order it arrives in.
  const migrator = new Migrator({ db, provider: new ListedMigrations(context, list), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
