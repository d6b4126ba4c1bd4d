import { AutogradError, type Node, type Tensor } from '@chainrule/autograd';
import { elementsOf, formatNumber } from './format.js';

/**
 * What a tensor is in a graph picture or trace: made by an op, a parameter (a leaf that
 * requires grad) or a plain leaf (data or a constant, no gradient).
 */
export type GraphNodeKind = 'op' | 'parameter' | 'leaf';

/** One tensor of a recorded graph, numbered for this view only. */
export interface GraphNode {
  /** Position in forward topological order (inputs before the ops that use them); stable per call. */
  readonly id: number;
  /** `n${id}`: an identifier for DOT, Mermaid and SVG. */
  readonly key: string;
  readonly tensor: Tensor;
  /** The op that made the tensor (null for a leaf). */
  readonly node: Node | null;
  readonly kind: GraphNodeKind;
  /** The op name for op nodes, `parameter` or `leaf` otherwise. */
  readonly op: string;
  /** Tensor.name, else the value of a uniform constant (`2`), else `t${id}`. */
  readonly label: string;
  readonly isOutput: boolean;
  /** The ids of the op's inputs, in input order (empty for a leaf). */
  readonly inputs: readonly number[];
}

/** A recorded graph seen from one output. */
export interface GraphView {
  /** Every tensor reachable from the output, in forward topological order. */
  readonly nodes: readonly GraphNode[];
  readonly root: GraphNode;
  readonly byTensor: ReadonlyMap<Tensor, GraphNode>;
  /** For each id: the ids of the ops that use it (once per use, in forward order). */
  readonly consumers: readonly (readonly number[])[];
}

/**
 * Names a tensor for traces and pictures and returns it (for chaining).
 * @example const q = named(x.add(y), 'q');
 */
export function named<T extends Tensor>(t: T, name: string): T {
  t.name = name;
  return t;
}

/**
 * Walks the graph that made `root` (an explicit stack, no recursion) and numbers every tensor in
 * forward topological order.
 * @example collectGraph(f).nodes.map((n) => n.label); // ['x', 'y', 'q', 'z', 'f']
 * @throws AutogradError when a backward without retainGraph has already freed the graph.
 */
export function collectGraph(root: Tensor, caller = 'collectGraph'): GraphView {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: { t: Tensor; next: number }[] = [{ t: root, next: 0 }];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const node = top.t.node;
    if (node?.freed) throw freedError(caller, node);
    const inputs = node === null ? [] : node.inputs;
    if (top.next < inputs.length) {
      const input = inputs[top.next++]!;
      if (!seen.has(input)) {
        seen.add(input);
        stack.push({ t: input, next: 0 });
      }
      continue;
    }
    stack.pop();
    order.push(top.t);
  }
  const ids = new Map<Tensor, number>();
  order.forEach((t, i) => {
    ids.set(t, i);
  });
  const perOp = new Map<string, number>(); // unnamed results are called by their op: add1, mul2, ...
  const nodes: GraphNode[] = order.map((t, id) => {
    const node = t.node;
    let fallback = `t${id}`;
    if (node !== null) {
      const k = (perOp.get(opName(node)) ?? 0) + 1;
      perOp.set(opName(node), k);
      fallback = `${opName(node)}${k}`;
    }
    const kind: GraphNodeKind = node !== null ? 'op' : t.requiresGrad ? 'parameter' : 'leaf';
    return {
      id,
      key: `n${id}`,
      tensor: t,
      node,
      kind,
      op: node !== null ? opName(node) : kind,
      label: t.name ?? constantLabel(t) ?? fallback,
      isOutput: t === root,
      inputs: node === null ? [] : node.inputs.map((x) => ids.get(x)!),
    };
  });
  const consumers: number[][] = nodes.map(() => []);
  for (const n of nodes) for (const i of n.inputs) consumers[i]!.push(n.id);
  const byTensor = new Map<Tensor, GraphNode>();
  for (const n of nodes) byTensor.set(n.tensor, n);
  return { nodes, root: nodes[nodes.length - 1]!, byTensor, consumers };
}

/** The op's name; a custom op shows its own name. */
export function opName(node: Node): string {
  if (node.op === 'custom') {
    const p = node.params as { definition?: { name?: string } };
    return p.definition?.name ?? 'custom';
  }
  return node.op;
}

/** A leaf without grad whose elements are all equal is labelled by that number. */
function constantLabel(t: Tensor): string | undefined {
  if (t.node !== null || t.requiresGrad || t.numel() === 0 || t.numel() > 1_000_000) return undefined;
  const values = elementsOf(t.value);
  const first = values[0]!;
  if (!values.every((v) => Object.is(v, first) || v === first)) return undefined;
  return formatNumber(first, 6);
}

function freedError(caller: string, node: Node): AutogradError {
  return new AutogradError(
    caller,
    `the saved values of this graph (at op '${node.op}', whose values are too large to keep) were freed by a ` +
      `backward() without retainGraph: call ${caller}(y) before y.backward(), or call ` +
      `y.backward({ retainGraph: true })`,
  );
}
