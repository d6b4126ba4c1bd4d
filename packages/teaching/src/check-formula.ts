import { patternHint, shapeHint } from './check-formula-hints.js';
import * as T from '@chainrule/tensor';
import { DTypeError, NDArray, ShapeError } from '@chainrule/tensor';
import fc from 'fast-check';
import { AutogradError, Tensor, noGrad, runBackward } from '@chainrule/autograd';
import { unravelIndex } from './format.js';
import type {
  ScalarFunction,
  GradientFunction,
  FormulaInput,
  CheckFormulaOptions,
  SweepOptions,
  ElementComparison,
  InputComparison,
  FormulaReport,
  SweepReport,
} from './check-formula-types.js';

export type {
  ScalarFunction,
  GradientFunction,
  FormulaInput,
  CheckFormulaOptions,
  SweepOptions,
  ElementComparison,
  InputComparison,
  FormulaReport,
  SweepReport,
} from './check-formula-types.js';

/**
 * Compares a hand-derived gradient with autograd and with central finite differences, in
 * float64, element by element: the maximum absolute and relative error, the worst index, and
 * whether autograd itself agrees with finite differences. Pass the input values for one point,
 * or `{ shapes, runs, seed }` to sweep random points with fast-check.
 * @example
 * ```ts
 * // f(x) = Σ x·sin(x), ∂f/∂x = sin(x) + x·cos(x)
 * const report = checkFormula((x) => x.mul(x.sin()).sum(), (x) => x.sin().add(x.mul(x.cos())), [[0.5, -1, 2]]);
 * report.ok; // true
 * console.log(formatCheck(report));
 * ```
 */
export function checkFormula(
  f: ScalarFunction,
  handGrad: GradientFunction,
  inputs: readonly FormulaInput[],
  options?: CheckFormulaOptions,
): FormulaReport;
export function checkFormula(f: ScalarFunction, handGrad: GradientFunction, sweep: SweepOptions): SweepReport;
export function checkFormula(
  f: ScalarFunction,
  handGrad: GradientFunction,
  inputsOrSweep: readonly FormulaInput[] | SweepOptions,
  options: CheckFormulaOptions = {},
): FormulaReport | SweepReport {
  if (isInputList(inputsOrSweep)) {
    const names = inputsOrSweep.map(
      (x, k) => options.names?.[k] ?? (x instanceof Tensor ? x.name : undefined) ?? `x${k}`,
    );
    return compareAt(f, handGrad, inputsOrSweep.map(toFloat64), names, options);
  }
  return sweep(f, handGrad, inputsOrSweep);
}

function isInputList(x: readonly FormulaInput[] | SweepOptions): x is readonly FormulaInput[] {
  return Array.isArray(x);
}

function toFloat64(x: FormulaInput): NDArray {
  const value = x instanceof Tensor ? x.value : x instanceof NDArray ? x : T.array(x, 'float64');
  return T.getBackend().copy(value, 'float64');
}

const fromValues = (values: readonly number[], shape: readonly number[]): NDArray =>
  new NDArray(Float64Array.from(values), shape);

