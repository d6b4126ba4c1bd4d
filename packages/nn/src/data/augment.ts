import { DTypeError, NDArray, RangeError, type Rng, ShapeError, defaultRng } from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';

/** A range [min, max], or a number m for [-m, m]. */
export type SymmetricRange = number | readonly [number, number];

/** Options of `randomAffine`. Each image of the batch draws its own transform. */
export interface RandomAffineOptions {
  /** Rotation in degrees, counterclockwise as displayed: uniform in [-d, d] or [min, max] (default 0). */
  degrees?: SymmetricRange;
  /** Translation in pixels, x and y each uniform in [-t, t] (default 0). Torchvision's is a fraction. */
  translate?: number;
  /** Scale factor, uniform in [min, max] (default [1, 1]). */
  scale?: readonly [number, number];
  /** Shear along x in degrees: uniform in [-s, s] or [min, max] (default 0). */
  shear?: SymmetricRange;
  /** Value of the pixels that come from outside the image (default 0). */
  fill?: number;
  /** The generator (default: the global `defaultRng`). */
  rng?: Rng;
}

/** Options of `elasticDistortion` (Simard, Steinkraus & Platt 2003). */
export interface ElasticDistortionOptions {
  /** Scale of the displacements in pixels (default 34, the paper's value for MNIST). */
  alpha?: number;
  /** Standard deviation of the Gaussian that smooths the random fields, in pixels (default 4). */
  sigma?: number;
  /** Value of the pixels that come from outside the image (default 0). */
  fill?: number;
  rng?: Rng;
}

/** Options of `randomErasing` (Zhong et al. 2017; torchvision's `RandomErasing`). */
export interface RandomErasingOptions {
  /** Probability that an image gets a rectangle erased (default 0.5). */
  p?: number;
  /** Range of the erased area as a fraction of the image (default [0.02, 0.33]). */
  scale?: readonly [number, number];
  /** Range of the rectangle's aspect ratio h/w, drawn log-uniformly (default [0.3, 3.3]). */
  ratio?: readonly [number, number];
  /** Value written into the rectangle (default 0). */
  value?: number;
  rng?: Rng;
}

/** The batch as [N, C, H, W] planes of a contiguous float copy. */
interface Planes {
  n: number;
  c: number;
  h: number;
  w: number;
  src: Float32Array | Float64Array;
  out: Float32Array | Float64Array;
}

