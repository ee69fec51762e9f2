/**
 * Who owns which partition in a consumer group: one record per group, changed only by
 * compare-and-set, so two consumers never both believe they own a partition under the same lease.
 * Pure: the clock comes in as `now`.
 */
export interface GroupState {
  /** Live consumers: id → when their membership lapses (ms since epoch). */
  members: Record<string, number>;
  /** Partition (as a string key) → its claim. */
  claims: Record<string, PartitionClaim>;
}

export interface PartitionClaim {
  /** null once released; a claim past `expiresAt` is free too (its owner died). */
  owner: string | null;
  expiresAt: number;
  /** Bumped on every change of owner; names the incarnation of the partition's reader. */
  epoch: number;
}

export interface AssignmentInput {
  state: GroupState;
  me: string;
  now: number;
  leaseMs: number;
  partitions: number;
  /** Partitions this consumer may own. */
  allowed: readonly number[];
  /** Partitions this consumer is working on: their claims are renewed. */
  running: ReadonlySet<number>;
  /** Partitions this consumer stopped working on: their claims are released. */
  releasing: ReadonlySet<number>;
  /** Leaving the group: claim nothing and drop the membership. */
  leaving: boolean;
}

export interface Assignment {
  state: GroupState;
  /** Newly claimed, each with its new epoch: start working on them. */
  acquired: { partition: number; epoch: number }[];
  /** Owned beyond the fair share now that more consumers are live: stop them, then release. */
  shed: number[];
  /** Running here but owned by another consumer (this one's lease lapsed): abandon at once. */
  lost: number[];
}

export const emptyGroupState = (): GroupState => ({ members: {}, claims: {} });

/**
 * Renews this consumer's membership and claims, releases what it stopped, and claims free or
 * lapsed partitions up to its fair share (partitions / live members, rounded up). Consumers over
 * their share shed the excess, so a joining worker gets partitions within a lease period or two.
 */
export function assignPartitions(input: AssignmentInput): Assignment {
  const { me, now, leaseMs } = input;
  const members = Object.fromEntries(Object.entries(input.state.members).filter(([, until]) => until > now));
  if (input.leaving) delete members[me];
  else members[me] = now + leaseMs;
  const claims = { ...input.state.claims };
  const lost: number[] = [];
  const mine: number[] = [];
  for (const partition of input.running) {
    const claim = claims[partition];
    if (!claim || claim.owner !== me) lost.push(partition);
    else if (!input.releasing.has(partition)) {
      claims[partition] = { ...claim, expiresAt: now + leaseMs };
      mine.push(partition);
    }
  }
  for (const partition of input.releasing) {
    const claim = claims[partition];
    if (claim?.owner === me) claims[partition] = { owner: null, expiresAt: 0, epoch: claim.epoch };
  }
  const share = Math.ceil(input.partitions / Math.max(1, Object.keys(members).length));
  const shed = mine.length > share ? [...mine].sort((a, b) => b - a).slice(0, mine.length - share) : [];
  const acquired: Assignment['acquired'] = [];
  if (!input.leaving) {
    for (const partition of input.allowed) {
      if (mine.length + acquired.length >= share) break;
      if (input.running.has(partition) || input.releasing.has(partition)) continue;
      const claim = claims[partition];
      if (claim && claim.owner !== null && claim.expiresAt > now) continue;
      const epoch = (claim?.epoch ?? 0) + 1;
      claims[partition] = { owner: me, expiresAt: now + leaseMs, epoch };
      acquired.push({ partition, epoch });
    }
  }
  return { state: { members, claims }, acquired, shed, lost };
}
