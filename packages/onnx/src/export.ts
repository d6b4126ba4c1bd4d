/**
 * `toOnnx`: a model's forward pass as an ONNX model. The model runs on the example inputs (in
 * evaluation mode, without gradients) while every op and whole-exported layer is written down;
 * each step becomes ONNX nodes through the op table (emit-ops.ts) or the layer table
 * (emit-modules.ts). It runs a second time with each dynamic dim one larger and the float inputs
 * moved: dims that change are symbolic in the file (reshape targets use 0 or -1 there), and a value
 * computed from the inputs outside the ops (it changes too) is refused rather than frozen.
 */
import { readFileSync } from 'node:fs';
import { Tensor } from '@chainrule/autograd';
import type { AnyModule } from '@chainrule/nn';
import * as T from '@chainrule/tensor';
import { GraphBuilder } from './builder.js';
import { EmitContext } from './context.js';
import { moduleEmitter } from './emit-modules.js';
import { OP_EMITTERS } from './emit-ops.js';
import { OnnxExportError } from './errors.js';
import { type OnnxDType, type ValueSpec, encodeOnnxModel } from './proto.js';
import { type ModuleStep, type OpStep, type Step, type Trace, traceModel } from './trace.js';

/** Symbolic dims of one input or output: `{ 0: 'batch' }`, or a list of axes (named `<value>_dim<axis>`). */
export type DynamicAxes = Readonly<Record<number, string>> | readonly number[];

/** Options of `toOnnx` and `saveOnnx` (torch.onnx.export's names, camelCased). */
export interface OnnxExportOptions {
  /** Dims left free in the file, by input or output name. */
  dynamicAxes?: Readonly<Record<string, DynamicAxes>>;
  /** The ONNX opset (default 17; 13 to 21). */
  opset?: number;
  /** Names of the graph inputs (default `input` for one input, else `input0`, `input1`...). */
  inputNames?: readonly string[];
  /** Name of the graph output (default `output`). */
  outputNames?: readonly string[];
}

const KNOWN = ['dynamicAxes', 'opset', 'inputNames', 'outputNames'];
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/**
 * The ONNX model (bytes of a ModelProto) computing `model`'s forward pass on inputs like
 * `exampleInputs`. Parameters and buffers are initializers named by their state-dict keys.
 * @throws OnnxExportError naming the op (or layer), the step and the module path of anything with no
 * ONNX form; RangeError/DTypeError for bad options or inputs.
 * @example
 * ```ts
 * import { randn } from '@chainrule/autograd';
 * import { Linear, ReLU, Sequential } from '@chainrule/nn';
 * import { toOnnx } from '@chainrule/onnx';
 * const net = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * const bytes = toOnnx(net, randn([3, 4]), { dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } } });
 * bytes.length > 0; // true
 * ```
 */
export function toOnnx(
  model: AnyModule,
  exampleInputs: Tensor | readonly Tensor[],
  options: OnnxExportOptions = {},
): Uint8Array {
  for (const key of Object.keys(options))
    if (!KNOWN.includes(key))
      throw new T.RangeError('toOnnx', `unknown option '${key}'; known options: ${KNOWN.join(', ')}`);
  const inputs = exampleInputs instanceof Tensor ? [exampleInputs] : [...exampleInputs];
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new T.DTypeError('toOnnx', `example input ${i} must be a Tensor`);
  });
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < 13 || opset > 21)
    throw new T.RangeError('toOnnx', `opset must be an integer from 13 to 21, got ${String(opset)}`);
  const inputNames = options.inputNames ?? (inputs.length === 1 ? ['input'] : inputs.map((_, i) => `input${i}`));
  const outputName = options.outputNames?.[0] ?? 'output';
  if (inputNames.length !== inputs.length)
    throw new T.RangeError('toOnnx', `${inputNames.length} inputNames for ${inputs.length} example inputs`);
  if (new Set([...inputNames, outputName]).size !== inputNames.length + 1)
    throw new T.RangeError(
      'toOnnx',
      `input and output names must differ, got ${[...inputNames, outputName].join(', ')}`,
    );
  const dynamic = resolveAxes(options.dynamicAxes ?? {}, inputNames, inputs, outputName);
  const isWhole = (m: AnyModule): boolean => moduleEmitter(m) !== undefined;
  const trace = traceModel(model, inputs, isWhole);
  const varied = inputs.map((x, i) => vary(x, Object.keys(dynamic.get(inputNames[i]!) ?? {}).map(Number)));
  const twin = traceModel(model, varied, isWhole);
  checkSameOps(trace, twin);

  const state = new Map<Tensor, string>();
  for (const [k, p] of model.namedParameters()) state.set(p, k);
  for (const [k, t] of model.namedBuffers()) state.set(t, k);
  const b = new GraphBuilder(opset, state);
  for (let i = 0; i < inputs.length; i++) b.bind(inputs[i]!, inputNames[i]!);
  b.fresh(outputName); // reserved: no initializer or node output takes it
  writeSteps(b, trace, twin);
  b.node('Identity', [b.nameOf(trace.output)], {}, [outputName]);

  const dtypeOf = (t: Tensor): OnnxDType => t.dtype as OnnxDType;
  const inputSpecs: ValueSpec[] = inputs.map((x, i) => {
    const names = dynamic.get(inputNames[i]!) ?? {};
    return { name: inputNames[i]!, dtype: dtypeOf(x), dims: x.shape.map((d, k) => names[k] ?? d) };
  });
  const out = trace.output;
  const outNames = dynamic.get(outputName) ?? {};
  const outDims = out.shape.map((d, k) => {
    if (outNames[k] !== undefined) return outNames[k];
    if (twin.output.shape[k] === d) return d;
    return matchInputAxis(d, twin.output.shape[k]!, inputSpecs, trace, twin) ?? `${outputName}_dim${k}`;
  });
  return encodeOnnxModel({
    opset,
    producerVersion: VERSION,
    graphName: model.constructor.name,
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: inputSpecs,
    outputs: [{ name: outputName, dtype: dtypeOf(out), dims: outDims }],
  });
}

