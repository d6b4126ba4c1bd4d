// Graph pictures: DOT, Mermaid, SVG and HTML of a recorded graph, deterministic for snapshots,
// with a layout that keeps boxes apart and edges pointing forward; the HTML is looked at in a
// headless Chromium when one is installed.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutogradError, type Tensor, tensor } from '@chainrule/autograd';
import { named, toDot, toHtml, toMermaid, toSvg } from '@chainrule/teaching';
import { layeredLayout } from '../src/layout.js';
import { layerGraph } from '../../../examples/teaching/graph-pictures.js';
import { notesGraph } from '../../../examples/teaching/notes-graph.js';
import { findChromium, screenshotPictures } from '../../../examples/teaching/screenshot.js';

interface Box {
  key: string;
  classes: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The node boxes of an SVG (first rect of each node group). */
function boxesOf(svg: string): Box[] {
  const re = new RegExp(
    /<g class="node ([^"]+)" id="chainrule-(n[\d_]+)">\n/.source +
      /<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)"/.source,
    'g',
  );
  return [...svg.matchAll(re)].map((m) => ({ classes: m[1]!, key: m[2]!, x: +m[3]!, y: +m[4]!, w: +m[5]!, h: +m[6]! }));
}

/** Each edge's first and last point. */
function edgesOf(svg: string): { from: string; to: string; start: [number, number]; end: [number, number] }[] {
  const re = /<path class="edge" data-from="(n[\d_]+)" data-to="(n[\d_]+)" d="([^"]+)"/g;
  return [...svg.matchAll(re)].map((m) => {
    const v = m[3]!.match(/-?[\d.]+/g)!.map(Number);
    return { from: m[1]!, to: m[2]!, start: [v[0]!, v[1]!], end: [v[v.length - 2]!, v[v.length - 1]!] };
  });
}

const overlap = (a: Box, b: Box): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('graph pictures of f = (x + y)·z', () => {
  it('DOT: one box per tensor with op, shape, value and grad; parameters and the output marked', () => {
    expect(toDot(notesGraph().f, { style: 'full' })).toMatchInlineSnapshot(`
      "digraph chainrule {
        rankdir=LR;
        node [shape=box, style="rounded,filled", fontname="monospace", fontsize=11];
        n0 [label="x · parameter\\nshape [] float64\\nvalue -2\\ngrad -4", fillcolor="#fff3dc", \
color="#c77c00", penwidth=2];
        n1 [label="y · parameter\\nshape [] float64\\nvalue 5\\ngrad -4", fillcolor="#fff3dc", \
color="#c77c00", penwidth=2];
        n2 [label="q · add\\nshape [] float64\\nvalue 3\\ngrad -4", fillcolor="#eef3fb", color="#4a6fa5"];
        n3 [label="z · parameter\\nshape [] float64\\nvalue -4\\ngrad 3", fillcolor="#fff3dc", \
color="#c77c00", penwidth=2];
        n4 [label="f · mul · output\\nshape [] float64\\nvalue -12\\ngrad 1", fillcolor="#eef3fb", \
color="#b03a2e", penwidth=2, peripheries=2];
        n0 -> n2;
        n1 -> n2;
        n2 -> n4;
        n3 -> n4;
      }
      "
    `);
  });

  it('Mermaid: stadiums for parameters, a double box for the output', () => {
    const m = toMermaid(notesGraph().f);
    expect(m.split('\n')[0]).toBe('flowchart LR');
    expect(m).toContain('n0(["x · parameter<br/>value -2<br/>grad -4"])');
    expect(m).toContain('n2["q · add<br/>value 3<br/>grad -4"]');
    expect(m).toContain('n4[["f · mul · output<br/>value -12<br/>grad 1"]]');
    expect(m).toContain('class n0,n1,n3 parameter');
    expect(m).toContain('class n4 output');
    expect(m).toMatchInlineSnapshot(`
      "flowchart LR
        n0(["x · parameter<br/>value -2<br/>grad -4"])
        n1(["y · parameter<br/>value 5<br/>grad -4"])
        n2["q · add<br/>value 3<br/>grad -4"]
        n3(["z · parameter<br/>value -4<br/>grad 3"])
        n4[["f · mul · output<br/>value -12<br/>grad 1"]]
        n0 --> n2
        n1 --> n2
        n2 --> n4
        n3 --> n4
        classDef op fill:#eef3fb,stroke:#4a6fa5
        classDef parameter fill:#fff3dc,stroke:#c77c00,stroke-width:2px
        classDef leaf fill:#f3f3f3,stroke:#8a8a8a,stroke-dasharray:4 3
        classDef output stroke:#b03a2e,stroke-width:3px
        class n2,n4 op
        class n0,n1,n3 parameter
        class n4 output
      "
    `);
  });

  it('is deterministic: ids are per call, not global counters', () => {
    const first = notesGraph().f;
    notesGraph(); // more graphs made in between must not shift the ids
    const second = notesGraph().f;
    for (const draw of [toDot, toMermaid, toSvg, toHtml]) {
      expect(draw(first)).toBe(draw(second));
      expect(draw(first)).toBe(draw(first));
    }
  });

  it('SVG and HTML keep their text stable', async () => {
    await expect(toSvg(notesGraph().f)).toMatchFileSnapshot('__snapshots__/teaching/notes.svg');
    await expect(toHtml(notesGraph().f, { title: 'f = (x + y)·z' })).toMatchFileSnapshot(
      '__snapshots__/teaching/notes.html',
    );
  });

  it('SVG: boxes do not overlap, every edge points right, inputs before the ops that use them', () => {
    const svg = toSvg(notesGraph().f);
    const boxes = boxesOf(svg);
    expect(boxes.map((b) => b.key)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(boxes.map((b) => b.classes)).toEqual(['parameter', 'parameter', 'op', 'parameter', 'op output']);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++)
        expect(overlap(boxes[i]!, boxes[j]!), `${boxes[i]!.key} ${boxes[j]!.key}`).toBe(false);
    const byKey = new Map(boxes.map((b) => [b.key, b]));
    const edges = edgesOf(svg);
    expect(edges.map((e) => `${e.from}->${e.to}`)).toEqual(['n0->n2', 'n1->n2', 'n2->n4', 'n3->n4']);
    for (const e of edges) {
      const from = byKey.get(e.from)!,
        to = byKey.get(e.to)!;
      expect(e.start[0]).toBeCloseTo(from.x + from.w, 0); // leaves the source's right side
      expect(e.end[0]).toBeCloseTo(to.x, 0); // reaches the target's left side
      expect(e.end[0]).toBeGreaterThan(e.start[0]);
    }
  });

  it('HTML: a page with the picture, a legend and the chain-rule trace', () => {
    const html = toHtml(notesGraph().f, { title: 'f = (x + y)·z' });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>f = (x + y)·z</title>');
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).toContain('parameter (leaf with grad)');
    expect(html).toContain('x: local ∂q/∂x = 1   ∂f/∂x = ∂f/∂q · ∂q/∂x = (-4) · 1 = -4');
    expect(html).not.toMatch(/<script/i);
  });
});

