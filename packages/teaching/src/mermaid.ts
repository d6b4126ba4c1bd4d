import type { Tensor } from '@chainrule/autograd';
import { wireText } from './dot.js';
import { PALETTE, type PictureOptions, buildPicture } from './picture.js';

/**
 * The graph that made `y` as a Mermaid flowchart (renders on GitHub and in many Markdown
 * viewers): parameters as stadiums, plain leaves as dashed boxes, the output as a double box.
 * @example
 * ```ts
 * console.log('```mermaid\n' + toMermaid(f) + '```');
 * ```
 */
export function toMermaid(y: Tensor, options: PictureOptions = {}): string {
  const picture = buildPicture(y, 'toMermaid', options);
  const lines = ['flowchart LR'];
  if (options.title !== undefined) lines.unshift('---', `title: ${options.title.replace(/\n/g, ' ')}`, '---');
  for (const p of picture.nodes) {
    const n = p.graphNode;
    const text = `"${p.lines.map(escapeMermaid).join('<br/>')}"`;
    const shape =
      p.form === 'gate'
        ? `((${text}))`
        : n.isOutput
          ? `[[${text}]]`
          : n.kind === 'parameter'
            ? `([${text}])`
            : `[${text}]`;
    lines.push(`  ${p.key}${shape}`);
  }
  for (const e of picture.edges) {
    const from = picture.nodes[e.from]!.key,
      to = picture.nodes[e.to]!.key;
    const label = wireText(e) ?? e.label;
    lines.push(`  ${from} -->${label === undefined ? '' : `|"${escapeMermaid(label)}"|`} ${to}`);
  }
  lines.push(
    `  classDef op fill:${PALETTE.op.fill},stroke:${PALETTE.op.stroke}`,
    `  classDef parameter fill:${PALETTE.parameter.fill},stroke:${PALETTE.parameter.stroke},stroke-width:2px`,
    `  classDef leaf fill:${PALETTE.leaf.fill},stroke:${PALETTE.leaf.stroke},stroke-dasharray:4 3`,
    `  classDef output stroke:${PALETTE.output.stroke},stroke-width:3px`,
  );
  for (const kind of ['op', 'parameter', 'leaf', 'output'] as const) {
    const keys = picture.nodes.filter((p) => p.classes.includes(kind)).map((p) => p.key);
    if (keys.length > 0) lines.push(`  class ${keys.join(',')} ${kind}`);
  }
  return `${lines.join('\n')}\n`;
}

function escapeMermaid(s: string): string {
  return s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
