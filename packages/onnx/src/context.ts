/**
 * What an emitter sees while it writes one step: the builder, the step, the same step in the trace
 * run with larger dynamic dims (its `twin`: dims that differ there are dynamic), and the steps that
 * read its output.
 */
import type { Tensor } from '@chainrule/autograd';
import type { GraphBuilder } from './builder.js';
import { OnnxExportError } from './errors.js';
import type { ModuleStep, OpStep, Step } from './trace.js';

/**
 * An emitter's view of one step: `input(i)` names the step's inputs, `emit` writes the node that
 * makes its output, `fail` makes the error naming it.
 * @example
 * ```ts
 * import { OP_EMITTERS } from '@chainrule/onnx';
 * // the op table's entry for relu: c => c.emit('Relu', [c.input(0)])
 * typeof OP_EMITTERS.relu; // 'function'
 * ```
 */
export class EmitContext<S extends Step = Step> {
  constructor(
    readonly b: GraphBuilder,
    readonly step: S,
    readonly twin: S,
    readonly index: number,
    readonly consumers: readonly Step[],
    readonly isGraphOutput: boolean,
    readonly producer: (t: Tensor) => Step | undefined,
  ) {}

  /** The name of input `i`. */
  input(i: number): string {
    return this.b.nameOf(this.step.inputs[i]!);
  }

  /** Adds a node whose output is the step's output. */
  emit(opType: string, inputs: readonly string[], attributes: Parameters<GraphBuilder['emit']>[3] = {}): void {
    this.b.emit(this.step.output, opType, inputs, attributes);
  }

  /** Indices of the dims of input `i` (or the output, for -1) that differ in the twin trace. */
  dynamicDims(i: number): number[] {
    const a = i < 0 ? this.step.output : this.step.inputs[i]!;
    const t = i < 0 ? this.twin.output : this.twin.inputs[i]!;
    return a.shape.flatMap((d, k) => (t.shape[k] === d ? [] : [k]));
  }

  /** An OnnxExportError naming the op (or layer), the step and the module path. */
  fail(detail: string): OnnxExportError {
    const where = this.step.path === '' ? 'the model' : `module '${this.step.path}'`;
    const s = this.step as OpStep | ModuleStep;
    return new OnnxExportError(s.name, `${detail} (step ${this.index} of the forward pass, in ${where})`);
  }
}