describe('graph pictures of other graphs', () => {
  it('marks plain leaves (data, constants) apart from parameters and shows no grad for them', () => {
    const dot = toDot(layerGraph());
    expect(dot).toMatch(
      new RegExp(
        'n\\d+ \\[label="t · leaf\\\\nshape \\[3\\] float64\\\\nvalue \\[0, 1, 0\\]\\\\ngrad —", ' +
          '[^\\]]*style="rounded,filled,dashed"',
      ),
    );
    expect(dot).toContain('label="b · parameter\\nshape [3] float64\\nvalue [0.1, -0.2, 0.05]\\ngrad [');
    expect(dot).toContain('0.5 · leaf');
    expect(dot).toMatch(/-> n\d+ \[label="0"\];/); // matmul's inputs are numbered
  });

  it('summarizes large tensors in the boxes', () => {
    const W = named(
      tensor(
        Array.from({ length: 4 }, (_, i) => [i, i + 1, i + 2]),
        { requiresGrad: true, dtype: 'float64' },
      ),
      'W',
    );
    expect(toDot(named(W.square().sum(), 'L'))).toContain(
      'W · parameter\\nshape [4,3] float64\\nvalue [4,3] min 0 max 5 mean 2.5\\ngrad [4,3] min 0 max 10 mean 5',
    );
  });

  it('draws a non-scalar output without grads unless gradOutput is given', () => {
    const x = named(tensor([1, 2], { requiresGrad: true, dtype: 'float64' }), 'x');
    const y = named(x.mul(3), 'y');
    expect(toDot(y)).toContain('y · mul · output\\nshape [2] float64\\nvalue [3, 6]\\ngrad —');
    expect(toDot(y, { gradOutput: tensor([1, 1], { dtype: 'float64' }) })).toContain(
      'x · parameter\\nshape [2] float64\\nvalue [1, 2]\\ngrad [3, 3]',
    );
    expect(toDot(named(x.sum(), 's'), { grads: false })).toContain('grad —');
  });

  it('lays a deep graph top to bottom, with no overlaps and every edge pointing down', () => {
    const svg = toSvg(layerGraph());
    const boxes = boxesOf(svg);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!)).toBe(false);
    const byKey = new Map(boxes.map((b) => [b.key, b]));
    for (const e of edgesOf(svg)) {
      expect(e.end[1]).toBeCloseTo(byKey.get(e.to)!.y, 0);
      expect(e.end[1]).toBeGreaterThan(e.start[1]);
    }
  });

  it('draws a 7000-op chain (no recursion anywhere)', () => {
    let y: Tensor = named(tensor(1, { requiresGrad: true, dtype: 'float64' }), 'x');
    for (let i = 0; i < 7000; i++) y = y.neg();
    const dot = toDot(y, { grads: false });
    expect(dot.match(/->/g)).toHaveLength(7000);
  });

  it('draws a constant shared by 300 ops next to each use, so every edge joins neighbouring layers', () => {
    let y: Tensor = named(tensor(1, { requiresGrad: true, dtype: 'float64' }), 'x');
    for (let i = 0; i < 300; i++) y = y.mul(2);
    const svg = toSvg(y, { direction: 'TB' });
    expect(boxesOf(svg)).toHaveLength(601);
    expect(svg.match(/>2 · leaf</g)).toHaveLength(300);
    for (const e of edgesOf(svg)) expect(e.end[1] - e.start[1]).toBeCloseTo(44, 0); // one layer gap: no long edges
  });

  it('draws a graph after a plain backward() as before it', () => {
    const before = toSvg(notesGraph().f);
    const { f } = notesGraph();
    f.backward();
    expect(toSvg(f)).toBe(before);
    expect(toDot(f)).toBe(toDot(notesGraph().f));
  });

  it('refuses a graph whose large values backward() has freed', () => {
    const x = tensor(new Array(2000).fill(0.5), { dtype: 'float64', requiresGrad: true });
    const f = x.exp().sum();
    f.backward();
    expect(() => toSvg(f)).toThrow(AutogradError);
    expect(() => toDot(f)).toThrow(/retainGraph/);
  });
});

