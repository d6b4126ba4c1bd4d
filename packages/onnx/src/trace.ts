/**
 * Runs a model's forward pass and writes down what it computed: each op (record name, parameters,
 * input and output tensors) and each call of a layer the exporter writes as one ONNX node (then
 * the ops inside it are not written down). Each step knows the path of the module that ran it.
 */
import { Tensor, noGrad, traceOps } from '@chainrule/autograd';
import type { AnyModule, RemovableHandle } from '@chainrule/nn';
import { OnnxExportError } from './errors.js';

/** One op applied during the forward pass. */
export interface OpStep {
  readonly kind: 'op';
  /** The op record's name (`'linear'`, `'reshape'`...). */
  readonly name: string;
  readonly params: unknown;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** The state-dict path of the innermost module running (`''`: the model itself). */
  readonly path: string;
}

/** One call of a layer that is exported whole. */
export interface ModuleStep {
  readonly kind: 'module';
  /** The layer's class name. */
  readonly name: string;
  readonly module: AnyModule;
  /** The tensors among its arguments, flattened in order (an LSTM's `[x, [h0, c0]]` is `[x, h0, c0]`). */
  readonly inputs: readonly Tensor[];
  /** Its first output tensor. */
  readonly output: Tensor;
  /** Every output tensor, flattened in order (an LSTM's `[y, [hN, cN]]` is `[y, hN, cN]`). */
  readonly outputs: readonly Tensor[];
  /** The arguments as given (options objects included). */
  readonly args: readonly unknown[];
  readonly path: string;
}

/** A step of the forward pass. */
export type Step = OpStep | ModuleStep;

/** What a forward pass computed, in order. */
export interface Trace {
  readonly steps: readonly Step[];
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
}

type Forward = (...inputs: Tensor[]) => unknown;

/**
 * Runs `model` on `inputs` in evaluation mode without recording gradients (the modules' training
 * flags are put back afterwards) and returns its steps. Layers for which `isWhole` is true are
 * one step each.
 * @example
 * ```ts
 * import { randn } from '@chainrule/autograd';
 * import { Linear } from '@chainrule/nn';
 * import { traceModel } from '@chainrule/onnx';
 * traceModel(new Linear(2, 3), [randn([4, 2])], () => false).steps[0]!.name; // 'linear'
 * ```
 */
export function traceModel(model: AnyModule, inputs: readonly Tensor[], isWhole: (m: AnyModule) => boolean): Trace {
  const steps: Step[] = [];
  const paths: string[] = [];
  let whole = 0;
  const handles: RemovableHandle[] = [];
  const modes = model.modules().map((m) => [m, m.training] as const);
  try {
    for (const [path, m] of model.namedModules()) {
      const isOne = isWhole(m);
      handles.push(
        m.registerForwardPreHook(() => {
          paths.push(path);
          if (isOne) whole++;
        }),
        m.registerForwardHook((_m, args, out) => {
          paths.pop();
          if (!isOne) return;
          whole--;
          if (whole > 0) return;
          const ins = flatTensors(args);
          const outs = flatTensors(out);
          const name = m.constructor.name;
          steps.push({ kind: 'module', name, module: m, inputs: ins, output: outs[0]!, outputs: outs, args, path });
        }),
      );
    }
    model.eval();
    const forward = (model as unknown as { forward: Forward }).forward.bind(model);
    const output = noGrad(() =>
      traceOps(() => forward(...inputs), {
        paused: () => whole > 0,
        onOp: (op) =>
          steps.push({
            kind: 'op',
            name: op.record.name,
            params: op.params,
            inputs: op.inputs,
            output: op.output,
            path: paths.at(-1) ?? '',
          }),
      }),
    );
    if (!(output instanceof Tensor))
      throw new OnnxExportError('toOnnx', `the model must return one Tensor, got ${describe(output)}`);
    return { steps, inputs, output };
  } finally {
    for (const h of handles) h.remove();
    for (const [m, training] of modes) m.training = training;
  }
}

/** The tensors in `x` (a tensor or nested arrays of them), in order. */
function flatTensors(x: unknown): Tensor[] {
  if (x instanceof Tensor) return [x];
  return Array.isArray(x) ? x.flatMap(flatTensors) : [];
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of ${x.length}`;
  return typeof x === 'object' ? (x.constructor?.name ?? 'an object') : typeof x;
}
