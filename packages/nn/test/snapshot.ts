/**
 * Deep snapshots of everything a failed call must leave alone: tensors (values, shape, dtype,
 * gradient), modules (every parameter, buffer and gradient, the training flag), optimizers
 * (hyperparameters, parameters, gradients, and the whole state), and schedulers. Two snapshots
 * taken around a refused call must be equal.
 */
import { Tensor } from '@chainrule/autograd';
import { LRScheduler, Module, Optimizer, ReduceLROnPlateau } from '../src/index.js';

export type Watched = Tensor | Module<never, unknown> | Optimizer | LRScheduler | ReduceLROnPlateau;

function tensorSnap(t: Tensor | null): unknown {
  if (t === null) return null;
  if (!(t instanceof Tensor)) return { notATensor: String(t) };
  return { shape: [...t.shape], dtype: t.dtype, values: t.toArray(), grad: t.grad === null ? null : t.grad.toArray() };
}

function plain(v: unknown): unknown {
  if (v instanceof Tensor) return tensorSnap(v);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** A plain-data snapshot of one watched object. */
export function snapshot(w: Watched): unknown {
  if (w instanceof Tensor) return tensorSnap(w);
  if (w instanceof Module) {
    return {
      training: w.training,
      state: [...w.stateDict()].map(([k, v]) => [k, tensorSnap(v)]),
      grads: w.namedParameters().map(([k, p]) => [k, p.grad === null ? null : p.grad.toArray()]),
    };
  }
  if (w instanceof Optimizer) {
    return {
      groups: w.paramGroups.map((g) => plain({ ...g, params: g.params.map(tensorSnap) })),
      state: plain(w.stateDict()),
    };
  }
  if (w instanceof LRScheduler) return { lastEpoch: w.lastEpoch, baseLrs: [...w.baseLrs], lrs: w.getLastLr() };
  if (!(w instanceof ReduceLROnPlateau)) return plain(w); // a value passed where a tensor belongs
  return {
    best: w.best,
    bad: w.numBadEpochs,
    cooldown: w.cooldownCounter,
    lastEpoch: w.lastEpoch,
    lrs: w.getLastLr(),
  };
}

/** Snapshots of several watched objects. */
export function snapshotAll(watched: readonly Watched[]): unknown[] {
  return watched.map(snapshot);
}
