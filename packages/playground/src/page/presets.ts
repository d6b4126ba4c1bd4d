/** The notes' examples, as expressions with values: the playground's preset menu. */

/** One example: an expression in `graphFromExpression`'s language and a value for each variable. */
export interface Preset {
  readonly id: string;
  readonly title: string;
  readonly expression: string;
  readonly values: Readonly<Record<string, number>>;
}

/**
 * The presets, in named steps as the notes write them: (x+y)z, a sigmoid neuron (the notes'
 * 2-input neuron), the worked 3-2-1 sigmoid network with E = ½(t − o)² (input (1, 0, 1), target 1),
 * and softmax cross-entropy over three scores with the first class as the label.
 * @example
 * ```ts
 * import { graphFromExpression } from '@chainrule/teaching';
 * const p = PRESETS[0]!;
 * graphFromExpression(p.expression, p.values).output.item(); // -12 (f = q * z with q = x + y)
 * ```
 */
export const PRESETS: readonly Preset[] = [
  { id: 'notes', title: '(x + y)·z', expression: 'q = x + y; f = q * z', values: { x: -2, y: 5, z: -4 } },
  {
    id: 'neuron',
    title: 'a sigmoid neuron',
    expression: 'z = w0*x0 + w1*x1 + b; a = sigmoid(z)',
    values: { w0: 2, x0: -1, w1: -3, x1: -2, b: -3 },
  },
  {
    id: 'worked-321',
    title: 'the worked 3-2-1 example',
    expression:
      'i4 = w14*1 + w24*0 + w34*1 + b4; o4 = sigmoid(i4); i5 = w15*1 + w25*0 + w35*1 + b5; o5 = sigmoid(i5); ' +
      'i6 = w46*o4 + w56*o5 + b6; o6 = sigmoid(i6); E = 0.5 * (1 - o6)^2',
    values: {
      w46: -0.3,
      w14: 0.2,
      w24: 0.4,
      w34: -0.5,
      b4: -0.4,
      w56: -0.2,
      w15: -0.3,
      w25: 0.1,
      w35: 0.2,
      b5: 0.2,
      b6: 0.1,
    },
  },
  {
    id: 'softmax-ce',
    title: 'softmax cross-entropy',
    expression: 'ea = exp(a); eb = exp(b); ec = exp(c); p = ea / (ea + eb + ec); L = -log(p)',
    values: { a: 2, b: 1, c: 0.1 },
  },
];
