/**
 * Watches every op a function runs: its record, inputs, parameters and output, whether or not the
 * op is recorded for backward (masks and casts included). Exporters (ONNX) use it to see the whole
 * forward computation, which the backward graph alone does not hold.
 */
import { apply, setBatchedApply } from './ops/apply.js';
import type { OpRecord, Tensor } from './tensor.js';

/** One op seen by `traceOps`. */
export interface TracedOp {
  readonly record: OpRecord<unknown>;
  readonly inputs: readonly Tensor[];
  readonly params: unknown;
  readonly output: Tensor;
}

/** What `traceOps` calls: `onOp` after each op; ops run while `paused()` is true are not reported. */
export interface TraceOpsHandlers {
  onOp: (op: TracedOp) => void;
  paused?: () => boolean;
}

/**
 * Runs `fn` and reports each op it applies to `handlers.onOp`. It uses the hook `vmap` uses, so it
 * cannot run inside `vmap` (nor `vmap` inside it). Ops on 0-d floats take the general path while
 * it runs, so they are reported too.
 * @example
 * ```ts
 * import { traceOps, tensor } from '@chainrule/autograd';
 * const names: string[] = [];
 * traceOps(() => tensor([1, 2]).exp().sum(), { onOp: (op) => names.push(op.record.name) });
 * names; // ['exp', 'sum']
 * ```
 */
export function traceOps<R>(fn: () => R, handlers: TraceOpsHandlers): R {
  const handler = <P>(record: OpRecord<P>, inputs: readonly Tensor[], params: P): Tensor | undefined => {
    if (handlers.paused?.() === true) return undefined;
    setBatchedApply(null);
    let output: Tensor;
    try {
      output = apply(record, inputs, params);
    } finally {
      setBatchedApply(handler);
    }
    handlers.onOp({ record: record as OpRecord<unknown>, inputs, params, output });
    return output;
  };
  setBatchedApply(handler);
  try {
    return fn();
  } finally {
    setBatchedApply(null);
  }
}
