/**
 * The graph picture as TikZ, for LaTeX slides (Beamer): the same boxes and layout as `toSvg`,
 * one `\node` per box and one `\draw` per arrow, in a `tikzpicture` that needs only TikZ.
 */
import type { Tensor } from '@chainrule/autograd';
import { wireText } from './dot.js';
import { layeredLayout } from './layout.js';
import { type PictureOptions, buildPicture } from './picture.js';

/** Options of `toTikz`. */
export interface TikzOptions extends PictureOptions {
  /** Centimetres per 100 px of the SVG layout (default 2.2). */
  scale?: number;
  /** LR (default) or TB. */
  direction?: 'LR' | 'TB';
}

/** Unicode the notes use, as LaTeX that compiles without extra packages. */
const LATEX: Readonly<Record<string, string>> = {
  '·': '$\\cdot$',
  '−': '$-$',
  '∂': '$\\partial$',
  '—': '---',
  '×': '$\\times$',
  '÷': '$\\div$',
  '²': '$^2$',
  σ: '$\\sigma$',
  '√': '$\\surd$',
  '|': '$\\vert$',
};

/** Escapes text for LaTeX: its special characters and the notes' Unicode. */
export function escapeLatex(s: string): string {
  return [...s]
    .map((c) => {
      if (LATEX[c] !== undefined) return LATEX[c];
      if ('#$%&_{}'.includes(c)) return `\\${c}`;
      if (c === '\\') return '\\textbackslash{}';
      if (c === '^') return '\\^{}';
      if (c === '~') return '\\~{}';
      return c;
    })
    .join('');
}

/**
 * The graph that made `y` as a TikZ picture: boxes at the SVG layout's positions (inputs left,
 * output right), parameters orange, leaves dashed, the output doubled; every picture style works.
 * @example
 * ```ts
 * writeFileSync('f.tex', toTikz(f, { style: 'circuit' }));
 * ```
 */
export function toTikz(y: Tensor, options: TikzOptions = {}): string {
  const picture = buildPicture(y, 'toTikz', options);
  const boxes = picture.nodes.map((p) => ({
    width: Math.max(...p.lines.map((l) => [...l].length)) * 7.3 + 20,
    height: p.lines.length * 16 + 16,
  }));
  const layout = layeredLayout(boxes, picture.edges, { direction: options.direction ?? 'LR' });
  const cm = (options.scale ?? 2.2) / 100;
  const out = ['\\begin{tikzpicture}[>=stealth, font=\\footnotesize\\ttfamily]'];
  picture.nodes.forEach((p, i) => {
    const { x, y: top } = layout.positions[i]!;
    const cx = (x + boxes[i]!.width / 2) * cm;
    const cy = -(top + boxes[i]!.height / 2) * cm;
    const n = p.graphNode;
    const style = [
      p.form === 'gate' ? 'circle' : 'rounded corners',
      'draw',
      'align=center',
      n.kind === 'parameter' && p.form === 'box' ? 'draw=orange!80!black, fill=orange!10, thick' : '',
      n.kind === 'leaf' ? 'dashed, fill=gray!10' : '',
      n.kind === 'op' ? 'fill=blue!5' : '',
      n.isOutput && p.form === 'box' ? 'double, draw=red!70!black' : '',
      p.classes.includes('current') ? 'ultra thick, draw=orange' : '',
    ].filter((s) => s !== '');
    const text = p.lines.map(escapeLatex).join(' \\\\ ');
    out.push(`  \\node[${style.join(', ')}] (${p.key}) at (${num(cx)}, ${num(cy)}) {${text}};`);
  });
  for (const e of picture.edges) {
    const from = picture.nodes[e.from]!.key;
    const to = picture.nodes[e.to]!.key;
    const wire = wireText(e);
    const label =
      e.value !== undefined
        ? ` node[midway, above, text=green!50!black] {${escapeLatex(e.value)}}` +
          ` node[midway, below, text=red!70!black] {${escapeLatex(e.grad ?? '')}}`
        : e.label !== undefined
          ? ` node[midway, above] {${escapeLatex(wire ?? e.label)}}`
          : '';
    out.push(`  \\draw[->] (${from}) --${label} (${to});`);
  }
  out.push('\\end{tikzpicture}');
  return `${out.join('\n')}\n`;
}

function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}
