/**
 * A small layered layout for graph pictures (no Graphviz needed): longest-path layering from
 * the output, dummy points on edges that span several layers, barycenter ordering within
 * layers (keeping the order with the fewest crossings), then columns left to right.
 * Everything is iterative and deterministic.
 */

/** A box to place. */
export interface LayoutBox {
  readonly width: number;
  readonly height: number;
}

/** An edge from box `from` to box `to` (indices into the boxes). */
export interface LayoutEdge {
  readonly from: number;
  readonly to: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Where everything went. */
export interface Layout {
  /** Top-left corner of each box. */
  readonly positions: readonly Point[];
  /** The layer of each box (0 = leftmost, or topmost for TB). */
  readonly columns: readonly number[];
  /** For each edge: its points from the source's right (bottom) side to the target's left (top) side. */
  readonly edgePoints: readonly (readonly Point[])[];
  readonly width: number;
  readonly height: number;
  /** Edge crossings between adjacent layers (long edges counted through their dummy points). */
  readonly crossings: number;
}

export interface LayoutOptions {
  /** LR: inputs on the left, the output on the right (default); TB: inputs at the top, the output at the bottom. */
  direction?: 'LR' | 'TB';
  /** Gap between layers. */
  columnGap?: number;
  rowGap?: number;
  margin?: number;
  /** Barycenter sweeps (each one left-to-right then right-to-left). */
  sweeps?: number;
  /** Past this many dummy points in all, long edges are drawn straight across the layers (default 20000). */
  maxDummies?: number;
  /** The boxes with no incoming edge (the graph's inputs) to put in the first layer (default none). */
  firstLayer?: (box: number) => boolean;
}

/** A slot in a layer: a real box or a dummy point of a long edge. */
interface Slot {
  readonly box: number; // -1 for a dummy
  readonly key: number; // sorting tie-breaker
  readonly preds: number[]; // slot indices in the previous layer
  readonly succs: number[]; // slot indices in the next layer
}

/**
 * Lays boxes out in layers so every edge points right (or down, for TB). Boxes without outgoing
 * edges (the output) go in the last layer; every other box sits one layer before its earliest
 * consumer.
 */
export function layeredLayout(
  boxes: readonly LayoutBox[],
  edges: readonly LayoutEdge[],
  options: LayoutOptions = {},
): Layout {
  const columnGap = options.columnGap ?? (options.direction === 'TB' ? 44 : 56),
    rowGap = options.rowGap ?? 18,
    margin = options.margin ?? 16;
  const sweeps = options.sweeps ?? 4;
  const n = boxes.length;
  const depth = longestPathDepths(n, edges);
  const maxDepth = Math.max(0, ...depth);
  const hasInput = new Array<boolean>(n).fill(false);
  for (const e of edges) hasInput[e.to] = true;
  const first = options.firstLayer;
  const columns = depth.map((d, b) => (first !== undefined && !hasInput[b] && first(b) ? 0 : maxDepth - d));

  // slots per layer, with dummies on long edges
  const layers: Slot[][] = Array.from({ length: maxDepth + 1 }, () => []);
  const slotOf: { layer: number; index: number }[] = new Array(n);
  for (let b = 0; b < n; b++) {
    const layer = columns[b]!;
    slotOf[b] = { layer, index: layers[layer]!.length };
    layers[layer]!.push({ box: b, key: b, preds: [], succs: [] });
  }
  // long edges get a dummy point in every layer they cross, unless that would be too many
  let span = 0;
  for (const e of edges) span += Math.max(0, columns[e.to]! - columns[e.from]! - 1);
  const withDummies = span <= (options.maxDummies ?? 20_000);
  const edgeSlots: { layer: number; index: number }[][] = edges.map((e, k) => {
    const chain = [slotOf[e.from]!];
    for (let layer = columns[e.from]! + 1; withDummies && layer < columns[e.to]!; layer++) {
      const index = layers[layer]!.length;
      layers[layer]!.push({ box: -1, key: n + k, preds: [], succs: [] });
      chain.push({ layer, index });
    }
    chain.push(slotOf[e.to]!);
    for (let i = 0; i + 1 < chain.length; i++) {
      const a = chain[i]!,
        b = chain[i + 1]!;
      if (b.layer !== a.layer + 1) continue; // a long edge drawn straight: no neighbours to order by
      layers[a.layer]![a.index]!.succs.push(b.index);
      layers[b.layer]![b.index]!.preds.push(a.index);
    }
    return chain;
  });

  const order = orderLayers(layers, sweeps);

  // coordinates: layers along the main axis (x for LR, y for TB), slots stacked and centred across it
  const tb = options.direction === 'TB';
  const along = (b: LayoutBox): number => (tb ? b.height : b.width);
  const across = (b: LayoutBox): number => (tb ? b.width : b.height);
  const slotAcross = (s: Slot): number => (s.box < 0 ? 8 : across(boxes[s.box]!));
  const layerThickness = layers.map((layer) =>
    Math.max(8, ...layer.map((s) => (s.box < 0 ? 8 : along(boxes[s.box]!)))),
  );
  const layerStart: number[] = [];
  let main = margin;
  for (const t of layerThickness) {
    layerStart.push(main);
    main += t + columnGap;
  }
  const gap = tb ? columnGap / 2 : rowGap;
  const layerLength = order.map(
    (o, l) => o.reduce((h, i) => h + slotAcross(layers[l]![i]!), 0) + gap * Math.max(0, o.length - 1),
  );
  const totalAcross = Math.max(0, ...layerLength);
  const slotPos: Point[][] = layers.map((layer) => new Array<Point>(layer.length));
  order.forEach((o, l) => {
    let c = margin + (totalAcross - layerLength[l]!) / 2;
    for (const i of o) {
      const s = layers[l]![i]!;
      const thickness = s.box < 0 ? 8 : along(boxes[s.box]!);
      const m = layerStart[l]! + (layerThickness[l]! - thickness) / 2;
      slotPos[l]![i] = tb ? { x: c, y: m } : { x: m, y: c };
      c += slotAcross(s) + gap;
    }
  });

  const positions: Point[] = new Array(n);
  for (let b = 0; b < n; b++) positions[b] = slotPos[slotOf[b]!.layer]![slotOf[b]!.index]!;
  // a box's incoming edges arrive spread along its side, in edge order (so input order shows)
  const inCount = new Array<number>(n).fill(0);
  const inIndex = edges.map((e) => inCount[e.to]!++);
  const edgePoints = edges.map((e, k) => {
    const chain = edgeSlots[k]!;
    const last = chain.length - 1;
    const share = (inIndex[k]! + 1) / (inCount[e.to]! + 1);
    return chain.map((c, i) => {
      const p = slotPos[c.layer]![c.index]!;
      const s = layers[c.layer]![c.index]!;
      if (s.box < 0) return { x: p.x + 4, y: p.y + 4 };
      const box = boxes[s.box]!;
      const f = i === last ? share : 0.5;
      if (tb) return { x: p.x + box.width * f, y: i === 0 ? p.y + box.height : p.y };
      return { x: i === 0 ? p.x + box.width : p.x, y: p.y + box.height * f };
    });
  });
  const mainLength = main - columnGap + margin,
    acrossLength = totalAcross + 2 * margin;
  return {
    positions,
    columns,
    edgePoints,
    width: Math.max(0, tb ? acrossLength : mainLength),
    height: tb ? mainLength : acrossLength,
    crossings: countCrossings(layers, order),
  };
}

/** depth[b] = the longest path from b to a box with no outgoing edge, found without recursion. */
function longestPathDepths(n: number, edges: readonly LayoutEdge[]): number[] {
  const outs: number[][] = Array.from({ length: n }, () => []);
  const ins: number[][] = Array.from({ length: n }, () => []);
  for (const e of edges) {
    outs[e.from]!.push(e.to);
    ins[e.to]!.push(e.from);
  }
  // Kahn's algorithm from the sinks backwards
  const pending = outs.map((o) => o.length);
  const depth = new Array<number>(n).fill(0);
  const ready: number[] = [];
  for (let b = 0; b < n; b++) if (pending[b] === 0) ready.push(b);
  while (ready.length > 0) {
    const b = ready.pop()!;
    for (const a of ins[b]!) {
      depth[a] = Math.max(depth[a]!, depth[b]! + 1);
      if (--pending[a]! === 0) ready.push(a);
    }
  }
  return depth;
}

/** Barycenter ordering: returns, per layer, the slot indices from top to bottom. */
function orderLayers(layers: readonly Slot[][], sweeps: number): number[][] {
  let order = layers.map((layer) => layer.map((_, i) => i).sort((a, b) => layer[a]!.key - layer[b]!.key));
  let best = order.map((o) => [...o]);
  let bestCrossings = countCrossings(layers, order);
  for (let s = 0; s < sweeps && bestCrossings > 0; s++) {
    for (let l = 1; l < layers.length; l++) order[l] = byBarycenter(layers[l]!, order[l]!, order[l - 1]!, 'preds');
    for (let l = layers.length - 2; l >= 0; l--) order[l] = byBarycenter(layers[l]!, order[l]!, order[l + 1]!, 'succs');
    const c = countCrossings(layers, order);
    if (c < bestCrossings) {
      bestCrossings = c;
      best = order.map((o) => [...o]);
    }
  }
  order = best;
  if (bestCrossings > 0 && layers.reduce((n, l) => n + l.length, 0) <= 400) transpose(layers, order);
  return order;
}

/**
 * Swaps neighbours within a layer while that removes crossings (the "transpose" heuristic that
 * layered layouts use after the barycenter sweeps); for lecture-sized graphs only.
 */
function transpose(layers: readonly Slot[][], order: number[][]): void {
  let crossings = countCrossings(layers, order);
  for (let improved = true, rounds = 0; improved && crossings > 0 && rounds < 20; rounds++) {
    improved = false;
    for (let l = 0; l < order.length; l++) {
      const o = order[l]!;
      for (let i = 0; i + 1 < o.length; i++) {
        [o[i], o[i + 1]] = [o[i + 1]!, o[i]!];
        const c = countCrossings(layers, order);
        if (c < crossings) {
          crossings = c;
          improved = true;
        } else [o[i], o[i + 1]] = [o[i + 1]!, o[i]!];
      }
    }
  }
}

function byBarycenter(
  layer: readonly Slot[],
  current: readonly number[],
  neighbourOrder: readonly number[],
  side: 'preds' | 'succs',
): number[] {
  const rank = new Map<number, number>();
  neighbourOrder.forEach((slot, r) => {
    rank.set(slot, r);
  });
  const bary = new Map<number, number>();
  current.forEach((slot, r) => {
    const ns = layer[slot]![side];
    bary.set(slot, ns.length === 0 ? r : ns.reduce((sum, nb) => sum + rank.get(nb)!, 0) / ns.length);
  });
  return [...current].sort((a, b) => bary.get(a)! - bary.get(b)! || layer[a]!.key - layer[b]!.key);
}

/** Edge crossings between adjacent layers. */
function countCrossings(layers: readonly Slot[][], order: readonly number[][]): number {
  let crossings = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const top = new Map<number, number>(),
      bottom = new Map<number, number>();
    order[l]!.forEach((slot, r) => {
      top.set(slot, r);
    });
    order[l + 1]!.forEach((slot, r) => {
      bottom.set(slot, r);
    });
    const segs: [number, number][] = [];
    layers[l]!.forEach((s, i) => {
      for (const t of s.succs) segs.push([top.get(i)!, bottom.get(t)!]);
    });
    for (let i = 0; i < segs.length; i++) {
      for (let j = i + 1; j < segs.length; j++) {
        const [a1, b1] = segs[i]!,
          [a2, b2] = segs[j]!;
        if ((a1 - a2) * (b1 - b2) < 0) crossings++;
      }
    }
  }
  return crossings;
}
