import type { BackwardStep, Node, Tensor } from '@chainrule/autograd';
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
  /**
   * How tensors are drawn (default `auto`: `compact` when every tensor is a scalar, else `full`):
   * - `full`: a box per tensor with name and op, shape and dtype, value, grad;
   * - `compact`: the same without the shape and dtype line (scalar lectures);
   * - `micrograd`: a box per tensor with data and grad, and each op as its own small node;
   * - `circuit`: the notes' circuit diagrams: the ops as gates, the values on the wires above and
   *   the gradients below (each wire carries its own use's gradient, so fan-out shows its parts).
   */
  style?: PictureStyle;
}

/**
 * One moment of the backward pass, for the frames of a slide deck: only the gradients complete by
 * then are shown, and the node whose rule just ran is marked `current`.
 */
export interface PictureFrame {
  readonly known: ReadonlySet<Tensor>;
  readonly current: Tensor | null;
}

/** How `buildPicture` draws tensors: see `PictureOptions.style`. */
export type PictureStyle = 'auto' | 'full' | 'compact' | 'micrograd' | 'circuit';

/** One box of a graph picture. */
export interface PictureNode {
  readonly graphNode: GraphNode;
  /** The box's id in DOT, Mermaid and SVG: the graph node's key, with `_k` for the k-th copy of a constant. */
  readonly key: string;
  /** The box's text lines: name and op, shape and dtype, value, grad. */
  readonly lines: readonly string[];
  /** op | parameter | leaf, plus output (and gate for an op drawn as its own small node). */
  readonly classes: readonly string[];
  /** A box of lines, or a small round gate holding the op's symbol (micrograd and circuit styles). */
  readonly form: 'box' | 'gate';
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
  /** The circuit style's wire texts: the value carried forward (above) and its gradient (below). */
  readonly value?: string;
  readonly grad?: string;
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
 * @example buildPicture(f, 'myPicture', { style: 'full' }).nodes[0].lines;
 * // ['x · parameter', 'shape [] float64', 'value -2', 'grad -4']
 */
export function buildPicture(y: Tensor, caller: string, options: PictureOptions = {}, frame?: PictureFrame): Picture {
  const graph = collectGraph(y, caller);
  const fmt: ValueFormat = { digits: options.digits ?? 4, maxElements: options.maxElements ?? 4 };
  const wantGrads = (options.grads ?? true) && y.requiresGrad && (y.numel() === 1 || options.gradOutput !== undefined);
  const record = wantGrads ? recordBackward(graph, caller, options.gradOutput) : null;
  const gradients = record?.gradients ?? new Map<Tensor, Tensor>();
  const style = resolveStyle(options.style ?? 'auto', graph);
  if (style === 'micrograd' || style === 'circuit')
    return gatePicture(graph, style, fmt, gradients, record?.steps ?? []);
  const box = (n: GraphNode, key: string): PictureNode => {
    const g = frame === undefined || frame.known.has(n.tensor) ? gradients.get(n.tensor) : undefined;
    const tags = [n.kind === 'op' ? n.op : n.kind, ...(n.isOutput ? ['output'] : [])];
    const lines = [
      `${n.label} · ${tags.join(' · ')}`,
      `shape ${formatShape(n.tensor.shape)} ${n.tensor.dtype}`,
      `value ${formatValue(n.tensor.value, fmt)}`,
      `grad ${g === undefined ? '—' : formatValue(g.value, fmt)}`,
    ];
    if (style === 'compact') lines.splice(1, 1);
    const current = frame !== undefined && frame.current === n.tensor ? ['current'] : [];
    return { graphNode: n, key, lines, classes: [n.kind, ...(n.isOutput ? ['output'] : []), ...current], form: 'box' };
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

function resolveStyle(style: PictureStyle, graph: GraphView): Exclude<PictureStyle, 'auto'> {
  if (!['auto', 'full', 'compact', 'micrograd', 'circuit'].includes(style))
    throw new RangeError(`style must be auto, full, compact, micrograd or circuit, got ${String(style)}`);
  if (style !== 'auto') return style;
  return graph.nodes.every((n) => n.tensor.ndim === 0) ? 'compact' : 'full';
}

/** The symbols gates show; other ops show their name. */
const SYMBOLS: Readonly<Record<string, string>> = {
  add: '+',
  sub: '−',
  mul: '×',
  div: '÷',
  neg: '−x',
  pow: '^',
  matmul: '@',
  square: 'x²',
  reciprocal: '1/x',
  maximum: 'max',
  minimum: 'min',
};

/**
 * The micrograd and circuit pictures: every op is a small gate node. micrograd: each tensor a
 * box `label | data v | grad g`, each op's gate between its inputs' boxes and its result's box.
 * circuit: only the inputs and the output are boxes; the wires carry values above and the
 * gradient of that use below.
 */
function gatePicture(
  graph: GraphView,
  style: 'micrograd' | 'circuit',
  fmt: ValueFormat,
  gradients: ReadonlyMap<Tensor, Tensor>,
  steps: readonly BackwardStep[],
): Picture {
  const nodes: PictureNode[] = [];
  const edges: PictureEdge[] = [];
  const v = (t: Tensor): string => formatValue(t.value, fmt);
  const g = (t: Tensor | null | undefined): string => (t === null || t === undefined ? '—' : v(t));
  const classes = (n: GraphNode): string[] => [n.kind, ...(n.isOutput ? ['output'] : [])];
  const stepOf = new Map<Node, BackwardStep>();
  for (const s of steps) stepOf.set(s.node, s);
  /** Where each tensor's value leaves from: its box (micrograd, circuit leaves) or its gate (circuit ops). */
  const source = new Map<number, number>();
  for (const n of graph.nodes) {
    if (n.node === null || style === 'micrograd') {
      const lines =
        style === 'micrograd' ? [`${n.label} | data ${v(n.tensor)} | grad ${g(gradients.get(n.tensor))}`] : [n.label];
      if (n.node !== null) {
        const gate = nodes.length;
        nodes.push({ graphNode: n, key: `${n.key}_op`, lines: [symbolOf(n)], classes: ['op', 'gate'], form: 'gate' });
        wireInputs(n, gate);
        edges.push({ from: gate, to: nodes.length, label: undefined });
      }
      source.set(n.id, nodes.length);
      nodes.push({ graphNode: n, key: n.key, lines, classes: classes(n), form: 'box' });
      continue;
    }
    const gate = nodes.length;
    nodes.push({ graphNode: n, key: n.key, lines: [symbolOf(n)], classes: ['op', 'gate'], form: 'gate' });
    wireInputs(n, gate);
    source.set(n.id, gate);
    if (n.isOutput) {
      nodes.push({ graphNode: n, key: `${n.key}_out`, lines: [n.label], classes: classes(n), form: 'box' });
      edges.push({ from: gate, to: gate + 1, label: undefined, value: v(n.tensor), grad: g(gradients.get(n.tensor)) });
    }
  }
  return { graph, nodes, edges };

  function wireInputs(n: GraphNode, gate: number): void {
    const ordered = ORDERED_OPS.has(n.op) && n.inputs.length > 1;
    const step = n.node === null ? undefined : stepOf.get(n.node);
    n.inputs.forEach((id, slot) => {
      const input = graph.nodes[id]!;
      const wire: PictureEdge = { from: source.get(id)!, to: gate, label: ordered ? String(slot) : undefined };
      edges.push(style === 'circuit' ? { ...wire, value: v(input.tensor), grad: g(step?.gradInputs[slot]) } : wire);
    });
  }
}

function symbolOf(n: GraphNode): string {
  return SYMBOLS[n.op] ?? n.op;
}
