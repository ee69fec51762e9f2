import { messageIdentityOf } from '../../profiles/message-identity.ts';
import type { IdentityRecord, NewEvent } from '../../storage/store.ts';
import { type MembershipChange, membershipEvent } from '../membership-change.ts';
import type { SegmentDefinition } from '../segment-schema.ts';

/**
 * An entry or exit as a track event for the event log: the customer's timeline shows it, and
 * journeys with a segment trigger start from it like from any other event. The messageId is
 * derived from the change, so a replayed batch stores it once; undefined when the customer has
 * neither a userId nor an anonymousId to file it under.
 */
export function membershipTimelineEvent(options: {
  workspaceId: string;
  customerId: string;
  identities: readonly IdentityRecord[];
  segment: SegmentDefinition;
  change: Exclude<MembershipChange, 'none'>;
  at: number;
}): NewEvent | undefined {
  const { workspaceId, customerId, segment, change, at } = options;
  const identity = messageIdentityOf(options.identities);
  if (!identity) return undefined;
  const entry = membershipEvent(segment, change, at);
  const messageId = `segment:${segment.id}:${customerId}:${change}:${at}`;
  const timestamp = new Date(at).toISOString();
  const payload = {
    type: 'track',
    messageId,
    userId: identity.userId,
    anonymousId: identity.anonymousId,
    event: entry.event,
    properties: entry.properties,
    timestamp,
    receivedAt: timestamp,
    context: { godwit: { segmentId: segment.id } },
  };
  return {
    workspaceId,
    messageId,
    type: 'track',
    event: entry.event,
    userId: identity.userId,
    anonymousId: identity.anonymousId,
    timestamp: at,
    receivedAt: at,
    payload: JSON.stringify(payload),
  };
}
