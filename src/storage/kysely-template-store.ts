import type { Kysely } from 'kysely';
import type { TemplateRecord, TemplateStore, TemplateVersionRecord } from './template-store.ts';

/** The template tables; kept here rather than in schema.ts since only this store reads them. */
type TemplateTables = {
  templates: {
    workspace_id: string;
    id: string;
    name: string;
    latest_version: number;
    created_at: number;
    updated_at: number;
  };
  template_versions: {
    workspace_id: string;
    template_id: string;
    version: number;
    definition: string;
    created_at: number;
  };
};

type TemplateRow = TemplateTables['templates'];
type VersionRow = TemplateTables['template_versions'];

export class KyselyTemplateStore implements TemplateStore {
  private readonly db: Kysely<TemplateTables>;

  // biome-ignore lint/suspicious/noExplicitAny: any database that has run migration 006
  constructor(db: Kysely<any>) {
    this.db = db.withTables<TemplateTables>();
  }

  async saveTemplate(template: TemplateRecord, version: TemplateVersionRecord): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = {
        workspace_id: template.workspaceId,
        id: template.id,
        name: template.name,
        latest_version: template.latestVersion,
        created_at: template.createdAt,
        updated_at: template.updatedAt,
      };
      await trx
        .insertInto('templates')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'id']).doUpdateSet({
            name: row.name,
            latest_version: row.latest_version,
            updated_at: row.updated_at,
          }),
        )
        .execute();
      // An edit in place (same version) replaces the definition; a new version adds a row.
      await trx
        .insertInto('template_versions')
        .values({
          workspace_id: version.workspaceId,
          template_id: version.templateId,
          version: version.version,
          definition: JSON.stringify(version.definition),
          created_at: version.createdAt,
        })
        .onConflict((oc) =>
          oc
            .columns(['workspace_id', 'template_id', 'version'])
            .doUpdateSet({ definition: JSON.stringify(version.definition) }),
        )
        .execute();
    });
  }

  async getTemplate(workspaceId: string, id: string): Promise<TemplateRecord | undefined> {
    const row = await this.db
      .selectFrom('templates')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && templateFromRow(row);
  }

  async getTemplateVersion(
    workspaceId: string,
    id: string,
    version?: number,
  ): Promise<TemplateVersionRecord | undefined> {
    let query = this.db
      .selectFrom('template_versions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('template_id', '=', id);
    query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
    const row = await query.executeTakeFirst();
    return row && versionFromRow(row);
  }

  async listTemplateVersions(workspaceId: string, id: string): Promise<{ version: number; createdAt: number }[]> {
    const rows = await this.db
      .selectFrom('template_versions')
      .select(['version', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .where('template_id', '=', id)
      .orderBy('version')
      .execute();
    return rows.map((r) => ({ version: Number(r.version), createdAt: Number(r.created_at) }));
  }

  async listTemplates(workspaceId: string): Promise<TemplateRecord[]> {
    const rows = await this.db
      .selectFrom('templates')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute();
    return rows.map(templateFromRow);
  }

  async deleteTemplate(workspaceId: string, id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('template_versions')
        .where('workspace_id', '=', workspaceId)
        .where('template_id', '=', id)
        .execute();
      const result = await trx
        .deleteFrom('templates')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }
}

function templateFromRow(row: TemplateRow): TemplateRecord {
  return {
    workspaceId: row.workspace_id,
    id: row.id,
    name: row.name,
    latestVersion: Number(row.latest_version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function versionFromRow(row: VersionRow): TemplateVersionRecord {
  return {
    workspaceId: row.workspace_id,
    templateId: row.template_id,
    version: Number(row.version),
    definition: JSON.parse(row.definition),
    createdAt: Number(row.created_at),
  };
}
