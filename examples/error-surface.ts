/**
 * The error surface of a linear neuron, as in the notes: one weight w and one bias b, the output
 * w·x + b, the mean squared error E(w, b) over a few data points. E is a quadratic bowl; its
 * contours are ellipses, long and thin when the inputs are not centred (here x ∈ [0, 2]).
 *
 * Gradient descent from the same start with two learning rates, the gradients by chainrule's
 * `backward()`:
 *   - a good one (0.6 of the limit) rolls down the long valley towards the minimum;
 *   - one just past the limit 2/λ_max (λ_max: the largest eigenvalue of E's Hessian) overshoots
 *     across the narrow valley by more each step: the error grows without bound — divergence.
 * The picture (SVG) shows the contours and both paths; the console prints the errors step by step.
 *
 * Run: npx tsx examples/error-surface.ts   (writes runs/error-surface/surface.svg)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Tensor, tensor } from '@chainrule/autograd';
import { Rng } from '@chainrule/tensor';
import { isMain } from './lib/is-main.js';
import { type Scales, xySvg } from './lib/xy-svg.js';

/** What to run. */
export interface ErrorSurfaceOptions {
  /** Data points (default 20) of y = 2x + 1 + noise, x uniform in [0, 2]. */
  points?: number;
  /** Gradient-descent steps per path (default 25). */
  steps?: number;
  /** The good and the too-large learning rate as fractions of the limit 2/λ_max (default 0.6 and 1.08). */
  goodFraction?: number;
  largeFraction?: number;
  /** Where both paths start (default w = -1, b = 3). */
  start?: readonly [number, number];
  seed?: number;
  /** Where the SVG goes (default runs/error-surface). */
  outDir?: string;
}

/** One gradient-descent run. */
export interface DescentPath {
  lr: number;
  /** (w, b) before each step and after the last: steps + 1 points. */
  path: [number, number][];
  /** E at each point of the path. */
  losses: number[];
}

/** Both runs and what they are measured against. */
export interface ErrorSurfaceResult {
  /** The limit 2/λ_max above which gradient descent on this quadratic diverges. */
  lrLimit: number;
  /** The minimum of E: the least-squares (w, b) and its error. */
  minimum: { w: number; b: number; loss: number };
  good: DescentPath;
  tooLarge: DescentPath;
  svgPath: string;
}

/** E(w, b) = mean((w·x + b − y)²), differentiable in w and b. */
function errorOf(w: Tensor, b: Tensor, x: Tensor, y: Tensor): Tensor {
  return x.mul(w).add(b).sub(y).square().mean();
}

function descend(lr: number, start: readonly [number, number], steps: number, x: Tensor, y: Tensor): DescentPath {
  let [w, b] = start;
  const path: [number, number][] = [];
  const losses: number[] = [];
  for (let k = 0; k <= steps; k++) {
    const wt = tensor(w, { dtype: 'float64', requiresGrad: true });
    const bt = tensor(b, { dtype: 'float64', requiresGrad: true });
    const e = errorOf(wt, bt, x, y);
    path.push([w, b]);
    losses.push(e.item());
    if (k === steps) break;
    e.backward();
    w -= lr * wt.grad!.item();
    b -= lr * bt.grad!.item();
  }
  return { lr, path, losses };
}

/** Contour segments of f on a grid (marching squares, one segment or two per cell). */
function contours(
  f: (w: number, b: number) => number,
  s: Scales,
  w: [number, number],
  b: [number, number],
  levels: number[],
): string {
  const n = 120;
  const ws = Array.from({ length: n + 1 }, (_, i) => w[0] + ((w[1] - w[0]) * i) / n);
  const bs = Array.from({ length: n + 1 }, (_, j) => b[0] + ((b[1] - b[0]) * j) / n);
  const v = ws.map((wi) => bs.map((bj) => f(wi, bj)));
  const out: string[] = [];
  levels.forEach((level, li) => {
    const shade = Math.round(60 + (150 * li) / Math.max(1, levels.length - 1));
    const d: string[] = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const corners: [number, number, number][] = [
          [ws[i]!, bs[j]!, v[i]![j]!],
          [ws[i + 1]!, bs[j]!, v[i + 1]![j]!],
          [ws[i + 1]!, bs[j + 1]!, v[i + 1]![j + 1]!],
          [ws[i]!, bs[j + 1]!, v[i]![j + 1]!],
        ];
        const cross: [number, number][] = [];
        for (let k = 0; k < 4; k++) {
          const [w0, b0, f0] = corners[k]!;
          const [w1, b1, f1] = corners[(k + 1) % 4]!;
          if (f0 < level !== f1 < level) {
            const t = (level - f0) / (f1 - f0);
            cross.push([w0 + t * (w1 - w0), b0 + t * (b1 - b0)]);
          }
        }
        for (let k = 0; k + 1 < cross.length; k += 2) {
          const [p, q] = [cross[k]!, cross[k + 1]!];
          d.push(
            `M${s.sx(p[0]).toFixed(1)} ${s.sy(p[1]).toFixed(1)}L${s.sx(q[0]).toFixed(1)} ${s.sy(q[1]).toFixed(1)}`,
          );
        }
      }
    out.push(`<path d="${d.join('')}" fill="none" stroke="rgb(${shade},${shade},${shade})" stroke-width="1"/>`);
  });
  return out.join('\n');
}

