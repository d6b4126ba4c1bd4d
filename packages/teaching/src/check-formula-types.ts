/** The types of `checkFormula`: the functions it checks, its options, and its reports. */
import type { NDArray, NestedArray } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';

/** A scalar function of tensors: the f whose gradient is checked. */
export type ScalarFunction = (...inputs: Tensor[]) => Tensor;
/** A hand-derived gradient: one tensor per input of f (a single tensor when f has one input). */
export type GradientFunction = (...inputs: Tensor[]) => Tensor | readonly Tensor[];
/** An input point: a tensor, an array or nested numbers (all are copied to float64). */
export type FormulaInput = Tensor | NDArray | NestedArray;

/** Tolerances and names of a check. */
export interface CheckFormulaOptions {
  /** Central-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance of |hand − autograd| (default 1e-5, as PyTorch's gradcheck). */
  atol?: number;
  /** Relative tolerance, times |autograd| (default 1e-3). */
  rtol?: number;
  /** Names of the inputs in reports (default: Tensor.name, else `x0`, `x1`, ...). */
  names?: readonly string[];
}

/** A sweep over random inputs, driven by fast-check. */
export interface SweepOptions extends CheckFormulaOptions {
  /** The shape of each input. */
  shapes: readonly (readonly number[])[];
  /** Random points to try (default 20). */
  runs?: number;
  /** fast-check seed (default 0: the same points every time). */
  seed?: number;
  /** Range of the random values (default [-2, 2]); keep it away from kinks. */
  min?: number;
  max?: number;
  /** Shrink a failing point to a smaller one (default true). */
  shrink?: boolean;
}

/** One element of one input, compared three ways. */
export interface ElementComparison {
  readonly index: readonly number[];
  readonly hand: number;
  readonly autograd: number;
  readonly finiteDiff: number;
  /** |hand − autograd| */
  readonly absError: number;
  /** |hand − autograd| / |autograd| (Infinity where autograd is 0 and hand is not) */
  readonly relError: number;
  /** absError ≤ atol + rtol·|autograd| */
  readonly ok: boolean;
}

/** The comparison for one input of f. */
export interface InputComparison {
  readonly name: string;
  readonly shape: readonly number[];
  readonly ok: boolean;
  readonly maxAbsError: number;
  readonly maxRelError: number;
  /** Where |hand − autograd| is largest (null for an empty input). */
  readonly worstIndex: readonly number[] | null;
  readonly worst: ElementComparison | null;
  /** max |autograd − finite differences|: how well the truth itself checks out. */
  readonly autogradVsFiniteDiff: number;
  /** max |hand − finite differences|. */
  readonly handVsFiniteDiff: number;
  /**
   * What the pattern of the differences suggests (null when it matches, or when no pattern fits):
   * `hand = 4 × autograd everywhere: a missing or extra factor, e.g. σ′(z)?`, a sign flip, a transpose.
   */
  readonly hint: string | null;
  readonly elements: readonly ElementComparison[];
}

/** The result of checking a formula at one point. */
export interface FormulaReport {
  readonly kind: 'point';
  /** True when the hand-derived gradient matches autograd at every element. */
  readonly ok: boolean;
  /** f at the point. */
  readonly value: number;
  readonly inputs: readonly InputComparison[];
  /** The input with the largest |hand − autograd|. */
  readonly worstInput: number;
  /** False when autograd and finite differences disagree (a kink, or a bug in the engine). */
  readonly truthAgrees: boolean;
  readonly atol: number;
  readonly rtol: number;
  readonly eps: number;
  /** The input values (row-major). */
  readonly point: readonly (readonly number[])[];
}

/** The result of a random sweep. */
export interface SweepReport {
  readonly kind: 'sweep';
  readonly ok: boolean;
  /** Points tried before the first failure (or all of them). */
  readonly runs: number;
  readonly seed: number;
  readonly range: readonly [number, number];
  /** The point with the largest error relative to the tolerance (the first failure if one failed). */
  readonly worst: FormulaReport;
  /** The first failing point, and the smallest failing point fast-check shrank it to. */
  readonly failure: { readonly first: FormulaReport; readonly shrunk: FormulaReport; readonly shrinks: number } | null;
}
