import { Background, Controls, type Edge, type Node, type NodeChange, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useMemo, useRef } from 'react';
import type { JourneyDefinition } from '../../../journeys/journey-schema.ts';
import type { JourneyStats } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { labelOf } from '../i18n/labels.ts';
import { graphAriaLabels } from './graph-aria-labels.ts';
import { layoutJourney, TRIGGER_ID } from './journey-layout.ts';

/** The journey as a graph (React Flow + dagre, in this lazy chunk) with live counts per node and branch. */
export default function JourneyGraphView(props: {
  definition: JourneyDefinition;
  stats: JourneyStats | undefined;
  /** The counts could not be refreshed: they show dimmed (the note above says since when). */
  stale?: boolean;
  /** Node ids of a simulated or real path, highlighted. */
  highlight?: readonly string[];
}) {
  const { t, number } = useI18n();
  const { definition, stats } = props;
  const laidOut = useMemo(() => layoutJourney(definition), [definition]);
  const ariaLabels = useMemo(() => graphAriaLabels(t), [t]);
  const onPath = new Set(props.highlight ?? []);
  // React Flow measures each node once and hands the size back as a change. Nodes rebuilt on every
  // stats poll must carry it: a node without `measured` is hidden until measured again, and one
  // whose size did not change may never be.
  const measured = useRef(new Map<string, Node['measured']>());
  const onNodesChange = useCallback((changes: NodeChange[]) => {
    for (const change of changes) {
      if (change.type === 'dimensions' && change.dimensions) measured.current.set(change.id, change.dimensions);
    }
  }, []);
  const nameOf = (id: string) => (id === TRIGGER_ID ? t('journey.trigger') : id);
  // In layout order (top to bottom), which is the order Tab visits them.
  const nodes: Node[] = laidOut.nodes.map((n) => {
    const counts = stats?.nodes[n.id];
    const figures =
      n.id === TRIGGER_ID
        ? t('journey.started', { count: number(stats?.runs.started ?? 0) })
        : t('journey.nodeCounts', { entered: number(counts?.entered ?? 0), waiting: number(counts?.waiting ?? 0) });
    return {
      id: n.id,
      position: { x: n.x, y: n.y },
      measured: measured.current.get(n.id),
      className: `flow-node ${n.type}${onPath.has(n.id) ? ' on-path' : ''}`,
      data: {
        label: (
          <div data-node={n.id}>
            <strong>{nameOf(n.id)}</strong>
            <span className="node-type">{n.id === TRIGGER_ID ? '' : labelOf(t, 'nodeType', n.type)}</span>
            <span className="node-counts">{figures}</span>
          </div>
        ),
      },
      draggable: false,
      connectable: false,
    };
  });
  const edges: Edge[] = laidOut.edges.map((e) => {
    const taken = e.branch ? stats?.nodes[e.source]?.branches[e.branch]?.taken : undefined;
    const branch = e.branch && labelOf(t, 'branch', e.branch);
    const label = branch ? `${branch}${taken === undefined ? '' : ` · ${number(taken)}`}` : undefined;
    const ends = { source: nameOf(e.source), target: nameOf(e.target) };
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      label,
      ariaLabel: branch ? t('journey.edgeBranch', { ...ends, branch }) : t('journey.edge', ends),
      animated: onPath.has(e.source) && onPath.has(e.target),
    };
  });
  return (
    // A region, not an image: the steps and the zoom buttons inside must stay reachable by keyboard and screen reader.
    <section
      className={`graph${props.stale ? ' stale' : ''}`}
      aria-label={t('journey.graphLabel', { count: laidOut.nodes.length - 1 })}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        onNodesChange={onNodesChange}
        fitView
        minZoom={0.1}
        nodesConnectable={false}
        // Edges only connect the steps: nothing to do on one, so Tab goes from step to step.
        edgesFocusable={false}
        ariaLabelConfig={ariaLabels}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </section>
  );
}
