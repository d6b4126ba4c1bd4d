/**
 * The batched tensor of `vmap`: to the function being mapped it is a tensor of the logical shape
 * (one example's), while it carries the whole batch in `physical`, with the batch on axis 0.
 * Ops on it are routed by `apply` to the op's batching rule (vmap/rules.ts). Each `vmap` call is
 * a level; nested calls nest levels, and a physical tensor may itself be batched at an outer one.
 */
import { NDArray } from '@chainrule/tensor';
import { AutogradError } from '../errors.js';
import { type Node, Tensor } from '../tensor.js';

/** The levels of the vmap calls running now, innermost last (ids only grow). */
const active: number[] = [];
let nextLevel = 1;

/** Opens a vmap level; returns its id. */
export function enterLevel(): number {
  const level = nextLevel++;
  active.push(level);
  return level;
}

/** Closes the innermost level. */
export function exitLevel(level: number): void {
  const i = active.lastIndexOf(level);
  if (i >= 0) active.splice(i, 1);
}

/** Whether a vmap is running (then transforms record their backward, see functional.ts). */
export function isVmapActive(): boolean {
  return active.length > 0;
}

/** Whether `level` belongs to a vmap still running. */
export function isLevelActive(level: number): boolean {
  return active.includes(level);
}

/** One example's view of the first element along axis 0: the logical value's shape and dtype. */
function firstExample(p: NDArray): NDArray {
  return new NDArray(p.data, p.shape.slice(1), p.strides.slice(1), p.offset);
}

/**
 * A tensor batched at one vmap level. `shape`, `dtype` and the graph (`node`, `requiresGrad`)
 * are the logical tensor's; `physical` holds every example, batch first. Reading values
 * (`item`, `toArray`) inside vmap is an error: they differ per example.
 */
export class BatchedTensor extends Tensor {
  constructor(
    /** Every example's value, the batch on axis 0 (itself batched at an outer level, for nested vmaps). */
    readonly physical: Tensor,
    /** The vmap level (call) this batch belongs to. */
    readonly level: number,
    node: Node | null = null,
    requiresGrad = node !== null,
  ) {
    super(firstExample(physical.value), node === null ? { requiresGrad } : { requiresGrad: true, node });
  }

  /** The number of examples. */
  get batchSize(): number {
    return this.physical.shape[0]!;
  }

  /** A fresh leaf of the same values that requires grad (what `grad` differentiates inside vmap). */
  leaf(): BatchedTensor {
    return new BatchedTensor(this.physical, this.level, null, true);
  }

  override detach(): BatchedTensor {
    return new BatchedTensor(this.physical.detach(), this.level);
  }

  /** Refused: inside vmap, take gradients with `grad` or `vjp` (they batch); `.grad` holds one value. */
  override backward(): void {
    throw new AutogradError(
      'vmap',
      'backward() on a batched tensor: inside vmap take gradients with grad(f) or vjp(f, ...), which batch',
    );
  }

  override item(): number {
    throw valuesError('item()');
  }

  override toArray(): unknown {
    throw valuesError('toArray()');
  }
}

function valuesError(what: string): AutogradError {
  return new AutogradError(
    'vmap',
    `${what} reads a batched tensor's values, which differ per example; ` +
      'return the tensor from the mapped function instead',
  );
}