describe('layeredLayout', () => {
  it('puts a box one layer before its earliest consumer and the output last', () => {
    // 0 -> 2, 1 -> 2, 2 -> 4, 3 -> 4 (the notes graph), plus a long edge 0 -> 4
    const boxes = Array.from({ length: 5 }, () => ({ width: 40, height: 20 }));
    const layout = layeredLayout(boxes, [
      { from: 0, to: 2 },
      { from: 1, to: 2 },
      { from: 2, to: 4 },
      { from: 3, to: 4 },
      { from: 0, to: 4 },
    ]);
    expect(layout.columns).toEqual([0, 0, 1, 1, 2]);
    expect(layout.edgePoints[4]).toHaveLength(3); // a dummy point in the middle layer
  });

  it('orders a layer by barycenters to remove a crossing', () => {
    // a0 -> b1, a1 -> b0: in id order the two edges cross
    const boxes = Array.from({ length: 5 }, () => ({ width: 40, height: 20 }));
    const edges = [
      { from: 0, to: 3 },
      { from: 1, to: 2 },
      { from: 2, to: 4 },
      { from: 3, to: 4 },
    ];
    const layout = layeredLayout(boxes, edges);
    const y = (b: number): number => layout.positions[b]!.y;
    expect(Math.sign(y(0) - y(1))).toBe(Math.sign(y(3) - y(2)));
  });
});

describe('the HTML page in a browser', () => {
  it('renders the graph in headless Chromium (skipped when no Chromium is installed)', (ctx) => {
    const chromium = findChromium();
    if (chromium === null) {
      ctx.skip();
      return;
    }
    const folder = mkdtempSync(join(tmpdir(), 'chainrule-shot-'));
    const [shot] = screenshotPictures(chromium, folder, ['layer']);
    expect(readFileSync(shot!.png).subarray(1, 4).toString()).toBe('PNG');
    expect([shot!.width, shot!.height]).toEqual([1000, 1500]);
    // the boxes' colours are on screen: parameter fill, op fill, the output's red border
    // (the legend alone has far fewer)
    expect(shot!.parameterFill).toBeGreaterThan(5000);
    expect(shot!.opFill).toBeGreaterThan(5000);
    expect(shot!.outputStroke).toBeGreaterThan(400);
  }, 60_000);
});

