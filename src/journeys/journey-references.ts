import type { JourneyDefinition } from './journey-schema.ts';

/**
 * What a journey names that lives elsewhere in the workspace: the templates its sends render and
 * the segments it starts on or reads. A live journey naming one that does not exist fails only when
 * a run gets there, so going live checks them first.
 */

/** One name a journey uses, and where in the definition (`nodes.welcome.template`). */
export interface JourneyReference {
  readonly kind: 'template' | 'segment';
  readonly id: string;
  readonly path: string;
  /** A send on a fixed channel needs the template's content for that channel (when missing: the template exists without it). */
  readonly channel?: string;
}

/** Whether the workspace has a template (stored or built in) or a segment; the journeys core asks, the app answers. */
export interface ReferenceLookup {
  /** With `channel`: the template has content for it. */
  hasTemplate(workspaceId: string, id: string, channel?: string): Promise<boolean>;
  hasSegment(workspaceId: string, id: string): Promise<boolean>;
}

export function referencesOf(journey: JourneyDefinition): JourneyReference[] {
  const found: JourneyReference[] = [];
  const { trigger } = journey;
  const segment = trigger.type === 'segment' || trigger.type === 'schedule' ? trigger.segment : undefined;
  if (segment) found.push({ kind: 'segment', id: segment, path: 'trigger.segment' });
  for (const [nodeId, node] of Object.entries(journey.nodes)) {
    if (node.type === 'send') {
      const channel = node.channel === 'best' ? {} : { channel: node.channel };
      found.push({ kind: 'template', id: node.template, path: `nodes.${nodeId}.template`, ...channel });
    }
    if (node.type !== 'condition') continue;
    node.rules.forEach((rule, index) => {
      const [root, id] = rule.property.split('.');
      if (root === 'segments' && id) {
        found.push({ kind: 'segment', id, path: `nodes.${nodeId}.rules[${index}].property` });
      }
    });
  }
  return found;
}

/** Whether the journey names this template or segment anywhere. */
export function namesReference(
  journey: JourneyDefinition,
  kind: JourneyReference['kind'],
  id: string,
  channel?: string,
): boolean {
  return referencesOf(journey).some(
    (ref) => ref.kind === kind && ref.id === id && (channel === undefined || ref.channel === channel),
  );
}

/**
 * The references the workspace does not have, each once per place it is used. A template that exists
 * without the content a send's channel needs keeps that `channel`; one that does not exist at all has none.
 */
export async function missingReferences(
  lookup: ReferenceLookup,
  workspaceId: string,
  journey: JourneyDefinition,
): Promise<JourneyReference[]> {
  const asked = new Map<string, Promise<boolean>>();
  const has = (kind: JourneyReference['kind'], id: string, channel?: string) => {
    const key = `${kind}:${id}:${channel ?? ''}`;
    if (!asked.has(key)) {
      const found =
        kind === 'template' ? lookup.hasTemplate(workspaceId, id, channel) : lookup.hasSegment(workspaceId, id);
      asked.set(key, found);
    }
    return asked.get(key) as Promise<boolean>;
  };
  const missing: JourneyReference[] = [];
  for (const ref of referencesOf(journey)) {
    if (await has(ref.kind, ref.id, ref.channel)) continue;
    const { channel, ...whole } = ref;
    missing.push(channel && (await has(ref.kind, ref.id)) ? ref : whole);
  }
  return missing;
}

/**
 * The missing references that stop a change: every one when the journey becomes live (created live,
 * or draft or paused → live), and on a live journey those its new definition names and the current
 * one did not. The rest only warn, so a live journey whose template was removed meanwhile can still
 * be edited, paused or renamed.
 */
export function blockingReferences(
  change: { readonly from?: StoredJourney; readonly to: JourneyDefinition },
  missing: readonly JourneyReference[],
): JourneyReference[] {
  const { from, to } = change;
  if (to.status !== 'live') return [];
  if (from?.status !== 'live') return [...missing];
  return missing.filter((ref) => !namesReference(from.definition, ref.kind, ref.id, ref.channel));
}

/** The journey as stored before the change; none when the change creates it. */
type StoredJourney = { readonly status: JourneyDefinition['status']; readonly definition: JourneyDefinition };

/** `{ path, message }` per missing reference, as validation details are. */
export function describeMissing(missing: readonly JourneyReference[]): { path: string; message: string }[] {
  return missing.map(({ kind, id, path, channel }) => ({
    path,
    message: channel ? `template ${id} has no ${channel} content` : `no ${kind} ${id} in this workspace`,
  }));
}

/** One line per missing reference: `nodes.welcome.template: no template welcome_email in this workspace`. */
export function missingLines(missing: readonly JourneyReference[]): string[] {
  return describeMissing(missing).map(({ path, message }) => `${path}: ${message}`);
}
