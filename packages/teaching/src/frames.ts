/**
 * The backward pass as a sequence of pictures, one per chain-rule step, for slides: frame 0 shows
 * the forward values, frame k the gradients known after the engine's k-th step, with the node
 * whose rule ran outlined.
 */
import type { Tensor } from '@chainrule/autograd';
import { recordBackward } from './backward-record.js';
import { collectGraph } from './graph.js';
import { buildPicture } from './picture.js';
import { type SvgOptions, renderSvg } from './svg.js';

/**
 * One SVG per backward step (plus the forward pass first): in frame k, a tensor shows its
 * gradient once every op that uses it has sent its part (k steps in), and the op of step k is
 * outlined in orange. The layout is the same in every frame.
 * @example
 * ```ts
 * toSvgFrames(f).forEach((svg, k) => writeFileSync(`f-${k}.svg`, svg));
 * ```
 */
export function toSvgFrames(y: Tensor, options: SvgOptions = {}): string[] {
  const graph = collectGraph(y, 'toSvgFrames');
  const { steps } = recordBackward(graph, 'toSvgFrames', options.gradOutput);
  const stepOf = new Map(steps.map((s, k) => [s.node.output!, k + 1] as const));
  // a tensor's gradient is complete after the last step among its consumers (the seed: at once)
  const ready = new Map<Tensor, number>([[y, 0]]);
  for (const n of graph.nodes) {
    const users = graph.consumers[n.id]!.map((c) => stepOf.get(graph.nodes[c]!.tensor) ?? Number.POSITIVE_INFINITY);
    if (users.length > 0) ready.set(n.tensor, Math.max(...users));
  }
  const frames: string[] = [];
  for (let k = 0; k <= steps.length; k++) {
    const known = new Set([...ready].filter(([, at]) => at <= k && k > 0).map(([t]) => t));
    const current = k === 0 ? null : steps[k - 1]!.node.output;
    const picture = buildPicture(y, 'toSvgFrames', options, { known, current });
    const title =
      k === 0 ? 'forward pass' : `backward step ${k} of ${steps.length}: ${graph.byTensor.get(current!)?.label}`;
    frames.push(
      renderSvg(picture, { ...options, title: options.title === undefined ? title : `${options.title}: ${title}` }),
    );
  }
  return frames;
}
