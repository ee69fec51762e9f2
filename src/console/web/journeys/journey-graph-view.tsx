import { Background, Controls, type Edge, type Node, type NodeChange, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useMemo, useRef } from 'react';
import type { JourneyDefinition } from '../../../journeys/journey-schema.ts';
import type { JourneyStats } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { layoutJourney, TRIGGER_ID } from './journey-layout.ts';

/** The journey as a graph (React Flow + dagre, in this lazy chunk) with live counts per node and branch. */
export default function JourneyGraphView(props: {
  definition: JourneyDefinition;
  stats: JourneyStats | undefined;
  /** Node ids of a simulated or real path, highlighted. */
  highlight?: readonly string[];
}) {
  const { t, number } = useI18n();
  const { definition, stats } = props;
  const laidOut = useMemo(() => layoutJourney(definition), [definition]);
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
            <strong>{n.id === TRIGGER_ID ? t('journey.trigger') : n.id}</strong>
            <span className="node-type">{n.id === TRIGGER_ID ? '' : n.type}</span>
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
    const label = e.branch ? `${e.branch}${taken === undefined ? '' : ` · ${number(taken)}`}` : undefined;
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      label,
      animated: onPath.has(e.source) && onPath.has(e.target),
    };
  });
  return (
    <div className="graph" role="img" aria-label={t('journey.graphLabel', { count: laidOut.nodes.length - 1 })}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        onNodesChange={onNodesChange}
        fitView
        minZoom={0.1}
        nodesConnectable={false}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
