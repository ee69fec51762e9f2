import type { TemplateDefinition } from '../templates/template-schema.ts';

/** The part of the storage port that message templates use: each save of a changed definition is a new version. */

export interface TemplateRecord {
  workspaceId: string;
  id: string;
  name: string;
  latestVersion: number;
  createdAt: number;
  updatedAt: number;
}

export interface TemplateVersionRecord {
  workspaceId: string;
  templateId: string;
  version: number;
  definition: TemplateDefinition;
  createdAt: number;
}

export interface TemplateStore {
  /** Writes the template row and its version together; a version that exists already is a conflict (throws). */
  saveTemplate(template: TemplateRecord, version: TemplateVersionRecord): Promise<void>;
  getTemplate(workspaceId: string, id: string): Promise<TemplateRecord | undefined>;
  /** The latest version when `version` is left out. */
  getTemplateVersion(workspaceId: string, id: string, version?: number): Promise<TemplateVersionRecord | undefined>;
  listTemplateVersions(workspaceId: string, id: string): Promise<{ version: number; createdAt: number }[]>;
  listTemplates(workspaceId: string): Promise<TemplateRecord[]>;
  /** Removes the template with every version; false if there was none. */
  deleteTemplate(workspaceId: string, id: string): Promise<boolean>;
}
