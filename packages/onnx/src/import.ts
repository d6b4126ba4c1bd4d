/**
 * `loadOnnx`: an ONNX model as a chainrule Module whose initializers are trainable parameters and
 * whose forward pass runs the graph's nodes in order on chainrule ops (table in import-ops.ts).
 */
import { Tensor } from '@chainrule/autograd';
import { Module, Parameter } from '@chainrule/nn';
import { OnnxImportError } from './errors.js';
import { context } from './import-context.js';
import { type ImportGraph, decodeOnnxModel } from './import-decode.js';
import { IMPORT_OPS } from './import-ops.js';

/** A module that only holds parameters (a level of a dotted ONNX initializer name). */
class ParameterScope extends Module<[], never> {
  forward(): never {
    throw new OnnxImportError('forward', 'a parameter scope of an imported model has no forward pass');
  }
}

/**
 * An imported ONNX model. `forward(...inputs)` returns the graph's first output, `forwardAll` every
 * output in the graph's order. Float initializers are `Parameter`s registered under their ONNX names
 * (a dotted name like `fc.weight` as nested scopes, so `stateDict()` keys equal the ONNX names; a name that
 * cannot be a module path has its dots replaced by `_`): `onnxNames` maps state-dict keys to ONNX names.
 * Other initializers (int64 shapes and indices) are buffers.
 * @example
 * ```ts
 * import { randn } from '@chainrule/autograd';
 * import { Linear } from '@chainrule/nn';
 * import { loadOnnx, toOnnx } from '@chainrule/onnx';
 * const m = loadOnnx(toOnnx(new Linear(3, 2), randn([1, 3])));
 * [...m.stateDict().keys()]; // ['weight', 'bias']
 * ```
 */
export class OnnxModule extends Module<Tensor[], Tensor> {
  /** State-dict key → ONNX initializer name. */
  readonly onnxNames = new Map<string, string>();
  /** The graph's input and output names, and its default-domain opset. */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly opset: number;
  readonly #graph: ImportGraph;
  readonly #constants = new Map<string, Tensor>();

  constructor(graph: ImportGraph) {
    super();
    this.#graph = graph;
    this.inputNames = graph.inputs;
    this.outputNames = graph.outputs;
    this.opset = graph.opset;
    for (const [name, array] of graph.initializers) {
      const isFloat = array.dtype === 'float32' || array.dtype === 'float64';
      const t = isFloat ? new Parameter(array) : new Tensor(array);
      this.#constants.set(name, t);
      this.onnxNames.set(this.#place(name, t, isFloat), name);
    }
    this.#validate();
  }

  /** Registers `t` under the ONNX name as a module path when it can be one, else flat with `_`. */
  #place(name: string, t: Tensor, isParam: boolean): string {
    const parts = name.split('.');
    let scope: Module<never[], unknown> = this as unknown as Module<never[], unknown>;
    let ok = parts.every((p) => p !== '');
    for (let i = 0; ok && i < parts.length - 1; i++) {
      const next = (scope as unknown as Record<string, unknown>)[parts[i]!];
      const child = scope.namedChildren().find(([k]) => k === parts[i])?.[1];
      if (child instanceof ParameterScope) scope = child as unknown as Module<never[], unknown>;
      else if (child === undefined && next === undefined && !this.#taken(scope, parts[i]!)) {
        const made = new ParameterScope();
        scope.registerModule(parts[i]!, made);
        scope = made as unknown as Module<never[], unknown>;
      } else ok = false;
    }
    const leaf = parts[parts.length - 1]!;
    if (!ok || this.#taken(scope, leaf)) {
      scope = this as unknown as Module<never[], unknown>;
      let flat = name.replaceAll('.', '_') || '_';
      while (this.#taken(scope, flat)) flat += '_';
      return this.#register(scope, flat, t, isParam, flat);
    }
    return this.#register(scope, leaf, t, isParam, name);
  }

  #taken(scope: Module<never[], unknown>, key: string): boolean {
    return (
      key in scope ||
      scope.namedChildren().some(([k]) => k === key) ||
      scope.ownNamedParameters().some(([k]) => k === key) ||
      scope.namedBuffers().some(([k]) => k === key)
    );
  }

