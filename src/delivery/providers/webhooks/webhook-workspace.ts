import { GodwitError } from '../../../shared/errors.ts';
import type { Store } from '../../../storage/store.ts';

/**
 * Provider webhooks carry no API key, so the workspace comes from the URL Godwit gave the provider
 * (`?workspace=<id>`, covered by the signature); without it, the only workspace there is.
 */
export async function webhookWorkspace(store: Store, query: unknown): Promise<string> {
  const wanted = (query as { workspace?: unknown } | undefined)?.workspace;
  const workspaces = await store.listWorkspaces();
  if (typeof wanted === 'string' && wanted !== '') {
    if (workspaces.some((w) => w.id === wanted)) return wanted;
    throw new GodwitError('not_found', `no workspace ${wanted}`);
  }
  const only = workspaces.length === 1 ? workspaces[0] : undefined;
  if (only) return only.id;
  throw new GodwitError('invalid_input', 'add ?workspace=<id> to the webhook URL: there is more than one workspace');
}

/** The URL as the provider called it, which is what it signed: the public base URL when one is configured. */
export function calledUrl(request: { protocol: string; host: string; url: string }, publicUrl?: string): string {
  return `${publicUrl ?? `${request.protocol}://${request.host}`}${request.url}`;
}
