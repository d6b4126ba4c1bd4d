/**
 * The gradients a backward pass sums for leaves, kept until the pass ends (then hooks run and
 * `.grad` is written once per leaf). A leaf's sum is a tensor, or a plain number while only the
 * scalar path (scalar.ts) has sent it gradients.
 */
import type { Tensor } from '../tensor.js';
import { type GradSlot, addGradients } from './accumulate.js';
import { gradTensor } from './scalar.js';

/** One leaf's sum so far. */
class LeafSum {
  slot: GradSlot | null = null;
  number = 0;
  hasNumber = false;
  constructor(readonly leaf: Tensor) {}
}

export class LeafGrads {
  private readonly sums = new Map<Tensor, LeafSum>();
  /** The two leaves used last (a chain of scalar ops sends to the same few leaves over and over). */
  private last: LeafSum | null = null;
  private before: LeafSum | null = null;

  /** `createGraph`: sums are recorded (so they can be differentiated again). */
  constructor(private readonly createGraph: boolean) {}

  private sumOf(leaf: Tensor): LeafSum {
    const last = this.last;
    if (last !== null && last.leaf === leaf) return last;
    let s = this.before !== null && this.before.leaf === leaf ? this.before : this.sums.get(leaf);
    if (s === undefined) {
      s = new LeafSum(leaf);
      this.sums.set(leaf, s);
    }
    this.before = last;
    this.last = s;
    return s;
  }

  /**
   * Adds tensor `g` to `leaf`'s gradient; `fresh`: no one else holds g's storage (engine/fresh.ts),
   * so the sum may own it.
   */
  sendTensor(leaf: Tensor, g: Tensor, fresh = false): void {
    const s = this.sumOf(leaf);
    if (s.hasNumber) {
      s.slot = { grad: gradTensor(s.number, g.dtype), owned: true };
      s.hasNumber = false;
    }
    if (s.slot === null) s.slot = { grad: g, owned: fresh && !this.createGraph };
    else addGradients(s.slot, g, this.createGraph);
  }

  /** Adds number `g` (the scalar path) to the gradient of 0-d `leaf`. */
  sendNumber(leaf: Tensor, g: number, round: (v: number) => number): void {
    const s = this.sumOf(leaf);
    if (s.hasNumber) s.number = round(s.number + g);
    else if (s.slot === null) {
      s.number = g;
      s.hasNumber = true;
    } else addGradients(s.slot, gradTensor(g, leaf.dtype), false);
  }

  /** Every leaf that got a gradient, with its sum as a tensor, in the order they first got one. */
  entries(): [Tensor, GradSlot][] {
    const out: [Tensor, GradSlot][] = [];
    for (const s of this.sums.values()) {
      if (s.hasNumber) out.push([s.leaf, { grad: gradTensor(s.number, s.leaf.dtype), owned: true }]);
      else if (s.slot !== null) out.push([s.leaf, s.slot]);
    }
    return out;
  }
}
