// Gradient configs for the tfjs candidates of the benchmarks (used in their child processes).
import { tf } from './tfjs.js';

type TfTensor = ReturnType<typeof tf.tensor>;

/**
 * The gradient configs the tfjs candidates need (tf.grads, optimizers). `register_all_gradients`
 * would register them, but its files are ES modules Node cannot load (extensionless imports) and
 * the CommonJS bundle Node loads leaves them out. These are tfjs-core 4.22's BatchMatMul, Add, Sub,
 * Multiply, Sigmoid, Tanh, Relu, Square and Sum configs (src/gradients/*_grad.ts), ported onto
 * the public API. Each is registered only if missing.
 */
export function registerTfjsGradients(): void {
  const { assertAndGetBroadcastShape, getReductionAxes } = tf.backend_util;
  const reduceTo = (res: TfTensor, shape: number[], out: number[]): TfTensor => {
    const axes = getReductionAxes(shape, out);
    return tf.reshape(axes.length > 0 ? tf.sum(res, axes) : res, shape);
  };
  const configs: Parameters<typeof tf.registerGradient>[0][] = [
    {
      kernelName: tf.BatchMatMul,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved, attrs) => {
        const [a, b] = saved as TfTensor[];
        const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
        const d = dy as TfTensor;
        if (!transposeA && !transposeB)
          return { a: () => tf.matMul(d, b!, false, true), b: () => tf.matMul(a!, d, true, false) };
        if (!transposeA && transposeB)
          return { a: () => tf.matMul(d, b!, false, false), b: () => tf.matMul(d, a!, true, false) };
        if (transposeA && !transposeB)
          return { a: () => tf.matMul(b!, d, false, true), b: () => tf.matMul(a!, d, false, false) };
        return { a: () => tf.matMul(b!, d, true, true), b: () => tf.matMul(d, a!, true, true) };
      },
    },
    {
      kernelName: tf.Add,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [a, b] = saved as TfTensor[];
        const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
        return { a: () => reduceTo(dy as TfTensor, a!.shape, out), b: () => reduceTo(dy as TfTensor, b!.shape, out) };
      },
    },
    {
      kernelName: tf.Sub,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [a, b] = saved as TfTensor[];
        const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
        return {
          a: () => reduceTo(dy as TfTensor, a!.shape, out),
          b: () => tf.neg(reduceTo(dy as TfTensor, b!.shape, out)),
        };
      },
    },
    {
      kernelName: tf.Multiply,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [a, b] = saved as TfTensor[];
        const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
        return {
          a: () => reduceTo(tf.mul(dy as TfTensor, tf.cast(b!, 'float32')), a!.shape, out),
          b: () => reduceTo(tf.mul(dy as TfTensor, tf.cast(a!, 'float32')), b!.shape, out),
        };
      },
    },
    {
      kernelName: tf.Sigmoid,
      outputsToSave: [true],
      gradFunc: (dy, saved) => {
        const [y] = saved as TfTensor[];
        return { x: () => tf.mul(dy as TfTensor, tf.mul(y!, tf.sub(tf.scalar(1), y!))) };
      },
    },
    {
      kernelName: tf.Relu,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
        const [x] = saved as TfTensor[];
        return { x: () => tf.mul(dy as TfTensor, tf.step(tf.cast(x!, 'float32'))) };
      },
    },
    {
      kernelName: tf.Square,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
        const [x] = saved as TfTensor[];
        return { x: () => tf.mul(dy as TfTensor, tf.mul(tf.cast(x!, 'float32'), 2)) };
      },
    },
    {
      kernelName: tf.Sum,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved as TfTensor[];
        const expandedShape = x!.shape.slice();
        const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x!.shape);
        for (const a of axes) expandedShape[a] = 1;
        return { x: () => tf.mul(tf.reshape(dy as TfTensor, expandedShape), tf.ones(x!.shape, 'float32')) };
      },
    },
    {
      kernelName: tf.Tanh,
      outputsToSave: [true],
      gradFunc: (dy, saved) => {
        const [y] = saved as TfTensor[];
        // d tanh(x) = 1 - tanh(x)^2
        return { x: () => tf.mul(tf.sub(tf.scalar(1), tf.square(y!)), dy as TfTensor) };
      },
    },
  ];
  for (const c of configs) if (tf.getGradient(c.kernelName) === undefined) tf.registerGradient(c);
}
