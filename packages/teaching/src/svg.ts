import type { Tensor } from '@chainrule/autograd';
import { type Layout, type Point, layeredLayout } from './layout.js';
import { PALETTE, type Picture, type PictureOptions, buildPicture } from './picture.js';

/** Options of `toSvg`. */
export interface SvgOptions extends PictureOptions {
  /** LR: inputs left, output right; TB: top to bottom; auto (default): LR up to 6 layers, else TB. */
  direction?: 'LR' | 'TB' | 'auto';
  /** Prefix of the SVG's element ids, so several pictures can share one page (default `chainrule`). */
  idPrefix?: string;
  /**
   * All inputs (leaves) in the first layer, as the notes draw them: true, false, or by default
   * whenever that crosses no more edges than placing each input beside its first use.
   */
  inputsOnOneRank?: boolean;
}

const FONT_SIZE = 12;
const CHAR_WIDTH = 7.3; // a 12px monospace glyph
const LINE_HEIGHT = 16;
const PAD_X = 10,
  PAD_Y = 8;
/** The diameter of a gate (an op drawn as its own node). */
const GATE_SIZE = 30;
/** The stroke of the node whose rule a frame of the backward pass shows. */
const CURRENT = '#e67e22';
/** The gap between layers when wires carry a value and a gradient. */
const WIRE_GAP = 90;

/**
 * The graph that made `y` as a self-contained SVG (no Graphviz): a layered layout with inputs on
 * the left and the output on the right; each box shows the op, shape, value and grad.
 * Parameters have an orange border, plain leaves a dashed grey one, the output a red double one.
 * @example
 * ```ts
 * writeFileSync('f.svg', toSvg(f));
 * ```
 */
export function toSvg(y: Tensor, options: SvgOptions = {}): string {
  return renderSvg(buildPicture(y, 'toSvg', options), options);
}

/** Renders an already built picture (toHtml uses it). */
export function renderSvg(picture: Picture, options: SvgOptions = {}): string {
  const prefix = options.idPrefix ?? 'chainrule';
  const boxes = picture.nodes.map((p) => {
    const text = Math.ceil(Math.max(...p.lines.map((l) => [...l].length)) * CHAR_WIDTH);
    if (p.form === 'gate') {
      const d = Math.max(GATE_SIZE, text + 12);
      return { width: d, height: GATE_SIZE };
    }
    return { width: text + 2 * PAD_X, height: p.lines.length * LINE_HEIGHT + 2 * PAD_Y };
  });
  // the circuit style writes a value above and a gradient below each wire: leave room for them
  const wired = picture.edges.some((e) => e.value !== undefined || e.grad !== undefined);
  const direction =
    options.direction === 'LR' || options.direction === 'TB'
      ? options.direction
      : layerCount(picture) > 6
        ? 'TB'
        : 'LR';
  // inputs on one rank, as the notes draw them, unless that crosses more edges than leaving each
  // input next to its first use
  const base = wired ? { direction, columnGap: WIRE_GAP, rowGap: 36 } : { direction };
  // the graph's inputs: leaves that require grad or have a name (an unnamed constant stays by its use)
  const isInput = (b: number): boolean => {
    const n = picture.nodes[b]!.graphNode;
    return n.node === null && (n.tensor.requiresGrad || n.tensor.name !== undefined);
  };
  const ranked = layeredLayout(boxes, picture.edges, { ...base, firstLayer: isInput });
  const layout =
    options.inputsOnOneRank === false || (options.inputsOnOneRank === undefined && ranked.crossings > 0)
      ? pickFewerCrossings(ranked, layeredLayout(boxes, picture.edges, base), options.inputsOnOneRank)
      : ranked;
  const titleHeight = options.title === undefined ? 0 : 28;
  const width = Math.ceil(layout.width),
    height = Math.ceil(layout.height + titleHeight);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
      ` font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace"` +
      ` font-size="${FONT_SIZE}">`,
  );
  if (options.title !== undefined) out.push(`<title>${escapeXml(options.title)}</title>`);
  out.push('<defs>');
  out.push(
    `<marker id="${prefix}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" ` +
      `orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>`,
  );
  out.push('</defs>');
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (options.title !== undefined)
    out.push(`<text x="16" y="20" font-size="14" font-weight="bold" fill="#222">${escapeXml(options.title)}</text>`);
  out.push(`<g transform="translate(0 ${titleHeight})">`);
  out.push('<g class="edges" fill="none" stroke="#555" stroke-width="1.3">');
  picture.edges.forEach((e, k) => {
    const pts = layout.edgePoints[k]!;
    out.push(
      `<path class="edge" data-from="${picture.nodes[e.from]!.key}" data-to="${picture.nodes[e.to]!.key}" ` +
        `d="${curve(pts, direction)}" marker-end="url(#${prefix}-arrow)"/>`,
    );
  });
  out.push('</g>');
  out.push('<g class="edge-labels" font-size="10" fill="#555">');
  picture.edges.forEach((e, k) => {
    if (e.label === undefined) return;
    const end = layout.edgePoints[k]![layout.edgePoints[k]!.length - 1]!;
    const at = direction === 'TB' ? { x: end.x + 4, y: end.y - 5 } : { x: end.x - 11, y: end.y - 3 };
    out.push(`<text x="${fmt(at.x)}" y="${fmt(at.y)}">${escapeXml(e.label)}</text>`);
  });
  out.push('</g>');
  if (wired) out.push(wireLabels(picture, layout.edgePoints));
  out.push('<g class="nodes">');
  picture.nodes.forEach((p, i) => {
    const n = p.graphNode;
    const { x, y } = layout.positions[i]!;
    const box = boxes[i]!;
    const colours = PALETTE[n.kind];
    const current = p.classes.includes('current');
    const stroke = current ? CURRENT : n.isOutput ? PALETTE.output.stroke : colours.stroke;
    const strokeWidth = current ? 3.5 : n.isOutput ? 2.5 : n.kind === 'parameter' ? 2 : 1.2;
    const dash = n.kind === 'leaf' ? ' stroke-dasharray="4 3"' : '';
    out.push(`<g class="node ${p.classes.join(' ')}" id="${prefix}-${p.key}">`);
    if (p.form === 'gate') {
      const cx = x + box.width / 2;
      const cy = y + box.height / 2;
      out.push(
        `<ellipse cx="${fmt(cx)}" cy="${fmt(cy)}" rx="${fmt(box.width / 2)}" ry="${fmt(box.height / 2)}" ` +
          `fill="${colours.fill}" stroke="${colours.stroke}" stroke-width="1.5"/>`,
        `<text x="${fmt(cx)}" y="${fmt(cy + 4)}" text-anchor="middle" font-weight="bold" fill="#1d1d1d">` +
          `${escapeXml(p.lines[0]!)}</text>`,
        '</g>',
      );
      return;
    }
    out.push(
      `<rect x="${fmt(x)}" y="${fmt(y)}" width="${box.width}" height="${box.height}" rx="6" ` +
        `fill="${colours.fill}" stroke="${stroke}" stroke-width="${strokeWidth}"${dash}/>`,
    );
    if (n.isOutput)
      out.push(
        `<rect x="${fmt(x - 4)}" y="${fmt(y - 4)}" width="${box.width + 8}" height="${box.height + 8}" rx="9" ` +
          `fill="none" stroke="${stroke}" stroke-width="1"/>`,
      );
    p.lines.forEach((line, j) => {
      const weight = j === 0 ? ' font-weight="bold"' : '';
      out.push(
        `<text x="${fmt(x + PAD_X)}" y="${fmt(y + PAD_Y + (j + 1) * LINE_HEIGHT - 4)}" ` +
          `fill="#1d1d1d"${weight}>${escapeXml(line)}</text>`,
      );
    });
    out.push('</g>');
  });
  out.push('</g>', '</g>', '</svg>');
  return `${out.join('\n')}\n`;
}

