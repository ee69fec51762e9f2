import type { SegmentDefinition } from './segment-schema.ts';

/** What a new evaluation means for the timeline; matches the journey trigger's `on: entered | left`. */
export type MembershipChange = 'entered' | 'left' | 'none';

/** `wasMember` is false for a customer never evaluated before, so a first match is an entry. */
export function membershipChange(wasMember: boolean, now: { readonly member: boolean }): MembershipChange {
  if (wasMember === now.member) return 'none';
  return now.member ? 'entered' : 'left';
}

export const MEMBERSHIP_EVENTS = { entered: 'Segment Entered', left: 'Segment Left' } as const;

/** The timeline entry for an entry or exit, as a track event the customer's timeline can show. */
export interface MembershipEvent {
  readonly event: (typeof MEMBERSHIP_EVENTS)[keyof typeof MEMBERSHIP_EVENTS];
  readonly properties: { readonly segment_id: string; readonly segment_name: string };
  readonly timestamp: number;
}

export function membershipEvent(
  segment: SegmentDefinition,
  change: Exclude<MembershipChange, 'none'>,
  at: number,
): MembershipEvent {
  return {
    event: MEMBERSHIP_EVENTS[change],
    properties: { segment_id: segment.id, segment_name: segment.name },
    timestamp: at,
  };
}