  #register(scope: Module<never[], unknown>, key: string, t: Tensor, isParam: boolean, path: string): string {
    if (isParam) scope.registerParameter(key, t as Parameter);
    else scope.registerBuffer(key, t);
    return path;
  }

  /** Every node's operator is known and every value is defined before it is read. */
  #validate(): void {
    const g = this.#graph;
    const defined = new Set<string>(['', ...g.inputs, ...g.initializers.keys()]);
    for (const node of g.nodes) {
      const ctx = context(node, g.opset);
      if ((node.domain !== '' && node.domain !== 'ai.onnx') || !Object.hasOwn(IMPORT_OPS, node.opType))
        throw ctx.fail(
          `operator ${node.domain === '' ? '' : `${node.domain}.`}${node.opType} is not supported by loadOnnx`,
        );
      for (const i of node.inputs) if (!defined.has(i)) throw ctx.fail(`input '${i}' is not defined before this node`);
      for (const o of node.outputs) defined.add(o);
    }
    for (const o of g.outputs)
      if (!defined.has(o)) throw new OnnxImportError('graph', `output '${o}' is never computed`);
    if (g.outputs.length === 0) throw new OnnxImportError('graph', 'the graph has no outputs');
  }

  /** The graph's first output. */
  forward(...inputs: Tensor[]): Tensor {
    return this.forwardAll(...inputs)[0]!;
  }

  /** Every graph output, in the graph's order. */
  forwardAll(...inputs: Tensor[]): Tensor[] {
    const g = this.#graph;
    if (inputs.length !== g.inputs.length)
      throw new OnnxImportError(
        'forward',
        `the graph takes ${g.inputs.length} inputs (${g.inputs.join(', ')}), got ${inputs.length}`,
      );
    const env = new Map<string, Tensor>(this.#constants);
    for (const [i, name] of g.inputs.entries()) env.set(name, inputs[i]!);
    for (const node of g.nodes) {
      const ctx = context(node, g.opset);
      const args = node.inputs.map((name) => (name === '' ? undefined : env.get(name)));
      let outs: Tensor[];
      try {
        outs = IMPORT_OPS[node.opType]!(args, ctx);
      } catch (e) {
        // a chainrule error (ShapeError, DTypeError, RangeError...) is the node's; a TypeError would be a bug here
        if (e instanceof OnnxImportError || e instanceof TypeError || !(e instanceof Error)) throw e;
        throw new OnnxImportError(`node '${node.name}' (${node.opType}, opset ${g.opset})`, e.message, e);
      }
      node.outputs.forEach((name, i) => {
        if (name !== '' && outs[i] !== undefined) env.set(name, outs[i]!);
      });
    }
    return g.outputs.map((name) => env.get(name)!);
  }
}

/**
 * An ONNX model (the bytes of an .onnx file) as a chainrule Module: its initializers become trainable
 * parameters, its forward pass runs the graph on chainrule ops, so it can be fine-tuned, inspected and
 * exported again. A malformed file or an operator chainrule does not run is an `OnnxImportError`.
 * @example
 * ```ts
 * import { noGrad, randn } from '@chainrule/autograd';
 * import { Linear, ReLU, Sequential } from '@chainrule/nn';
 * import { loadOnnx, toOnnx } from '@chainrule/onnx';
 * const net = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * const back = loadOnnx(toOnnx(net, randn([1, 4])));
 * const x = randn([3, 4]);
 * noGrad(() => back.forward(x).sub(net.forward(x)).abs().max().item()); // 0
 * ```
 */
export function loadOnnx(bytes: Uint8Array): OnnxModule {
  return new OnnxModule(decodeOnnxModel(bytes));
}