function pickFewerCrossings(ranked: Layout, free: Layout, asked: boolean | undefined): Layout {
  if (asked === false) return free;
  return free.crossings < ranked.crossings ? free : ranked;
}

/** The circuit style's wire texts: the value above each wire (green), its gradient below (red). */
function wireLabels(picture: Picture, edgePoints: readonly (readonly Point[])[]): string {
  const out = ['<g class="wire-labels" font-size="11" text-anchor="middle">'];
  picture.edges.forEach((e, k) => {
    const pts = edgePoints[k]!;
    const a = pts[pts.length - 2] ?? pts[0]!;
    const b = pts[pts.length - 1]!;
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    if (e.value !== undefined)
      out.push(
        `<text class="wire-value" x="${fmt(mid.x)}" y="${fmt(mid.y - 5)}" fill="#2e7d32">${escapeXml(e.value)}</text>`,
      );
    if (e.grad !== undefined)
      out.push(
        `<text class="wire-grad" x="${fmt(mid.x)}" y="${fmt(mid.y + 14)}" fill="#b03a2e">${escapeXml(e.grad)}</text>`,
      );
  });
  out.push('</g>');
  return out.join('\n');
}

/** A smooth path through the points, tangent to the flow (an S-curve per segment). */
function curve(points: readonly Point[], direction: 'LR' | 'TB'): string {
  let d = `M${fmt(points[0]!.x)},${fmt(points[0]!.y)}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!,
      b = points[i]!;
    if (direction === 'TB') {
      const mid = (a.y + b.y) / 2;
      d += ` C${fmt(a.x)},${fmt(mid)} ${fmt(b.x)},${fmt(mid)} ${fmt(b.x)},${fmt(b.y)}`;
    } else {
      const mid = (a.x + b.x) / 2;
      d += ` C${fmt(mid)},${fmt(a.y)} ${fmt(mid)},${fmt(b.y)} ${fmt(b.x)},${fmt(b.y)}`;
    }
  }
  return d;
}

/** The number of layers: the longest path from a leaf to the output, plus one. */
function layerCount(picture: Picture): number {
  const depth = new Array<number>(picture.nodes.length).fill(0);
  // edges come in forward order
  for (const e of picture.edges) depth[e.to] = Math.max(depth[e.to]!, depth[e.from]! + 1);
  return Math.max(0, ...depth) + 1;
}

/** Coordinates to 0.1 px, so the text is stable. */
function fmt(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** Escapes text for XML and HTML. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
