/**
 * The graph on the page: the teaching package's SVG, with test hooks on each tensor's box
 * (`data-testid="node-<name>"`, `data-value`, `data-grad`) and, at each position of the
 * step-through, only the values and gradients known by then; the current node and its edges are
 * highlighted.
 */
import { type GraphNode, formatNumber } from '@chainrule/teaching';
import type { PlaygroundModel } from './model.js';

/** Redraws the graph for a position. */
export type GraphUpdate = (position: number) => void;

interface Box {
  readonly g: SVGGElement;
  readonly node: GraphNode;
  readonly texts: readonly { el: SVGTextElement; original: string }[];
}

const number = (v: number): string => formatNumber(v, 4);

/**
 * Puts the model's SVG into `container` and returns the function that shows a position.
 * @example
 * ```ts
 * const show = mountGraph(document.getElementById('graph')!, buildModel('(x+y)*z', { x: -2, y: 5, z: -4 }));
 * show(0); // the inputs only
 * ```
 */
export function mountGraph(container: HTMLElement, model: PlaygroundModel): GraphUpdate {
  container.innerHTML = model.svg;
  const boxes: Box[] = [];
  const graphNodeOf = new Map<string, GraphNode>();
  for (const p of model.picture.nodes) {
    graphNodeOf.set(p.key, p.graphNode);
    const g = container.querySelector<SVGGElement>(`#pg-${CSS.escape(p.key)}`);
    if (g === null) continue;
    g.setAttribute('data-node', p.graphNode.key);
    if (p.key === p.graphNode.key) g.setAttribute('data-testid', `node-${p.graphNode.label}`);
    const texts = [...g.querySelectorAll('text')].map((el) => ({ el, original: el.textContent ?? '' }));
    boxes.push({ g, node: p.graphNode, texts });
  }
  const edges = [...container.querySelectorAll<SVGPathElement>('path.edge')].map((el) => ({
    el,
    to: graphNodeOf.get(el.dataset.to ?? ''),
  }));
  const wireValues = [...container.querySelectorAll<SVGTextElement>('text.wire-value')];
  const wireGrads = [...container.querySelectorAll<SVGTextElement>('text.wire-grad')];
  const wired = model.picture.edges.filter((e) => e.value !== undefined);
  const wireOriginal = wireValues.map((el) => el.textContent ?? '');
  const gradOriginal = wireGrads.map((el) => el.textContent ?? '');

  return (position) => {
    const current = model.current(position);
    for (const b of boxes) {
      const n = b.node;
      const vk = model.valueKnown(n, position);
      const gk = model.gradKnown(n, position);
      const grad = model.gradOf(n);
      if (b.g.hasAttribute('data-testid')) {
        b.g.setAttribute('data-value', vk ? String(n.tensor.item()) : '');
        b.g.setAttribute('data-grad', gk && grad !== null ? String(grad) : '');
      }
      b.g.classList.toggle('current', current !== null && current.key === n.key);
      b.g.classList.toggle('known', vk);
      for (const { el, original } of b.texts) el.textContent = shown(original, n, vk, gk, grad);
    }
    for (const e of edges) e.el.classList.toggle('active', current !== null && e.to?.key === current.key);
    wired.forEach((e, k) => {
      const from = model.picture.nodes[e.from]!.graphNode;
      const to = model.picture.nodes[e.to]!.graphNode;
      const valueEl = wireValues[k],
        gradEl = wireGrads[k];
      if (valueEl !== undefined) valueEl.textContent = model.valueKnown(from, position) ? wireOriginal[k]! : '';
      // the wire into the output box carries the seed; a wire into a gate, what that op's step sent back
      const back = to === from ? model.gradKnown(to, position) : model.stepRan(to, position);
      if (gradEl !== undefined) gradEl.textContent = back ? gradOriginal[k]! : '';
    });
  };
}

/** A box's line at this position: values and gradients not known yet are shown as `?` and `—`. */
function shown(original: string, n: GraphNode, vk: boolean, gk: boolean, grad: number | null): string {
  if (original.startsWith('value ')) return vk ? original : 'value ?';
  if (original.startsWith('grad ')) return gk ? original : 'grad —';
  const m = /^(.*) \| data .* \| grad .*$/.exec(original);
  if (m !== null)
    return `${m[1]} | data ${vk ? number(n.tensor.item()) : '?'} | grad ${gk && grad !== null ? number(grad) : '—'}`;
  return original;
}
