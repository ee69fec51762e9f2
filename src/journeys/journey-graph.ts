import { assertNever } from './assert-never.ts';
import type { JourneyDefinition, JourneyIssue, JourneyNode } from './journey-schema.ts';

/** An outgoing edge: the field that holds it (for error paths) and the node it names. */
export interface Edge {
  readonly field: string;
  readonly target: string;
}

export function edgesOf(node: JourneyNode): readonly Edge[] {
  switch (node.type) {
    case 'wait':
    case 'wait_until':
    case 'send':
    case 'update_traits':
    case 'webhook':
      return [{ field: 'next', target: node.next }];
    case 'wait_for_event':
      return [
        { field: 'next.matched', target: node.next.matched },
        { field: 'next.timeout', target: node.next.timeout },
      ];
    case 'condition':
      return [
        { field: 'then', target: node.then },
        { field: 'else', target: node.else },
      ];
    case 'random_split':
      return node.branches.map((branch, index) => ({ field: `branches[${index}].next`, target: branch.next }));
    case 'exit':
      return [];
    default:
      return assertNever(node);
  }
}

/** Nodes that end a step: the run is stored and resumes on a timer or an event. */
export function isWaitNode(node: JourneyNode): boolean {
  return node.type === 'wait' || node.type === 'wait_until' || node.type === 'wait_for_event';
}

/**
 * Checks what the field schema cannot: every edge names a node, the start exists, every node is
 * reachable, and every loop passes through a wait — a loop without one would spin inside one step.
 */
export function checkJourneyGraph(journey: JourneyDefinition): JourneyIssue[] {
  const { nodes, start } = journey;
  if (!Object.hasOwn(nodes, start)) {
    return [{ path: 'start', message: `no node "${start}" (nodes are: ${Object.keys(nodes).join(', ') || 'none'})` }];
  }
  const issues: JourneyIssue[] = [];
  for (const [id, node] of Object.entries(nodes)) {
    for (const edge of edgesOf(node)) {
      if (!Object.hasOwn(nodes, edge.target)) {
        issues.push({ path: `nodes.${id}.${edge.field}`, message: `no node "${edge.target}"` });
      }
    }
  }
  if (issues.length > 0) return issues;
  const reachable = reachableFrom(journey, start);
  for (const id of Object.keys(nodes)) {
    if (!reachable.has(id)) issues.push({ path: `nodes.${id}`, message: `is not reachable from start "${start}"` });
  }
  const loop = findLoopWithoutWait(journey);
  if (loop) {
    const [first = ''] = loop;
    issues.push({
      path: `nodes.${first}`,
      message: `loop ${[...loop, first].join(' → ')} has no wait, so it would run forever`,
    });
  }
  return issues;
}

function reachableFrom(journey: JourneyDefinition, start: string): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    const node = journey.nodes[id];
    for (const edge of node ? edgesOf(node) : []) {
      if (!seen.has(edge.target)) {
        seen.add(edge.target);
        queue.push(edge.target);
      }
    }
  }
  return seen;
}

/** Depth-first search over the nodes that do not wait; a back edge is a loop that never yields. */
function findLoopWithoutWait(journey: JourneyDefinition): string[] | undefined {
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const node = journey.nodes[id];
    if (!node || isWaitNode(node) || done.has(id)) return undefined;
    const at = onPath.indexOf(id);
    if (at >= 0) return onPath.slice(at);
    onPath.push(id);
    for (const edge of edgesOf(node)) {
      const loop = visit(edge.target);
      if (loop) return loop;
    }
    onPath.pop();
    done.add(id);
    return undefined;
  };
  for (const id of Object.keys(journey.nodes)) {
    const loop = visit(id);
    if (loop) return loop;
  }
  return undefined;
}
