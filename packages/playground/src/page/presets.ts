/** The notes' examples, as expressions with values: the playground's preset menu. */

/** One example: an expression in `graphFromExpression`'s language and a value for each variable. */
export interface Preset {
  readonly id: string;
  readonly title: string;
  readonly expression: string;
  readonly values: Readonly<Record<string, number>>;
}

/**
 * The presets: (x+y)z, a sigmoid neuron (the notes' 2-input neuron), the worked 3-2-1 sigmoid
 * network with E = ½(t − o)² (input (1, 0, 1), target 1), and softmax cross-entropy over three
 * scores with the first class as the label.
 * @example
 * ```ts
 * import { graphFromExpression } from '@chainrule/teaching';
 * const p = PRESETS[0]!;
 * graphFromExpression(p.expression, p.values).output.item(); // -12
 * ```
 */
export const PRESETS: readonly Preset[] = [
  { id: 'notes', title: '(x + y)·z', expression: '(x + y) * z', values: { x: -2, y: 5, z: -4 } },
  {
    id: 'neuron',
    title: 'a sigmoid neuron',
    expression: 'sigmoid(w0*x0 + w1*x1 + b)',
    values: { w0: 2, x0: -1, w1: -3, x1: -2, b: -3 },
  },
  {
    id: 'worked-321',
    title: 'the worked 3-2-1 example',
    expression:
      '0.5 * (1 - sigmoid(w46*sigmoid(w14*1 + w24*0 + w34*1 + b4) + w56*sigmoid(w15*1 + w25*0 + w35*1 + b5) + b6))^2',
    values: { w46: -0.3, w14: 0.2, w24: 0.4, w34: -0.5, b4: -0.4, w56: -0.2, w15: -0.3, w25: 0.1, w35: 0.2, b5: 0.2, b6: 0.1 },
  },
  {
    id: 'softmax-ce',
    title: 'softmax cross-entropy',
    expression: '-log(exp(a) / (exp(a) + exp(b) + exp(c)))',
    values: { a: 2, b: 1, c: 0.1 },
  },
];
