/**
 * Checking a student's backpropagation layer by layer: given the δˡ they computed for every layer
 * (and optionally ∂C/∂bˡ and ∂C/∂Wˡ), the report compares each with autograd and names the first
 * of the notes' four equations that goes wrong: BP1 (δᴸ), BP2 (δˡ from δˡ⁺¹), BP3 (∂C/∂bˡ),
 * BP4 (∂C/∂Wˡ).
 */
import * as T from '@chainrule/tensor';
import { AutogradError, Tensor, runBackward } from '@chainrule/autograd';
import { patternHint } from './check-formula-hints.js';

/** A fully connected network on a batch, in the notes' layout (one example per row, Wˡ [out, in]). */
export interface BackpropNetwork {
  /** Inputs [n, d₀]. */
  readonly x: Tensor;
  /** Targets [n, d_L]. */
  readonly y: Tensor;
  /** W¹ … Wᴸ, each [dˡ, dˡ⁻¹]. */
  readonly weights: readonly Tensor[];
  /** b¹ … bᴸ, each [dˡ]. */
  readonly biases: readonly Tensor[];
  /** The activation of every layer (default sigmoid). */
  readonly activation?: 'sigmoid' | 'tanh' | 'relu';
  /** C = 1/(2n) Σ‖aᴸ − y‖² (quadratic, default) or −1/n Σ [y ln aᴸ + (1 − y) ln(1 − aᴸ)]. */
  readonly cost?: 'quadratic' | 'cross-entropy';
}

/** What the student computed: δ¹ … δᴸ (each [n, dˡ]), and optionally the parameter gradients. */
export interface HandBackprop {
  readonly deltas: readonly Tensor[];
  readonly gradB?: readonly Tensor[];
  readonly gradW?: readonly Tensor[];
}

/** One equation at one layer. */
export interface BackpropCheck {
  readonly equation: 'BP1' | 'BP2' | 'BP3' | 'BP4';
  readonly layer: number;
  /** What is compared: `δ²`, `∂C/∂b¹`, `∂C/∂W¹`. */
  readonly quantity: string;
  readonly ok: boolean;
  readonly maxAbsError: number;
  /** Where |hand − autograd| is largest, as a multi-index. */
  readonly worstIndex: readonly number[];
  /** The pattern of the mistake (a missing factor, a sign, a transpose), if one fits. */
  readonly hint: string | null;
}

/** The checks in the order backpropagation computes them, and the first that fails. */
export interface BackpropReport {
  readonly ok: boolean;
  readonly checks: readonly BackpropCheck[];
  readonly firstWrong: BackpropCheck | null;
  /** The report as text. */
  readonly text: string;
}

const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';

const failure = (c: BackpropCheck): string =>
  `FAIL: max |hand − autograd| ${c.maxAbsError.toPrecision(3)} at [${c.worstIndex.join(',')}]`;
const sup = (k: number): string => [...String(k)].map((d) => SUP[Number(d)]).join('');

/**
 * Compares the student's δˡ (and ∂C/∂bˡ, ∂C/∂Wˡ where given) with autograd, to
 * |Δ| ≤ atol + rtol·|autograd| (defaults 1e-8 and 1e-6; float64), and names the first equation
 * that goes wrong.
 * @example
 * ```ts
 * const report = checkBackprop({ x, y, weights: [W1, W2], biases: [b1, b2] }, { deltas: [d1, d2] });
 * console.log(report.text); // BP1 δ² ok, BP2 δ¹ FAIL ... first wrong: BP2 at layer 1
 * ```
 */