describe('picture styles', () => {
  it('auto is compact for scalars (no shape line) and full for tensors', () => {
    expect(toDot(notesGraph().f)).toContain('label="q · add\\nvalue 3\\ngrad -4"');
    expect(toDot(notesGraph().f, { style: 'compact' })).toBe(toDot(notesGraph().f));
    const W = tensor([[1, 2]], { requiresGrad: true });
    expect(toDot(W.sum())).toContain('shape [1,2] float32');
    expect(() => toDot(notesGraph().f, { style: 'fancy' as 'full' })).toThrow(/style must be/);
  });

  it('micrograd: a data | grad box per tensor and each op as its own small node', () => {
    const dot = toDot(notesGraph().f, { style: 'micrograd' });
    expect(dot).toContain('n2_op [label="+"');
    expect(dot).toContain('shape=circle');
    expect(dot).toContain('n2 [label="q | data 3 | grad -4"');
    expect(dot).toContain('n4 [label="f | data -12 | grad 1"');
    for (const edge of ['n0 -> n2_op', 'n1 -> n2_op', 'n2_op -> n2', 'n2 -> n4_op', 'n3 -> n4_op', 'n4_op -> n4'])
      expect(dot).toContain(`  ${edge};`);
    expect(toSvg(notesGraph().f, { style: 'micrograd' })).toContain('<ellipse');
  });

  it('circuit: gates, values above and each use’s gradient below the wires', () => {
    const dot = toDot(notesGraph().f, { style: 'circuit' });
    expect(dot).toContain('n0 -> n2 [label="-2 / -4"]');
    expect(dot).toContain('n2 -> n4 [label="3 / -4"]');
    expect(dot).toContain('n3 -> n4 [label="-4 / 3"]');
    expect(dot).toContain('n4 -> n4_out [label="-12 / 1"]');
    // fan-out: w is used twice in w·w, and each wire carries its own part (3 and 3), not the total 6
    const w = named(tensor(3, { dtype: 'float64', requiresGrad: true }), 'w');
    const svg = toSvg(named(w.mul(w), 'u'), { style: 'circuit' });
    expect(svg.match(/class="wire-grad"[^>]*>3</g)).toHaveLength(2);
    expect(svg).toMatch(/class="wire-value"[^>]*>9</);
    expect(toMermaid(notesGraph().f, { style: 'circuit' })).toContain('n0 -->|"-2 / -4"| n2');
  });
});

describe('frames and TikZ', () => {
  it('toSvgFrames: the forward pass, then a frame per backward step, gradients as they complete', async () => {
    const { toSvgFrames } = await import('@chainrule/teaching');
    const frames = toSvgFrames(notesGraph().f);
    expect(frames).toHaveLength(3); // forward, then mul, then add
    expect(frames[0]).toContain('<title>forward pass</title>');
    expect(frames[0]!.match(/>grad —</g)).toHaveLength(5);
    expect(frames[1]).toContain('backward step 1 of 2: f');
    // after mul's rule: f, q and z know their gradients; x and y wait for add
    expect(frames[1]).toContain('>grad -4<'); // q
    expect(frames[1]).toContain('>grad 3<'); // z
    expect(frames[1]!.match(/>grad —</g)).toHaveLength(2);
    expect(frames[2]!.match(/>grad —</g)).toBeNull();
    expect(frames[1]).toContain('stroke="#e67e22"'); // the current node is outlined
    const boxes = (svg: string) => svg.match(/<rect x="[\d.]+" y="[\d.]+"/g);
    expect(boxes(frames[1]!)).toEqual(boxes(frames[2]!)); // the same layout in every frame
  });

  it('toTikz: a tikzpicture with a node per box, LaTeX-escaped, and the circuit wires', async () => {
    const { toTikz, escapeLatex } = await import('@chainrule/teaching');
    const tex = toTikz(notesGraph().f);
    expect(tex.startsWith('\\begin{tikzpicture}')).toBe(true);
    expect(tex.trimEnd().endsWith('\\end{tikzpicture}')).toBe(true);
    expect(tex.match(/\\node\[/g)).toHaveLength(5);
    expect(tex).toContain('{q $\\cdot$ add \\\\ value 3 \\\\ grad -4}');
    expect(tex).toContain('\\draw[->] (n2) -- (n4);');
    const circuit = toTikz(notesGraph().f, { style: 'circuit' });
    expect(circuit).toContain(
      'node[midway, above, text=green!50!black] {-2} node[midway, below, text=red!70!black] {-4}',
    );
    expect(escapeLatex('a_b & 50% #1 {x} ^ ~ \\')).toBe('a\\_b \\& 50\\% \\#1 \\{x\\} \\^{} \\~{} \\textbackslash{}');
  });
});

describe('layout for slides', () => {
  it('puts the inputs on one rank and keeps constants by their use', () => {
    const svg = toSvg(notesGraph().f);
    const xOf = (key: string) => Number(new RegExp(`id="chainrule-${key}">\\n<rect x="([\\d.]+)"`).exec(svg)![1]);
    expect([xOf('n0'), xOf('n1'), xOf('n3')]).toEqual([16, 16, 16]); // x, y and z
    const layout = layeredLayout(
      [
        { width: 10, height: 10 },
        { width: 10, height: 10 },
        { width: 10, height: 10 },
        { width: 10, height: 10 },
      ],
      [
        { from: 0, to: 2 },
        { from: 2, to: 3 },
        { from: 1, to: 3 },
      ],
      { firstLayer: () => true },
    );
    expect(layout.columns).toEqual([0, 0, 1, 2]);
    expect(layout.crossings).toBe(0);
  });
});
