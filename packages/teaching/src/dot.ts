import type { Tensor } from '@chainrule/autograd';
import { PALETTE, type PictureEdge, type PictureOptions, buildPicture } from './picture.js';

/**
 * The graph that made `y` in Graphviz DOT: one box per tensor (op, shape, value, grad);
 * parameters, plain leaves and the output are styled apart. Deterministic for snapshot tests.
 * @example
 * ```ts
 * writeFileSync('f.dot', toDot(f)); // then: dot -Tpng f.dot -o f.png
 * ```
 */
export function toDot(y: Tensor, options: PictureOptions = {}): string {
  const picture = buildPicture(y, 'toDot', options);
  const lines = [
    'digraph chainrule {',
    '  rankdir=LR;',
    '  node [shape=box, style="rounded,filled", fontname="monospace", fontsize=11];',
  ];
  if (options.title !== undefined) lines.push(`  label="${escapeDot(options.title)}";`, '  labelloc=t;');
  for (const p of picture.nodes) {
    const n = p.graphNode;
    const colours = PALETTE[n.kind];
    const attrs = [
      `label="${p.lines.map(escapeDot).join('\\n')}"`,
      `fillcolor="${colours.fill}"`,
      `color="${n.isOutput ? PALETTE.output.stroke : colours.stroke}"`,
    ];
    if (p.form === 'gate') attrs.push('shape=circle', 'style=filled', 'fixedsize=false');
    else if (n.kind === 'leaf') attrs.push('style="rounded,filled,dashed"');
    if (n.kind === 'parameter' || n.isOutput) attrs.push('penwidth=2');
    if (n.isOutput && p.form === 'box') attrs.push('peripheries=2');
    lines.push(`  ${p.key} [${attrs.join(', ')}];`);
  }
  for (const e of picture.edges) {
    const from = picture.nodes[e.from]!.key,
      to = picture.nodes[e.to]!.key;
    const text = wireText(e) ?? e.label;
    lines.push(`  ${from} -> ${to}${text === undefined ? '' : ` [label="${escapeDot(text)}"]`};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** The circuit style's wire text, `value / grad` (with the slot first where inputs are ordered). */
export function wireText(e: PictureEdge): string | undefined {
  if (e.value === undefined && e.grad === undefined) return undefined;
  const text = `${e.value ?? ''} / ${e.grad ?? '—'}`;
  return e.label === undefined ? text : `${e.label}: ${text}`;
}

function escapeDot(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
