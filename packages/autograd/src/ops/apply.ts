/**
 * Runs an op and records it. This module knows records only as values handed to it: it never
 * imports the records (ops/defs/) nor anything that reads their rules (engine/).
 */
import { type NDArray, isFloat } from '@chainrule/tensor';
import { checkFinite, checksForward, isAnomalyEnabled } from '../anomaly.js';
import { isGradEnabled } from '../grad-mode.js';
import { Node, type OpRecord, Tensor, type TensorInit } from '../tensor.js';
import { isChunkElement } from '../versions.js';
import { checkOperand } from './operands.js';
import { isRecording } from '../compile/trace-state.js';
import { isFloatScalar, scalarTensor } from './scalar-storage.js';

/** Handles an op with an input batched by `vmap`, or returns undefined (see vmap/vmap.ts). */
export type BatchedApply = <P>(record: OpRecord<P>, inputs: readonly Tensor[], params: P) => Tensor | undefined;

/** Set by `vmap` while one runs; null otherwise, so that outside vmap `apply` pays one comparison. */
let batchedApply: BatchedApply | null = null;

/** Whether `vmap` (or `traceOps`) is handling ops now. */
export function isBatching(): boolean {
  return batchedApply !== null;
}

/** @internal `vmap` installs (and removes, with null) its handler of batched inputs. */
export function setBatchedApply(handler: BatchedApply | null): void {
  batchedApply = handler;
}

/**
 * Runs `record` forward on the inputs' values and, when grad mode is on and some input requires
 * grad, records a node so backward can apply the record's rule. Results that are not floating
 * point (casts to int, masks) and results of non-differentiable ops never require grad.
 * @example
 * ```ts
 * const y = apply(UNARY_OPS.exp, [x], NONE); // what exp(x) does for a tensor x
 * ```
 */
export function apply<P>(record: OpRecord<P>, inputs: readonly Tensor[], params: P): Tensor {
  if (batchedApply !== null) {
    const batched = batchedApply(record, inputs, params);
    if (batched !== undefined) return batched;
  }
  const n = inputs.length;
  const arrays: NDArray[] = new Array<NDArray>(n);
  let needsGrad = false;
  for (let i = 0; i < n; i++) {
    const t = inputs[i]!;
    if (!(t instanceof Tensor)) checkOperand(record.name, t, `input ${i}`, false); // JavaScript callers
    arrays[i] = t.value;
    if (t.requiresGrad) needsGrad = true;
  }
  const value = record.forward(arrays, params);
  const anomaly = isAnomalyEnabled();
  const check = anomaly && checksForward();
  const storage = storageInit(value, inputs, arrays);
  if (!needsGrad || !isGradEnabled() || record.vjp === null || !isFloat(value.dtype)) {
    if (check) checkFinite('forward', record.name, value, arrays, null);
    return new Tensor(value, storage);
  }
  const node = new Node(record as OpRecord<unknown>, inputs, params);
  const scalar = record.scalar;
  if (scalar !== undefined && allFloatScalars(value, arrays)) node.scalarRules = scalar.grads;
  if (anomaly) {
    node.stack = new Error().stack;
    if (check) checkFinite('forward', record.name, value, arrays, node);
  }
  return new Tensor(
    value,
    storage === FRESH
      ? { requiresGrad: true, node, fresh: true }
      : storage.version === undefined
        ? { requiresGrad: true, node }
        : { requiresGrad: true, node, version: storage.version },
  );
}

const FRESH: TensorInit = Object.freeze({ fresh: true });
const SHARED: TensorInit = Object.freeze({});

/**
 * How the result sees its storage: new storage (nearly always), or an input's (a view, or the input
 * itself): then it shares that storage's version counter, found by the storage, except for a view
 * of a scalar-path element, whose counter is the element's and is handed over (see versions.ts).
 */
function storageInit(value: NDArray, inputs: readonly Tensor[], arrays: readonly NDArray[]): TensorInit {
  const data = value.data;
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i]!;
    if (a.data !== data) continue;
    return isChunkElement(a) && a !== value ? { version: inputs[i]!.versionCounter } : SHARED;
  }
  return FRESH;
}

/** Whether `value` and every input are 0-d float arrays of one dtype (so the node can use its scalar rules). */
function allFloatScalars(value: NDArray, arrays: readonly NDArray[]): boolean {
  if (!isFloatScalar(value)) return false;
  for (const x of arrays) if (x.shape.length !== 0 || x.dtype !== value.dtype) return false;
  return true;
}

/**
 * `apply(record, [a, b], {})` for 0-d float inputs of one dtype whose record has a scalar rule
 * (the caller checks): the same result and graph, computed with the record's scalar definition
 * directly, without the array dispatch. Anomaly mode takes the general `apply`, which gives the
 * same value and node.
 */
export function applyScalar(record: OpRecord<None>, a: Tensor, b?: Tensor): Tensor {
  const inputs = b === undefined ? [a] : [a, b];
  if (isAnomalyEnabled() || batchedApply !== null || isRecording()) return apply(record, inputs, NONE);
  const scalar = record.scalar!;
  const av = a.value;
  let v: number;
  let needsGrad = a.requiresGrad;
  if (b === undefined) v = scalar.forward(av.data[av.offset]!, NaN);
  else {
    const bv = b.value;
    needsGrad ||= b.requiresGrad;
    v = scalar.forward(av.data[av.offset]!, bv.data[bv.offset]!);
  }
  const dtype = av.dtype as 'float32' | 'float64';
  if (!needsGrad || !isGradEnabled()) return scalarTensor(v, dtype, null);
  const node = new Node(record as OpRecord<unknown>, inputs, NONE);
  node.scalarRules = scalar.grads;
  return scalarTensor(v, dtype, node);
}

/** The parameters of an elementwise op (it takes none). */
type None = Record<string, never>;
const NONE: None = Object.freeze({}) as None;