function sweep(f: ScalarFunction, handGrad: GradientFunction, options: SweepOptions): SweepReport {
  const { shapes, runs = 20, seed = 0, min = -2, max = 2, shrink = true } = options;
  const names = shapes.map((_, k) => options.names?.[k] ?? `x${k}`);
  if (!(min < max) || !Number.isFinite(min) || !Number.isFinite(max)) {
    throw new globalThis.RangeError(
      `checkFormula: the sweep's range must be finite with min < max, got [${min}, ${max}]`,
    );
  }
  const value = uniformValue(min, max);
  const arbitraries = shapes.map((s) => {
    const n = T.sizeOf(s);
    return fc.array(value, { minLength: n, maxLength: n });
  });
  let worst: { report: FormulaReport; ratio: number } | null = null;
  let first: FormulaReport | null = null;
  let thrown: unknown;
  let tried = 0;
  const property = fc.property(fc.tuple(...arbitraries), (values) => {
    if (thrown !== undefined) return true;
    try {
      const report = compareAt(
        f,
        handGrad,
        values.map((v, k) => fromValues(v, shapes[k]!)),
        names,
        options,
      );
      if (first === null) {
        tried++;
        const ratio = violation(report);
        if (worst === null || ratio > worst.ratio) worst = { report, ratio };
        if (!report.ok) first = report;
      }
      return report.ok;
    } catch (e) {
      thrown = e;
      return true;
    }
  });
  const details = fc.check(property, { numRuns: runs, seed, endOnFailure: !shrink, unbiased: true });
  if (thrown !== undefined) throw thrown;
  const range: [number, number] = [min, max];
  if (first === null || !details.failed || details.counterexample === null) {
    if (worst === null) throw new AutogradError('checkFormula', `the sweep ran no point (runs = ${runs})`);
    return {
      kind: 'sweep',
      ok: true,
      runs: tried,
      seed,
      range,
      worst: (worst as { report: FormulaReport }).report,
      failure: null,
    };
  }
  const [values] = details.counterexample;
  const shrunk = compareAt(
    f,
    handGrad,
    values.map((v, k) => fromValues(v, shapes[k]!)),
    names,
    options,
  );
  return {
    kind: 'sweep',
    ok: false,
    runs: tried,
    seed,
    range,
    worst: first,
    failure: { first, shrunk, shrinks: details.numShrinks },
  };
}

const STEPS = 2 ** 30;

/**
 * Values spread uniformly over [min, max] (fast-check's doubles crowd near 0 and the edges),
 * shrinking towards 0 when the range holds it, else towards min.
 */
function uniformValue(min: number, max: number): fc.Arbitrary<number> {
  if (min < 0 && max > 0)
    return fc.integer({ min: -STEPS, max: STEPS }).map((i) => (i < 0 ? (i / STEPS) * -min : (i / STEPS) * max));
  return fc.integer({ min: 0, max: STEPS }).map((i) => min + ((max - min) * i) / STEPS);
}

/** How far past the tolerance the worst element is (≤ 1 passes). */
function violation(report: FormulaReport): number {
  let v = 0;
  for (const input of report.inputs) {
    for (const e of input.elements) v = Math.max(v, e.absError / (report.atol + report.rtol * Math.abs(e.autograd)));
  }
  return v;
}

/** The three-way comparison at one point. */
function compareAt(
  f: ScalarFunction,
  handGrad: GradientFunction,
  point: readonly NDArray[],
  names: readonly string[],
  options: CheckFormulaOptions,
): FormulaReport {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  const leaves = point.map((v) => new Tensor(v, { requiresGrad: true }));
  const y = f(...leaves);
  checkOutput(y);
  const value = y.item();
  const auto = y.requiresGrad
    ? runBackward([y], [new Tensor(T.ones(y.shape, 'float64'))], { targets: leaves })
    : leaves.map(() => null);
  const hand = handGradients(handGrad, point, names);
  const inputs = point.map((x, k): InputComparison => {
    const autoValues =
      auto[k] === null || auto[k] === undefined
        ? new Array<number>(x.size).fill(0)
        : [...T.getBackend().copy(auto[k]!.value, 'float64').data];
    const handValues = [...hand[k]!.data];
    const fd = finiteDifferences(f, point, k, eps);
    return compareInput(names[k]!, x.shape, handValues, autoValues, fd, atol, rtol);
  });
  let worstInput = 0;
  inputs.forEach((c, k) => {
    if (c.maxAbsError > inputs[worstInput]!.maxAbsError) worstInput = k;
  });
  const truthAgrees = inputs.every((c) =>
    c.elements.every((e) => Math.abs(e.autograd - e.finiteDiff) <= atol + rtol * Math.abs(e.finiteDiff)),
  );
  return {
    kind: 'point',
    ok: inputs.every((c) => c.ok),
    value,
    inputs,
    worstInput,
    truthAgrees,
    atol,
    rtol,
    eps,
    point: point.map((x) => [...x.data]),
  };
}

function checkOutput(y: Tensor): void {
  if (y.numel() !== 1)
    throw new AutogradError(
      'checkFormula',
      `f must return a scalar (one element); it returned shape ${T.fmtShape(y.shape)}`,
    );
  if (y.dtype !== 'float64') {
    throw new DTypeError(
      'checkFormula',
      `f returned ${y.dtype}; the check runs in float64, so create f's constants with { dtype: 'float64' }`,
    );
  }
}

