import type { MessageClass } from '../delivery/channel-choice.ts';
import type { KnownSend, Reason } from './decision-types.ts';

/**
 * Two sends to one customer closer than the collision window: the higher class wins
 * (transactional > service > marketing); between equals the one already made or scheduled wins.
 * The loser is held until the window after the winner, or dropped, by its class's policy.
 */

const RANK: Readonly<Record<MessageClass, number>> = { transactional: 3, service: 2, marketing: 1 };

export function outranks(a: MessageClass, b: MessageClass): boolean {
  return RANK[a] > RANK[b];
}

/** Orders sends higher class first (a sort comparator), so they are decided before those they outrank. */
export function byClassRank(a: { messageClass: MessageClass }, b: { messageClass: MessageClass }): number {
  return RANK[b.messageClass] - RANK[a.messageClass];
}

export interface CollisionCheck {
  readonly now: number;
  readonly at: number;
  readonly requestId: string;
  readonly messageClass: MessageClass;
  readonly sends: readonly KnownSend[];
  readonly windowMs: number;
  readonly loser: Partial<Readonly<Record<MessageClass, 'delay' | 'drop'>>>;
  /** The classes a collision may hold (policy `collisions.classes`); others only win. */
  readonly held: readonly MessageClass[];
}

export type CollisionResult =
  | {
      readonly dropped: false;
      readonly at: number;
      readonly preempts: readonly { readonly id: string; readonly action: 'delay' | 'drop' }[];
      readonly reasons: readonly Reason[];
    }
  | { readonly dropped: true; readonly reasons: readonly Reason[] };

export function resolveCollisions(check: CollisionCheck): CollisionResult {
  const reasons: Reason[] = [];
  let at = check.at;
  const others = check.sends.filter((s) => s.id !== check.requestId).sort((a, b) => a.at - b.at);
  const rounds = check.held.includes(check.messageClass) ? others.length : -1;
  for (let round = 0; round <= rounds; round += 1) {
    const winner = others.find(
      (o) => Math.abs(o.at - at) < check.windowMs && !outranks(check.messageClass, o.messageClass),
    );
    if (!winner) break;
    const action = check.loser[check.messageClass] ?? 'delay';
    const heldUntil = winner.at + check.windowMs;
    reasons.push({
      code: 'collision',
      with: winner.id,
      ...(winner.journeyId === undefined ? {} : { withJourney: winner.journeyId }),
      withClass: winner.messageClass,
      at: winner.at,
      action,
      heldUntil,
    });
    if (action === 'drop') return { dropped: true, reasons };
    at = Math.max(at, heldUntil);
  }
  // Lower-class sends still ahead of us inside the window give way.
  const preempts = others
    .filter(
      (o) => o.at > check.now && Math.abs(o.at - at) < check.windowMs && outranks(check.messageClass, o.messageClass),
    )
    .map((o) => {
      const action = check.loser[o.messageClass] ?? 'delay';
      const withJourney = o.journeyId === undefined ? {} : { withJourney: o.journeyId };
      reasons.push({
        code: 'collision',
        with: o.id,
        ...withJourney,
        withClass: o.messageClass,
        at: o.at,
        action: 'wins',
      });
      return { id: o.id, action };
    });
  return { dropped: false, at, preempts, reasons };
}
