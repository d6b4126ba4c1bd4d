/**
 * `compileStep`: one training step (zero the gradients, forward, loss, backward, optimizer step)
 * compiled with autograd's `compile`, the update included (the built-in optimizers' step counts and
 * bias corrections are host updates and host kernels the plan repeats). Where the optimizer's update
 * cannot be replayed (its `replayableStep` is false: a custom optimizer), or the whole step keeps
 * changing, the forward and backward are compiled and the update runs eagerly after them. A
 * change of the optimizer's hyperparameters (a scheduler) or of a module's training mode starts the
 * recording again, so the plan always matches what an eager step does.
 * The model's structure is read once: build it before compiling its step.
 */
import { type CompileStats, type CompiledFunction, type PlanMemory, type Tensor, compile } from '@chainrule/autograd';
import type { Hyperparameters, Optimizer } from '../optim/optimizer.js';
import type { Model } from './evaluate.js';

/** What a step returns: the loss and the model's output for the batch (both without a graph). */
export type StepResult = {
  readonly loss: Tensor;
  readonly output: Tensor;
};

/** A compiled training step: call it with a batch; inspect how it runs. */
export interface CompiledStep {
  (x: Tensor, y: Tensor): StepResult;
  /** 'whole' while the update is inside the plan, 'split' once it runs eagerly after the compiled backward. */
  readonly mode: 'whole' | 'split';
  /** The plan for a batch of this signature, once built (its kernels and memory), else undefined. */
  plan(x: Tensor, y: Tensor): { readonly kernels: number; readonly fused: number; memory(): PlanMemory } | undefined;
  /** Why batches of this signature run eagerly, or undefined. */
  eagerReason(x: Tensor, y: Tensor): string | undefined;
  /** Calls recorded, replayed and run eagerly, over both forms. */
  readonly stats: CompileStats;
}

/** Options of `compileStep`. */
export interface CompileStepOptions {
  /** Run eagerly where the step cannot be compiled (true, the default) or throw a CompileError. */
  fallback?: boolean;
  /** Fuse runs of elementwise kernels in the plans (true, the default; see autograd's `compile`). */
  fuse?: boolean;
}

/** Zeroes the gradients, runs the model and the loss, and backpropagates (the step without its update). */
function forwardBackward(
  model: Model,
  lossFn: (output: Tensor, target: Tensor) => Tensor,
  optimizer: Optimizer<Hyperparameters>,
): (x: Tensor, y: Tensor) => StepResult {
  return (x, y) => {
    optimizer.zeroGrad();
    const output = model.forward(x);
    const loss = lossFn(output, y);
    loss.backward();
    return { loss, output };
  };
}

/** @internal One eager training step, as `compileStep` compiles it (`fit` runs it with `compile: false`). */
export function trainingStep(
  model: Model,
  lossFn: (output: Tensor, target: Tensor) => Tensor,
  optimizer: Optimizer<Hyperparameters>,
): (x: Tensor, y: Tensor) => StepResult {
  const body = forwardBackward(model, lossFn, optimizer);
  return (x, y) => {
    const r = body(x, y);
    optimizer.step();
    return r;
  };
}

/** Numbers for objects, so a fingerprint can tell storage replaced (`Module.to`, loading) from storage kept. */
const ids = new WeakMap<object, number>();
let nextId = 0;
function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId++;
    ids.set(o, id);
  }
  return id;
}

/**
 * What the step reads in JavaScript: every group's hyperparameters, its parameters' storage and
 * requiresGrad, the optimizer's loaded state, and every module's training flag.
 */
function fingerprint(modules: readonly { training: boolean }[], optimizer: Optimizer<Hyperparameters>): string {
  let key = `${optimizer.stateVersion};`;
  for (const g of optimizer.paramGroups) {
    for (const k in g) if (k !== 'params') key += `${k}=${String(g[k as keyof typeof g])},`;
    for (const p of g.params) key += `${idOf(p.value.data)}${p.requiresGrad ? 'g' : ''},`;
    key += ';';
  }
  for (const m of modules) key += m.training ? '1' : '0';
  return key;
}

/**
 * Compiles one training step of `model` with `lossFn` and `optimizer` (see the file comment).
 * Results equal the eager step's bit for bit.
 * @example
 * ```ts
 * import { Linear, SGD, compileStep, mseLoss } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * const model = new Linear(4, 2);
 * const step = compileStep(model, mseLoss, new SGD(model.parameters(), { lr: 0.1 }));
 * for (let i = 0; i < 5; i++) step(randn([8, 4]), randn([8, 2])).loss.item();
 * ```
 */
export function compileStep(
  model: Model,
  lossFn: (output: Tensor, target: Tensor) => Tensor,
  optimizer: Optimizer<Hyperparameters>,
  options: CompileStepOptions = {},
): CompiledStep {
  const fallback = options.fallback ?? true;
  const fuse = options.fuse ?? true;
  const whole: CompiledFunction<[Tensor, Tensor], StepResult> = compile(trainingStep(model, lossFn, optimizer), {
    maxRecordings: 3,
    fuse,
  });
  const split = compile(forwardBackward(model, lossFn, optimizer), { fallback, fuse });
  const initial = optimizer.replayableStep ? 'whole' : 'split';
  let mode: 'whole' | 'split' = initial;
  const modules = model.modules(); // the model is built before it is compiled: its modules are fixed
  let key = fingerprint(modules, optimizer);
  const step = (x: Tensor, y: Tensor): StepResult => {
    const now = fingerprint(modules, optimizer);
    if (now !== key) {
      key = now;
      whole.reset();
      split.reset();
      mode = initial;
    }
    if (mode === 'whole') {
      const r = whole(x, y);
      if (whole.eagerReason(x, y) !== undefined) mode = 'split';
      return r;
    }
    const r = split(x, y);
    optimizer.step();
    return r;
  };
  const current = () => (mode === 'whole' ? whole : split);
  const stats: CompileStats = {
    get recorded() {
      return whole.stats.recorded + split.stats.recorded;
    },
    get replayed() {
      return whole.stats.replayed + split.stats.replayed;
    },
    get eager() {
      return whole.stats.eager + split.stats.eager;
    },
  };
  return Object.defineProperties(step, {
    mode: { get: () => mode },
    plan: { value: (x: Tensor, y: Tensor) => current().plan(x, y) },
    eagerReason: { value: (x: Tensor, y: Tensor) => (mode === 'whole' ? undefined : split.eagerReason(x, y)) },
    stats: { value: stats },
  }) as CompiledStep;
}