export function checkBackprop(
  net: BackpropNetwork,
  hand: HandBackprop,
  options: { atol?: number; rtol?: number } = {},
): BackpropReport {
  const L = net.weights.length;
  if (L === 0 || net.biases.length !== L || hand.deltas.length !== L)
    throw new AutogradError(
      'checkBackprop',
      `expected as many biases and deltas as weights (${L}), got ${net.biases.length} and ${hand.deltas.length}`,
    );
  const atol = options.atol ?? 1e-8;
  const rtol = options.rtol ?? 1e-6;
  const f64 = (t: Tensor, grad = false) => new Tensor(T.getBackend().copy(t.value, 'float64'), { requiresGrad: grad });
  const W = net.weights.map((w) => f64(w, true));
  const b = net.biases.map((v) => f64(v, true));
  const act = net.activation ?? 'sigmoid';
  let a = f64(net.x);
  const Z: Tensor[] = [];
  for (let l = 0; l < L; l++) {
    const z = a.matmul(W[l]!.mT).add(b[l]!);
    Z.push(z);
    a = act === 'sigmoid' ? z.sigmoid() : act === 'tanh' ? z.tanh() : z.relu();
  }
  const y = f64(net.y);
  const n = y.shape[0]!;
  const C =
    net.cost === 'cross-entropy'
      ? y
          .mul(a.log())
          .add(y.neg().add(1).mul(a.neg().add(1).log()))
          .sum()
          .div(-n)
      : a
          .sub(y)
          .square()
          .sum()
          .div(2 * n);
  const grads = runBackward([C], [new Tensor(T.ones([], 'float64'))], { targets: [...Z, ...W, ...b] });
  const checks: BackpropCheck[] = [];
  const compare = (eq: BackpropCheck['equation'], layer: number, quantity: string, h: Tensor, auto: Tensor): void => {
    if (!T.shapesEqual(h.shape, auto.shape))
      throw new AutogradError(
        'checkBackprop',
        `${quantity} has shape ${T.fmtShape(h.shape)}, expected ${T.fmtShape(auto.shape)}`,
      );
    const hv = Array.from(T.getBackend().copy(h.value, 'float64').data as Float64Array);
    const av = Array.from(auto.value.contiguous().data as Float64Array);
    let worst = 0;
    let max = 0;
    let ok = true;
    hv.forEach((v, i) => {
      const d = Math.abs(v - av[i]!);
      if (!(d <= atol + rtol * Math.abs(av[i]!))) ok = false;
      if (d > max || Number.isNaN(d)) [max, worst] = [d, i];
    });
    const worstIndex = auto.shape.map(
      (_, k) => Math.floor(worst / auto.shape.slice(k + 1).reduce((p, s) => p * s, 1)) % auto.shape[k]!,
    );
    checks.push({
      equation: eq,
      layer,
      quantity,
      ok,
      maxAbsError: max,
      worstIndex,
      hint: ok ? null : patternHint(hv, av, auto.shape),
    });
  };
  for (let l = L - 1; l >= 0; l--)
    compare(l === L - 1 ? 'BP1' : 'BP2', l + 1, `δ${sup(l + 1)}`, hand.deltas[l]!, grads[l]!);
  for (const [l, g] of (hand.gradB ?? []).entries()) compare('BP3', l + 1, `∂C/∂b${sup(l + 1)}`, g, grads[2 * L + l]!);
  for (const [l, g] of (hand.gradW ?? []).entries()) compare('BP4', l + 1, `∂C/∂W${sup(l + 1)}`, g, grads[L + l]!);
  const firstWrong = checks.find((c) => !c.ok) ?? null;
  const lines = checks.map(
    (c) =>
      `${c.equation}  ${c.quantity.padEnd(7)} ${c.ok ? 'ok' : failure(c)}` + `${c.hint === null ? '' : ` (${c.hint})`}`,
  );
  lines.push(
    firstWrong === null
      ? 'every equation checks out'
      : `the first equation that goes wrong: ${firstWrong.equation} at layer ${firstWrong.layer} ` +
          `(${firstWrong.quantity})`,
  );
  return { ok: firstWrong === null, checks, firstWrong, text: `${lines.join('\n')}\n` };
}