function planes(op: string, images: Tensor): Planes {
  if (!(images instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor`);
  const { shape, dtype } = images;
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new DTypeError(op, `expected float32 or float64 images, got ${dtype}`);
  if (shape.length !== 3 && shape.length !== 4)
    throw new ShapeError(op, `expected images [N, H, W] or [N, C, H, W], got [${shape.join(', ')}]`);
  const [n, c, h, w] = shape.length === 3 ? [shape[0]!, 1, shape[1]!, shape[2]!] : (shape as number[]);
  const c0 = images.value.contiguous();
  const count = n! * c! * h! * w!;
  const src = (dtype === 'float64' ? new Float64Array(count) : new Float32Array(count)) as Float32Array | Float64Array;
  for (let i = 0; i < count; i++) src[i] = c0.data[c0.offset + i] as number;
  const out = dtype === 'float64' ? new Float64Array(count) : new Float32Array(count);
  return { n: n!, c: c!, h: h!, w: w!, src, out };
}

const result = (images: Tensor, p: Planes): Tensor => new Tensor(new NDArray(p.out, [...images.shape]));

function range(op: string, name: string, r: SymmetricRange): readonly [number, number] {
  const [lo, hi] = typeof r === 'number' ? [-Math.abs(r), Math.abs(r)] : r;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi)
    throw new RangeError(op, `${name} must be a finite number or a range [min, max] with min <= max, got ${r}`);
  return [lo, hi];
}

const uniformIn = (rng: Rng, [lo, hi]: readonly [number, number]): number =>
  lo === hi ? lo : lo + (hi - lo) * rng.uniform();

/**
 * Bilinear sample of every channel of image `img` at source point (sx, sy) into output pixel `o`;
 * neighbours outside the image read `fill`.
 */
function sample(p: Planes, img: number, o: number, sx: number, sy: number, fill: number): void {
  const { c, h, w, src, out } = p;
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  const plane = h * w;
  for (let ch = 0; ch < c; ch++) {
    const base = (img * c + ch) * plane;
    const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= w || y >= h ? fill : src[base + y * w + x]!);
    const top = fx === 0 ? at(x0, y0) : at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
    const bottom = fy === 0 ? 0 : fx === 0 ? at(x0, y0 + 1) : at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
    out[base + o] = fy === 0 ? top : top * (1 - fy) + bottom * fy;
  }
}

/**
 * Random affine transforms of a batch of images, as torchvision's `RandomAffine`: each image draws
 * a rotation, a translation (in pixels), a scale and an x-shear about its centre, and is resampled
 * bilinearly (the output pixel p reads the input at A⁻¹(p − centre − t) + centre). Images are
 * [N, H, W] or [N, C, H, W] (the channels of an image share its transform); returns a new tensor
 * of the same shape and dtype that records no graph.
 * @example
 * ```ts
 * import { randomAffine } from '@chainrule/nn';
 * import { rand, Rng } from '@chainrule/autograd';
 * const x = rand([8, 28, 28], { rng: new Rng(0) });
 * const y = randomAffine(x, { degrees: 10, translate: 2, scale: [0.9, 1.1], shear: 5, rng: new Rng(1) });
 * console.log(y.shape); // [8, 28, 28]
 * ```
 */
export function randomAffine(images: Tensor, options: RandomAffineOptions = {}): Tensor {
  const op = 'randomAffine';
  const degrees = range(op, 'degrees', options.degrees ?? 0);
  const shear = range(op, 'shear', options.shear ?? 0);
  const translate = options.translate ?? 0;
  if (!(translate >= 0 && Number.isFinite(translate)))
    throw new RangeError(op, `translate must be a finite number of pixels >= 0, got ${translate}`);
  const scale = options.scale ?? [1, 1];
  if (!(scale[0] > 0 && scale[0] <= scale[1] && Number.isFinite(scale[1])))
    throw new RangeError(op, `scale must be [min, max] with 0 < min <= max, got [${scale.join(', ')}]`);
  const fill = options.fill ?? 0;
  const rng = options.rng ?? defaultRng;
  const p = planes(op, images);
  const cx = (p.w - 1) / 2;
  const cy = (p.h - 1) / 2;
  for (let img = 0; img < p.n; img++) {
    const theta = (uniformIn(rng, degrees) * Math.PI) / 180;
    const tx = translate === 0 ? 0 : (2 * rng.uniform() - 1) * translate;
    const ty = translate === 0 ? 0 : (2 * rng.uniform() - 1) * translate;
    const s = uniformIn(rng, scale);
    const k = Math.tan((uniformIn(rng, shear) * Math.PI) / 180);
    // forward map in image coordinates (y down): A = R(θ)·Shear(k)·s, R counterclockwise on screen
    const cos = theta === 0 ? 1 : Math.cos(theta);
    const sin = theta === 0 ? 0 : Math.sin(theta);
    const a = [s * cos, s * (cos * k + sin), -s * sin, s * (-sin * k + cos)];
    const det = a[0]! * a[3]! - a[1]! * a[2]!;
    const inv = [a[3]! / det, -a[1]! / det, -a[2]! / det, a[0]! / det];
    for (let y = 0; y < p.h; y++) {
      for (let x = 0; x < p.w; x++) {
        const dx = x - cx - tx;
        const dy = y - cy - ty;
        sample(p, img, y * p.w + x, inv[0]! * dx + inv[1]! * dy + cx, inv[2]! * dx + inv[3]! * dy + cy, fill);
      }
    }
  }
  return result(images, p);
}

/** A normalized 1-D Gaussian kernel of standard deviation sigma, radius ⌈3σ⌉. */
function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let i = -radius; i <= radius; i++) total += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= total;
  return k;
}

/** Separable Gaussian blur of an h×w field with zero padding (as Simard et al.'s convolution). */
function blur(field: Float64Array, h: number, w: number, k: Float64Array): Float64Array {
  const r = (k.length - 1) / 2;
  const tmp = new Float64Array(h * w);
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -r; j <= r; j++) if (x + j >= 0 && x + j < w) s += k[j + r]! * field[y * w + x + j]!;
      tmp[y * w + x] = s;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -r; j <= r; j++) if (y + j >= 0 && y + j < h) s += k[j + r]! * tmp[(y + j) * w + x]!;
      out[y * w + x] = s;
    }
  return out;
}

/**
 * Elastic distortion (Simard, Steinkraus & Platt 2003): for each image, two fields of uniform
 * random displacements in [-1, 1] are smoothed by a Gaussian of standard deviation `sigma`,
 * scaled by `alpha`, and the image is resampled bilinearly at (x + Δx, y + Δy). Images are
 * [N, H, W] or [N, C, H, W]; returns a new tensor that records no graph.
 * @example
 * ```ts
 * import { elasticDistortion } from '@chainrule/nn';
 * import { rand, Rng } from '@chainrule/autograd';
 * const y = elasticDistortion(rand([4, 28, 28], { rng: new Rng(0) }), { alpha: 34, sigma: 4, rng: new Rng(2) });
 * console.log(y.shape); // [4, 28, 28]
 * ```
 */
export function elasticDistortion(images: Tensor, options: ElasticDistortionOptions = {}): Tensor {
  const op = 'elasticDistortion';
  const { alpha = 34, sigma = 4, fill = 0 } = options;
  if (!(alpha >= 0 && Number.isFinite(alpha))) throw new RangeError(op, `alpha must be finite and >= 0, got ${alpha}`);
  if (!(sigma > 0 && Number.isFinite(sigma))) throw new RangeError(op, `sigma must be finite and > 0, got ${sigma}`);
  const rng = options.rng ?? defaultRng;
  const p = planes(op, images);
  const kernel = gaussianKernel(sigma);
  const size = p.h * p.w;
  for (let img = 0; img < p.n; img++) {
    const rx = new Float64Array(size);
    const ry = new Float64Array(size);
    for (let i = 0; i < size; i++) rx[i] = 2 * rng.uniform() - 1;
    for (let i = 0; i < size; i++) ry[i] = 2 * rng.uniform() - 1;
    const dx = blur(rx, p.h, p.w, kernel);
    const dy = blur(ry, p.h, p.w, kernel);
    for (let y = 0; y < p.h; y++)
      for (let x = 0; x < p.w; x++) {
        const o = y * p.w + x;
        sample(p, img, o, x + alpha * dx[o]!, y + alpha * dy[o]!, fill);
      }
  }
  return result(images, p);
}

/**
 * Random erasing (Zhong et al. 2017), as torchvision's `RandomErasing`: with probability `p` an
 * image gets a rectangle of random area (a fraction in `scale`) and aspect ratio (log-uniform in
 * `ratio`) set to `value`, in every channel; up to 10 tries to fit one, else the image is kept.
 * Images are [N, H, W] or [N, C, H, W]; returns a new tensor that records no graph.
 * @example
 * ```ts
 * import { randomErasing } from '@chainrule/nn';
 * import { ones, Rng } from '@chainrule/autograd';
 * const y = randomErasing(ones([4, 28, 28]), { p: 1, rng: new Rng(3) });
 * console.log(y.sum().item() < 4 * 28 * 28); // true
 * ```
 */
export function randomErasing(images: Tensor, options: RandomErasingOptions = {}): Tensor {
  const op = 'randomErasing';
  const { p: prob = 0.5, scale = [0.02, 0.33], ratio = [0.3, 3.3], value = 0 } = options;
  if (!(prob >= 0 && prob <= 1)) throw new RangeError(op, `p must be in [0, 1], got ${prob}`);
  if (!(scale[0] >= 0 && scale[0] <= scale[1] && scale[1] <= 1))
    throw new RangeError(op, `scale must be [min, max] with 0 <= min <= max <= 1, got [${scale.join(', ')}]`);
  if (!(ratio[0] > 0 && ratio[0] <= ratio[1] && Number.isFinite(ratio[1])))
    throw new RangeError(op, `ratio must be [min, max] with 0 < min <= max, got [${ratio.join(', ')}]`);
  const rng = options.rng ?? defaultRng;
  const pl = planes(op, images);
  pl.out.set(pl.src);
  const { c, h, w, out } = pl;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  for (let img = 0; img < pl.n; img++) {
    if (rng.uniform() >= prob) continue;
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = h * w * uniformIn(rng, scale);
      const r = Math.exp(uniformIn(rng, logRatio));
      const eh = Math.round(Math.sqrt(area * r));
      const ew = Math.round(Math.sqrt(area / r));
      if (eh < 1 || ew < 1 || eh >= h || ew >= w) continue;
      const top = rng.int(0, h - eh + 1);
      const left = rng.int(0, w - ew + 1);
      for (let ch = 0; ch < c; ch++) {
        const base = (img * c + ch) * h * w;
        for (let y = top; y < top + eh; y++) out.fill(value, base + y * w + left, base + y * w + left + ew);
      }
      break;
    }
  }
  return result(images, pl);
}
