import type { NodeCount } from '../../storage/journey-store.ts';

/** Per-node and per-branch figures for one journey, summed over its versions. */
export interface NodeStats {
  entered: number;
  waiting: number;
  completed: number;
  errored: number;
  converted: number;
  exited: number;
  /** Per branch taken out of the node: how often, and how many of those runs later converted. */
  branches: Record<string, { taken: number; converted: number }>;
}

export interface JourneyStats {
  runs: { started: number; waiting: number; completed: number; converted: number; exited: number; errored: number };
  nodes: Record<string, NodeStats>;
}

/** Record kinds counted per node ('converted_after' is counted per branch instead). */
const NODE_KINDS = ['entered', 'waiting', 'completed', 'errored', 'converted', 'exited'] as const;

const emptyNode = (): NodeStats => ({
  entered: 0,
  waiting: 0,
  completed: 0,
  errored: 0,
  converted: 0,
  exited: 0,
  branches: {},
});

/** Folds stored counts into one view: nodeId '' holds run totals; 'waiting' is kept as a running count per node. */
export function journeyStats(counts: readonly NodeCount[]): JourneyStats {
  const runs = { started: 0, waiting: 0, completed: 0, converted: 0, exited: 0, errored: 0 };
  const nodes: Record<string, NodeStats> = {};
  const node = (id: string): NodeStats => {
    const stats = nodes[id] ?? emptyNode();
    nodes[id] = stats;
    return stats;
  };
  for (const c of counts) {
    if (c.nodeId === '') {
      if (c.kind in runs) runs[c.kind as keyof typeof runs] += c.count;
      continue;
    }
    const stats = node(c.nodeId);
    if (c.branch !== '') {
      const branch = stats.branches[c.branch] ?? { taken: 0, converted: 0 };
      stats.branches[c.branch] = branch;
      if (c.kind === 'completed') branch.taken += c.count;
      if (c.kind === 'converted_after') branch.converted += c.count;
    }
    const kind = NODE_KINDS.find((k) => k === c.kind);
    if (kind) stats[kind] += c.count;
  }
  for (const stats of Object.values(nodes)) runs.waiting += stats.waiting;
  return { runs, nodes };
}