/** Runs the user's formula on detached float64 copies and validates what it returns. */
function handGradients(handGrad: GradientFunction, point: readonly NDArray[], names: readonly string[]): NDArray[] {
  const result = noGrad(() => handGrad(...point.map((x) => new Tensor(T.getBackend().copy(x, 'float64')))));
  const list: readonly Tensor[] = result instanceof Tensor ? [result] : result;
  if (list.length !== point.length) {
    throw new AutogradError(
      'checkFormula',
      `the hand-derived gradient returned ${list.length} tensor${list.length === 1 ? '' : 's'} for ` +
        `${point.length} input${point.length === 1 ? '' : 's'}`,
    );
  }
  return list.map((g, k) => {
    const x = point[k]!;
    if (!T.shapesEqual(g.shape, x.shape)) {
      const hint = shapeHint(g.shape, x.shape);
      throw new ShapeError(
        'checkFormula',
        `the hand-derived gradient of ${names[k]} has shape ${T.fmtShape(g.shape)}, ` +
          `expected the input's shape ${T.fmtShape(x.shape)}${hint === '' ? '' : `: ${hint}`}`,
      );
    }
    if (g.dtype !== 'float64') {
      throw new DTypeError(
        'checkFormula',
        `the hand-derived gradient of ${names[k]} is ${g.dtype}; ` +
          `compute it in float64 (constants with { dtype: 'float64' })`,
      );
    }
    return T.getBackend().copy(g.value, 'float64');
  });
}

/** (f(x + eps·e_j) − f(x − eps·e_j)) / 2eps for every element j of input k, without recording a graph. */
function finiteDifferences(f: ScalarFunction, point: readonly NDArray[], k: number, eps: number): number[] {
  const base = point[k]!;
  const data = Float64Array.from(base.data as Float64Array);
  const evaluate = (): number =>
    noGrad(() => {
      const args = point.map((x, i) => new Tensor(i === k ? new NDArray(Float64Array.from(data), base.shape) : x));
      return f(...args).item();
    });
  const out = new Array<number>(data.length);
  for (let j = 0; j < data.length; j++) {
    const v = data[j]!;
    data[j] = v + eps;
    const plus = evaluate();
    data[j] = v - eps;
    const minus = evaluate();
    data[j] = v;
    out[j] = (plus - minus) / (2 * eps);
  }
  return out;
}

function compareInput(
  name: string,
  shape: readonly number[],
  hand: readonly number[],
  auto: readonly number[],
  fd: readonly number[],
  atol: number,
  rtol: number,
): InputComparison {
  const elements = hand.map((h, j): ElementComparison => {
    const a = auto[j]!;
    const absError = Math.abs(h - a);
    const relError = a !== 0 ? absError / Math.abs(a) : absError === 0 ? 0 : Infinity;
    return {
      index: unravelIndex(j, shape),
      hand: h,
      autograd: a,
      finiteDiff: fd[j]!,
      absError,
      relError,
      ok: absError <= atol + rtol * Math.abs(a),
    };
  });
  let worst: ElementComparison | null = null;
  let maxRel = 0,
    autoFd = 0,
    handFd = 0;
  for (const e of elements) {
    if (worst === null || e.absError > worst.absError || (Number.isNaN(e.absError) && !Number.isNaN(worst.absError)))
      worst = e;
    maxRel = Math.max(maxRel, e.relError);
    autoFd = Math.max(autoFd, Math.abs(e.autograd - e.finiteDiff));
    handFd = Math.max(handFd, Math.abs(e.hand - e.finiteDiff));
  }
  const ok = elements.every((e) => e.ok);
  return {
    name,
    shape,
    ok,
    hint: ok ? null : patternHint(hand, auto, shape),
    maxAbsError: worst?.absError ?? 0,
    maxRelError: maxRel,
    worstIndex: worst?.index ?? null,
    worst,
    autogradVsFiniteDiff: autoFd,
    handVsFiniteDiff: handFd,
    elements,
  };
}