/** Writes every step through its emitter. */
function writeSteps(b: GraphBuilder, trace: Trace, twin: Trace): void {
  const producers = new Map<Tensor, Step>();
  const consumers = new Map<Tensor, Step[]>();
  for (const s of trace.steps) {
    for (const o of s.kind === 'module' ? s.outputs : [s.output]) producers.set(o, s);
    for (const t of s.inputs) consumers.set(t, [...(consumers.get(t) ?? []), s]);
  }
  trace.steps.forEach((s, i) => {
    const outs = s.kind === 'module' ? s.outputs : [s.output];
    const readers = outs.flatMap((o) => consumers.get(o) ?? []);
    const last = outs.includes(trace.output);
    const producer = (t: Tensor): Step | undefined => producers.get(t);
    if (s.kind === 'module') {
      const t = twin.steps[i] as ModuleStep; // checkSameOps: the same kinds and names, step by step
      moduleEmitter(s.module)!(new EmitContext<ModuleStep>(b, s, t, i, readers, last, producer));
      return;
    }
    const c = new EmitContext<OpStep>(b, s, twin.steps[i] as OpStep, i, readers, last, producer);
    const emit = OP_EMITTERS[s.name];
    if (emit === undefined) throw c.fail('this op has no ONNX form in @chainrule/onnx yet');
    s.inputs.forEach((t, j) => {
      if (b.has(t) || b.isState(t) || sameArray(t, c.twin.inputs[j]!)) return;
      throw c.fail(
        `input ${j} (shape [${t.shape}]) is a value computed outside the recorded ops from the inputs ` +
          '(its shape or values follow them): it would be frozen into the file. Export the layer that makes it ' +
          'whole, or compute it with ops',
      );
    });
    emit(c);
  });
}

function checkSameOps(a: Trace, b: Trace): void {
  const names = (t: Trace): string => t.steps.map((s) => s.name).join(' ');
  if (a.steps.length !== b.steps.length || names(a) !== names(b))
    throw new OnnxExportError(
      'toOnnx',
      'the forward pass runs different ops for other input values or dynamic dim sizes ' +
        '(control flow on values or shapes); one ONNX graph cannot hold both',
    );
}

/** Whether two tensors hold the same shape and values (a constant of the two traces). */
function sameArray(a: Tensor, b: Tensor): boolean {
  if (a === b) return true;
  if (a.shape.join() !== b.shape.join()) return false;
  const x = a.value.contiguous().data;
  const y = b.value.contiguous().data;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

/**
 * The twin trace's input: each of `axes` one larger (the first slice repeated), and float values
 * moved (1.5x + 0.5), so a value computed from the inputs outside the ops differs between the traces.
 */
function vary(x: Tensor, axes: readonly number[]): Tensor {
  let v = x.value;
  for (const axis of axes) v = T.concat([v, v.slice(axis, 0, 1)], axis);
  if (T.isFloat(v.dtype)) v = T.add(T.mul(v, 1.5), 0.5);
  return new Tensor(v);
}

/** The name of an input's dynamic axis that has sizes `a` and `b` in the two traces, if one does. */
function matchInputAxis(a: number, b: number, specs: readonly ValueSpec[], ta: Trace, tb: Trace): string | undefined {
  for (let i = 0; i < specs.length; i++)
    for (let k = 0; k < specs[i]!.dims.length; k++) {
      const d = specs[i]!.dims[k];
      if (typeof d === 'string' && ta.inputs[i]!.shape[k] === a && tb.inputs[i]!.shape[k] === b) return d;
    }
  return undefined;
}

/** dynamicAxes checked and as maps axis → name, by value name. */
function resolveAxes(
  axes: Readonly<Record<string, DynamicAxes>>,
  inputNames: readonly string[],
  inputs: readonly Tensor[],
  outputName: string,
): Map<string, Record<number, string>> {
  const out = new Map<string, Record<number, string>>();
  for (const [name, spec] of Object.entries(axes)) {
    const i = inputNames.indexOf(name);
    if (i < 0 && name !== outputName)
      throw new T.RangeError(
        'toOnnx',
        `dynamicAxes names '${name}', which is neither an input (${inputNames.join(', ')}) ` +
          `nor the output (${outputName})`,
      );
    const entries: [number, string][] = Array.isArray(spec)
      ? (spec as readonly number[]).map((k) => [k, `${name}_dim${k}`])
      : Object.entries(spec as Record<number, string>).map(([k, v]) => [Number(k), v]);
    for (const [k] of entries) {
      const rank = i >= 0 ? inputs[i]!.ndim : Infinity;
      if (!Number.isInteger(k) || k < 0 || k >= rank)
        throw new T.RangeError('toOnnx', `dynamicAxes['${name}'] axis ${k} is not a dim of a rank-${rank} value`);
    }
    out.set(name, Object.fromEntries(entries));
  }
  return out;
}