/** Runs both descents on the same data and draws them on the error surface. */
export function errorSurface(options: ErrorSurfaceOptions = {}): ErrorSurfaceResult {
  const { points = 20, steps = 25, goodFraction = 0.6, largeFraction = 1.08, start = [-1, 3], seed = 1 } = options;
  const outDir = options.outDir ?? join('runs', 'error-surface');
  const rng = new Rng(seed);
  const xs = Array.from({ length: points }, () => 2 * rng.uniform());
  const ys = xs.map((x) => 2 * x + 1 + 0.3 * (rng.uniform() - 0.5));
  const x = tensor(xs, { dtype: 'float64' });
  const y = tensor(ys, { dtype: 'float64' });
  // E's Hessian is 2·[[mean x², mean x], [mean x, 1]]; its largest eigenvalue bounds the learning rate
  const mx = xs.reduce((a, v) => a + v, 0) / points;
  const mxx = xs.reduce((a, v) => a + v * v, 0) / points;
  const mxy = xs.reduce((a, v, i) => a + v * ys[i]!, 0) / points;
  const my = ys.reduce((a, v) => a + v, 0) / points;
  const lambdaMax = mxx + 1 + Math.sqrt((mxx - 1) ** 2 + 4 * mx * mx);
  const lrLimit = 2 / lambdaMax;
  const wStar = (mxy - mx * my) / (mxx - mx * mx);
  const bStar = my - wStar * mx;
  const loss = (w: number, b: number): number => xs.reduce((a, v, i) => a + (w * v + b - ys[i]!) ** 2, 0) / points;
  const good = descend(goodFraction * lrLimit, start, steps, x, y);
  const tooLarge = descend(largeFraction * lrLimit, start, steps, x, y);
  const wRange: [number, number] = [-3, 6];
  const bRange: [number, number] = [-4, 6];
  const levels = Array.from({ length: 12 }, (_, k) => loss(wStar, bStar) + 0.05 * 2 ** k);
  const pathPoints = (p: DescentPath) => p.path.map(([w, b]) => [w, b] as const);
  const svg = xySvg({
    title: `E(w, b) of a linear neuron; gradient descent, learning-rate limit 2/λmax = ${lrLimit.toFixed(3)}`,
    xLabel: 'weight w',
    yLabel: 'bias b',
    x: wRange,
    y: bRange,
    width: 720,
    height: 560,
    underlay: (s) => contours(loss, s, wRange, bRange, levels),
    series: [
      { name: `lr ${good.lr.toFixed(3)} (${goodFraction} × limit)`, color: '#2ca02c', points: pathPoints(good) },
      { name: 'good steps', color: '#2ca02c', points: pathPoints(good), dots: 3, noLegend: true },
      {
        name: `lr ${tooLarge.lr.toFixed(3)} (${largeFraction} × limit)`,
        color: '#d62728',
        points: pathPoints(tooLarge),
      },
      { name: 'large steps', color: '#d62728', points: pathPoints(tooLarge), dots: 3, noLegend: true },
      { name: 'minimum', color: '#000', points: [[wStar, bStar]], dots: 5 },
    ],
  });
  mkdirSync(outDir, { recursive: true });
  const svgPath = join(outDir, 'surface.svg');
  writeFileSync(svgPath, svg);
  return { lrLimit, minimum: { w: wStar, b: bStar, loss: loss(wStar, bStar) }, good, tooLarge, svgPath };
}

if (isMain(import.meta.url)) {
  const r = errorSurface();
  console.log(
    `limit 2/λmax = ${r.lrLimit.toFixed(4)}; minimum E = ${r.minimum.loss.toExponential(3)} at ` +
      `w = ${r.minimum.w.toFixed(3)}, b = ${r.minimum.b.toFixed(3)}\n`,
  );
  console.log(`step  E (lr ${r.good.lr.toFixed(3)})  E (lr ${r.tooLarge.lr.toFixed(3)})`);
  const e = (v: number): string => v.toExponential(3).padStart(14);
  r.good.losses.forEach((v, k) => {
    console.log(`${String(k).padStart(4)}  ${e(v)}  ${e(r.tooLarge.losses[k]!)}`);
  });
  console.log(`\npicture: ${r.svgPath}`);
}
