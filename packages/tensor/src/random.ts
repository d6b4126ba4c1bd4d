import { RangeError } from './errors.js';
import { noteHostCompute } from './host-events.js';

/**
 * The seeded generator: xoshiro128** (Blackman & Vigna) with its 128-bit state filled by
 * splitmix32 from a 32-bit seed. It uses only 32-bit integer arithmetic (Math.imul, shifts),
 * so the same seed gives the same numbers, bit for bit, on every platform.
 * - uniform float64: 53 random bits, (a·2^26 + b) / 2^53 from two draws (a: 27 bits, b: 26 bits);
 * - uniform float32: 24 random bits / 2^24 (exactly representable, never 1);
 * - normal: Box–Muller on two uniforms, both outputs used in turn;
 * - integers in [low, high): rejection sampling, so every value is equally likely.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.uniform(); // the same number on every machine
 * ```
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | undefined;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Restarts the stream from `seed` (any integer; only its low 32 bits are used). */
  seed(seed: number): void {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = undefined;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    noteHostCompute('random numbers');
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform in [0, 1) with 24 random bits: exactly representable in float32. */
  uniform24(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** A standard normal sample (Box–Muller). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u1 = 1 - this.uniform(); // in (0, 1], so the log is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** A uniform integer in [low, high). */
  int(low: number, high: number): number {
    const range = high - low;
    if (!Number.isInteger(low) || !Number.isInteger(high) || !(range >= 1) || range > 0x100000000)
      throw new RangeError('randint', `need integers low < high with high - low <= 2^32, got [${low}, ${high})`);
    const limit = 0x100000000 - (0x100000000 % range);
    let u = this.nextUint32();
    while (u >= limit) u = this.nextUint32();
    return low + (u % range);
  }

  /** A copy of the whole state, to resume the same stream later. */
  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.spare ?? Number.NaN];
  }

  /** Restores a state from `getState`. */
  setState(state: readonly number[]): void {
    [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v | 0) as [number, number, number, number];
    this.spare = Number.isNaN(state[4]) ? undefined : state[4];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The default generator used when no `rng` is passed. Reseed it with `manualSeed`. */
export const defaultRng = new Rng(0);

/** Reseeds the default generator, like torch.manual_seed. */
export function manualSeed(seed: number): void {
  defaultRng.seed(seed);
}
