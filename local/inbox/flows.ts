import type { FlowEdge, FlowMap, FlowNode } from '../assembly/flow-map';
import type { InvocationRecord } from '../lambda/runner/function-runner';
import type { InboxQueues } from './sources';

/**
 * The live event-flow map (GET /api/flows): the map docs/event-flows.md shows, read from this
 * sandbox's synth, with what happened since the sandbox started on each edge. An edge into a
 * function carries that function's invocations and errors; an edge into a queue its depth
 * (visible + in flight + delayed), which for a dead-letter queue is what waits to be redriven.
 */

export interface FlowCounts {
  invocations: number;
  errors: number;
}

export interface LiveFlowNode extends FlowNode {
  /** Functions: since start. */
  counts?: FlowCounts;
  /** Queues: messages waiting now. */
  depth?: number;
}

export interface LiveFlowEdge extends FlowEdge {
  counts?: FlowCounts;
  depth?: number;
}

export interface LiveFlows {
  nodes: LiveFlowNode[];
  edges: LiveFlowEdge[];
}

export function liveFlows(
  map: FlowMap,
  invocations: readonly InvocationRecord[],
  queues: InboxQueues | undefined,
): LiveFlows {
  const counts = new Map<string, FlowCounts>();
  for (const record of invocations) {
    const entry = counts.get(record.functionName) ?? { invocations: 0, errors: 0 };
    entry.invocations += 1;
    if (!record.ok) entry.errors += 1;
    counts.set(record.functionName, entry);
  }
  const queueNames = new Set(queues?.names() ?? []);
  const depthOf = (node: FlowNode): number | undefined => {
    const name = node.physicalName ?? node.label;
    if (!queues || !queueNames.has(name)) return undefined;
    return queues.messages(name).length;
  };
  const nodes: LiveFlowNode[] = map.nodes.map((node) => {
    if (node.kind === 'function') {
      return { ...node, counts: counts.get(node.label) ?? { invocations: 0, errors: 0 } };
    }
    if (node.kind === 'queue') {
      const depth = depthOf(node);
      return depth === undefined ? node : { ...node, depth };
    }
    return node;
  });
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const edges: LiveFlowEdge[] = map.edges.map((edge) => {
    const target = byId.get(edge.to);
    if (target?.counts) return { ...edge, counts: target.counts };
    if (target?.depth !== undefined) return { ...edge, depth: target.depth };
    return edge;
  });
  return { nodes, edges };
}
