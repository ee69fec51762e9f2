import { Graph, layout } from '@dagrejs/dagre';
import { edgesOf } from '../../../journeys/journey-graph.ts';
import type { JourneyDefinition, JourneyNode } from '../../../journeys/journey-schema.ts';

/** Nodes and edges of a journey with positions from dagre; edges come from the same `edgesOf` the engine uses. */

export const TRIGGER_ID = '__trigger__';
export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 64;

export interface LaidOutNode {
  id: string;
  type: JourneyNode['type'] | 'trigger';
  x: number;
  y: number;
}

export interface LaidOutEdge {
  id: string;
  source: string;
  target: string;
  /** The branch key the runtime counts under ('then', 'matched', a split's branch name); none for a plain `next`. */
  branch: string | undefined;
}

function branchOf(node: JourneyNode, field: string): string | undefined {
  if (field === 'next') return undefined;
  if (field.startsWith('next.')) return field.slice(5);
  const split = /^branches\[(\d+)\]/.exec(field);
  if (split && node.type === 'random_split') return node.branches[Number(split[1])]?.name;
  return field;
}

export function layoutJourney(definition: JourneyDefinition): { nodes: LaidOutNode[]; edges: LaidOutEdge[] } {
  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 60 });
  graph.setDefaultEdgeLabel(() => ({}));
  const edges: LaidOutEdge[] = [{ id: 'start', source: TRIGGER_ID, target: definition.start, branch: undefined }];
  graph.setNode(TRIGGER_ID, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const [id, node] of Object.entries(definition.nodes)) {
    graph.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
    for (const edge of edgesOf(node)) {
      edges.push({ id: `${id}:${edge.field}`, source: id, target: edge.target, branch: branchOf(node, edge.field) });
    }
  }
  for (const edge of edges) graph.setEdge(edge.source, edge.target, {}, edge.id);
  layout(graph);
  const nodes: LaidOutNode[] = graph.nodes().map((id: string) => {
    const { x, y } = graph.node(id);
    const type = id === TRIGGER_ID ? 'trigger' : (definition.nodes[id]?.type ?? 'exit');
    return { id, type, x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2 };
  });
  // Reading order, top to bottom and left to right: the order the keyboard visits the steps in.
  nodes.sort((a, b) => a.y - b.y || a.x - b.x);
  return { nodes, edges };
}
