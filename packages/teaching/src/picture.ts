import type { Tensor } from '@chainrule/autograd';
import { recordBackward } from './backward-record.js';
import { type ValueFormat, formatShape, formatValue } from './format.js';
import { type GraphNode, type GraphView, collectGraph } from './graph.js';

/** Options shared by toDot, toMermaid, toSvg and toHtml. */
export interface PictureOptions extends ValueFormat {
  /** Show ∂output/∂t on every node (default true; needs a scalar output or `gradOutput`). */
  grads?: boolean;
  /** ∂output/∂output for a non-scalar output. */
  gradOutput?: Tensor;
  /** A title (HTML heading and SVG title). */
  title?: string;
}

/** One box of a graph picture. */
export interface PictureNode {
  readonly graphNode: GraphNode;
  /** The box's id in DOT, Mermaid and SVG: the graph node's key, with `_k` for the k-th copy of a constant. */
  readonly key: string;
  /** The box's text lines: name and op, shape and dtype, value, grad. */
  readonly lines: readonly string[];
  /** op | parameter | leaf, plus output. */
  readonly classes: readonly string[];
}

/** One arrow, from an input to the op that uses it. */
export interface PictureEdge {
  readonly from: number;
  readonly to: number;
  /**
   * Indices into the picture's nodes. The input's position labels the arrow for ops whose input order matters
   * (sub, div, matmul...).
   */
  readonly label: string | undefined;
}

/** What every picture format draws. */
export interface Picture {
  readonly graph: GraphView;
  readonly nodes: readonly PictureNode[];
  readonly edges: readonly PictureEdge[];
}

/** Ops whose inputs are not interchangeable: their arrows are numbered. */
const ORDERED_OPS: ReadonlySet<string> = new Set([
  'sub',
  'div',
  'pow',
  'matmul',
  'linear',
  'where',
  'concat',
  'gather',
  'scatterAdd',
  'custom',
]);

/** Colours of the node kinds, shared by SVG, DOT and Mermaid. */
export const PALETTE = {
  op: { fill: '#eef3fb', stroke: '#4a6fa5' },
  parameter: { fill: '#fff3dc', stroke: '#c77c00' },
  leaf: { fill: '#f3f3f3', stroke: '#8a8a8a' },
  output: { stroke: '#b03a2e' },
} as const;

/**
 * The picture of the graph that made `y`: one box per tensor with its op, shape, value and
 * gradient (from a traced backward with retainGraph that touches no `.grad`). toDot, toMermaid,
 * toSvg and toHtml draw it.
 * @example buildPicture(f, 'myPicture').nodes[0].lines; // ['x · parameter', 'shape [] float64', 'value -2', 'grad -4']
 */
export function buildPicture(y: Tensor, caller: string, options: PictureOptions = {}): Picture {
  const graph = collectGraph(y, caller);
  const fmt: ValueFormat = { digits: options.digits ?? 4, maxElements: options.maxElements ?? 4 };
  const wantGrads = (options.grads ?? true) && y.requiresGrad && (y.size === 1 || options.gradOutput !== undefined);
  const gradients = wantGrads ? recordBackward(graph, caller, options.gradOutput).gradients : new Map<Tensor, Tensor>();
  const box = (n: GraphNode, key: string): PictureNode => {
    const g = gradients.get(n.tensor);
    const tags = [n.kind === 'op' ? n.op : n.kind, ...(n.isOutput ? ['output'] : [])];
    return {
      graphNode: n,
      key,
      lines: [
        `${n.label} · ${tags.join(' · ')}`,
        `shape ${formatShape(n.tensor.shape)} ${n.tensor.dtype}`,
        `value ${formatValue(n.tensor.value, fmt)}`,
        `grad ${g === undefined ? '—' : formatValue(g.value, fmt)}`,
      ],
      classes: [n.kind, ...(n.isOutput ? ['output'] : [])],
    };
  };
  // an unnamed constant used by several ops is drawn next to each use, not as one far-away box
  const copied = (n: GraphNode): boolean =>
    n.kind === 'leaf' && n.tensor.name === undefined && graph.consumers[n.id]!.length > 1;
  const nodes: PictureNode[] = [];
  const boxOf = new Map<number, number>();
  for (const n of graph.nodes) {
    if (copied(n)) continue;
    boxOf.set(n.id, nodes.length);
    nodes.push(box(n, n.key));
  }
  const copies = new Map<number, number>();
  const edges: PictureEdge[] = [];
  for (const n of graph.nodes) {
    const ordered = n.node !== null && ORDERED_OPS.has(n.node.op) && n.inputs.length > 1;
    n.inputs.forEach((id, slot) => {
      let from = boxOf.get(id);
      if (from === undefined) {
        const input = graph.nodes[id]!;
        const k = copies.get(id) ?? 0;
        copies.set(id, k + 1);
        from = nodes.length;
        nodes.push(box(input, k === 0 ? input.key : `${input.key}_${k}`));
      }
      edges.push({ from, to: boxOf.get(n.id)!, label: ordered ? String(slot) : undefined });
    });
  }
  return { graph, nodes, edges };
}
