/**
 * The notes' picture of overfitting (Nielsen, chapter 3): a dozen points that lie roughly on a
 * line. A polynomial of degree 11 has 12 coefficients, so it passes through all 12 points exactly:
 * zero training error. A straight line misses every point a little. Which is the better model?
 * Measured on 1,000 fresh points from the same source, the line wins by far: the polynomial has
 * learned the noise of its 12 points, and swings wildly between and beyond them.
 *
 * Each polynomial is fitted by least squares with chainrule's float64 linear algebra
 * (`solve` on the normal equations, or on the Vandermonde system itself when it is square),
 * with x in [-1, 1] so that the powers stay well conditioned.
 *
 * Run: npx tsx examples/polynomial-fit.ts   (writes runs/polynomial-fit/fit.svg)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Tensor, randn, solve, tensor } from '@chainrule/autograd';
import { Rng } from '@chainrule/tensor';
import { isMain } from './lib/is-main.js';
import { xySvg } from './lib/xy-svg.js';

/** What to run. */
export interface PolynomialFitOptions {
  /** Training points (default 12). */
  points?: number;
  /** Degrees to fit (default [1, 3, 11]). */
  degrees?: number[];
  /** Noise standard deviation around the line (default 0.15). */
  noise?: number;
  /** Fresh test points (default 1,000). */
  testPoints?: number;
  seed?: number;
  /** Where the SVG goes (default runs/polynomial-fit). */
  outDir?: string;
}

/** One fitted degree. */
export interface PolynomialFit {
  degree: number;
  /** Coefficients c₀ … c_d of c₀ + c₁x + … + c_d x^d. */
  coefficients: number[];
  trainMse: number;
  testMse: number;
  /** The test error on the fresh points that fall between the smallest and largest training x. */
  testMseInside: number;
}

/** The fits, the data and the picture. */
export interface PolynomialFitResult {
  fits: PolynomialFit[];
  train: { x: number[]; y: number[] };
  svgPath: string;
}

/** The source of the data: y = 0.8x + 0.2 plus Gaussian noise. */
const truth = (x: number): number => 0.8 * x + 0.2;

function sample(n: number, noise: number, rng: Rng): { x: number[]; y: number[] } {
  const x = Array.from({ length: n }, () => 2 * rng.uniform() - 1);
  const e = randn([n], { dtype: 'float64', rng }).toArray() as number[];
  return { x, y: x.map((v, i) => truth(v) + noise * e[i]!) };
}

/** The Vandermonde matrix [n, d+1]: row i is 1, xᵢ, xᵢ², …, xᵢ^d. */
function vandermonde(x: number[], degree: number): Tensor {
  return tensor(
    x.map((v) => Array.from({ length: degree + 1 }, (_, k) => v ** k)),
    { dtype: 'float64' },
  );
}

/** Least-squares coefficients: V c = y when V is square, else (VᵀV) c = Vᵀy. */
export function polyfit(x: number[], y: number[], degree: number): number[] {
  const v = vandermonde(x, degree);
  const b = tensor(y, { dtype: 'float64' }).reshape([y.length, 1]);
  const c = degree + 1 === x.length ? solve(v, b) : solve(v.transpose(0, 1).matmul(v), v.transpose(0, 1).matmul(b));
  return (c.reshape([degree + 1]).toArray() as number[]).slice();
}

/** c₀ + c₁x + … by Horner's rule. */
export function polyval(c: number[], x: number): number {
  let s = 0;
  for (let k = c.length - 1; k >= 0; k--) s = s * x + c[k]!;
  return s;
}

const mse = (c: number[], d: { x: number[]; y: number[] }): number =>
  d.x.reduce((s, x, i) => s + (polyval(c, x) - d.y[i]!) ** 2, 0) / d.x.length;

const COLORS = ['#1f77b4', '#2ca02c', '#d62728', '#9467bd'];

/** Fits each degree to the same points and measures the error on fresh points. */
export function polynomialFit(options: PolynomialFitOptions = {}): PolynomialFitResult {
  const { points = 12, degrees = [1, 3, 11], noise = 0.15, testPoints = 1000, seed = 3 } = options;
  const outDir = options.outDir ?? join('runs', 'polynomial-fit');
  const rng = new Rng(seed);
  const train = sample(points, noise, rng);
  const test = sample(testPoints, noise, rng);
  const [lo, hi] = [Math.min(...train.x), Math.max(...train.x)];
  const keep = test.x.map((x) => x >= lo && x <= hi);
  const inside = { x: test.x.filter((_, i) => keep[i]), y: test.y.filter((_, i) => keep[i]) };
  const fits = degrees.map((degree) => {
    const coefficients = polyfit(train.x, train.y, degree);
    return {
      degree,
      coefficients,
      trainMse: mse(coefficients, train),
      testMse: mse(coefficients, test),
      testMseInside: mse(coefficients, inside),
    };
  });
  const grid = Array.from({ length: 401 }, (_, i) => -1 + i / 200);
  const svg = xySvg({
    title: `${points} points, polynomials of degree ${degrees.join(', ')}`,
    xLabel: 'x',
    yLabel: 'y',
    x: [-1, 1],
    y: [-1.5, 1.8],
    series: [
      { name: 'test points', color: '#ccc', points: test.x.map((x, i) => [x, test.y[i]!]), dots: 1.5 },
      ...fits.map((f, k) => ({
        name: `degree ${f.degree}`,
        color: COLORS[k % COLORS.length]!,
        points: grid.map((x) => [x, polyval(f.coefficients, x)] as const),
      })),
      { name: 'training points', color: '#000', points: train.x.map((x, i) => [x, train.y[i]!]), dots: 4 },
    ],
  });
  mkdirSync(outDir, { recursive: true });
  const svgPath = join(outDir, 'fit.svg');
  writeFileSync(svgPath, svg);
  return { fits, train, svgPath };
}

if (isMain(import.meta.url)) {
  const r = polynomialFit();
  const e = (v: number): string => v.toExponential(2).padStart(10);
  console.log('degree   train MSE    test MSE   (test between the training points)');
  for (const f of r.fits)
    console.log(`${String(f.degree).padStart(6)}  ${e(f.trainMse)}  ${e(f.testMse)}  ${e(f.testMseInside)}`);
  console.log(`\npicture: ${r.svgPath}`);
}
