import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import { Tensor, noGrad } from '@chainrule/autograd';
import { ModuleError } from '../errors.js';

/** Hyperparameters: numbers and flags (a group's `lr`, `momentum`, `nesterov`, ...); every optimizer has `lr`. */
export interface Hyperparameters {
  lr: number;
}

/** A group of parameters sharing hyperparameters (e.g. no weight decay on biases). */
export type ParamGroup<H extends Hyperparameters> = { params: Tensor[] } & H;

/** What constructors accept for a group: its parameters and any hyperparameters to override. */
export type ParamGroupInput<H extends Hyperparameters> = { params: Iterable<Tensor> } & Partial<H>;

/** One parameter's saved state: tensors (moment estimates) and numbers (the step count). */
export type ParamState = Record<string, Tensor | number>;

/**
 * An optimizer's state as plain data, like PyTorch's: `state[i]` for the i-th parameter
 * (counted over all groups in order) and each group's parameter indices and hyperparameters.
 */
export interface OptimizerStateDict {
  state: Record<string, ParamState>;
  paramGroups: { params: number[]; options: Record<string, number | boolean> }[];
}

/**
 * What `loadStateDict` accepts: an `OptimizerStateDict`, whose state tensors may also be
 * NDArrays (the storage type, for advanced use).
 * @example
 * ```ts
 * import { Linear, SGD, type OptimizerStateDictInput } from '@chainrule/nn';
 * import { zeros } from '@chainrule/tensor';
 * const fc = new Linear(2, 1, { bias: false });
 * const state: OptimizerStateDictInput = {
 *   state: { '0': { momentum_buffer: zeros([1, 2]) } },
 *   paramGroups: [{ params: [0], options: { lr: 0.1 } }],
 * };
 * new SGD(fc.parameters(), { lr: 0.5, momentum: 0.9 }).loadStateDict(state);
 * ```
 */
export interface OptimizerStateDictInput {
  state: Readonly<Record<string, Readonly<Record<string, Tensor | NDArray | number>>>>;
  paramGroups: readonly { params: readonly number[]; options: Readonly<Record<string, number | boolean>> }[];
}

/** Live per-parameter state: tensors updated in place, and numbers. */
export type LiveState = Record<string, Tensor | number>;

/**
 * The base of the optimizers. `step()` updates every parameter that has a gradient, in place
 * under noGrad, from `update` of the subclass. Subclasses keep per-parameter state in `state`.
 */
export abstract class Optimizer<H extends Hyperparameters = Hyperparameters> {
  readonly paramGroups: ParamGroup<H>[];
  /** Per-parameter state (moment estimates, step counts), created lazily on the first step. */
  protected readonly state = new Map<Tensor, LiveState>();

  constructor(
    readonly name: string,
    params: Iterable<Tensor> | readonly ParamGroupInput<H>[],
    readonly defaults: H,
  ) {
    this.checkHyperparameters(defaults);
    const groups = isGroupList<H>(params) ? params : [{ params } as ParamGroupInput<H>];
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g, gi) => {
      const list = [...g.params];
      for (const p of list) {
        if (!(p instanceof Tensor)) throw new ModuleError(name, `group ${gi} holds something that is not a Tensor`);
        if (!p.isLeaf)
          throw new ModuleError(
            name,
            'cannot optimize a non-leaf tensor (a parameter must be a leaf: use detach().requiresGrad_())',
          );
        if (seen.has(p))
          throw new ModuleError(name, 'a parameter appears more than once (in one group or across groups)');
        seen.add(p);
      }
      const group = { ...defaults, ...g, params: list } as ParamGroup<H>;
      this.checkHyperparameters(group);
      return group;
    });
  }

  /** Validates hyperparameters (a negative learning rate, a beta outside [0, 1), ...). */
  protected checkHyperparameters(h: Hyperparameters): void {
    if (!(h.lr >= 0)) throw new T.RangeError(this.name, `learning rate must be >= 0, got ${h.lr}`);
  }

  /** Every parameter, over all groups. */
  get params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** Clears every parameter's gradient (sets it to null). */
  zeroGrad(): void {
    for (const group of this.paramGroups) for (const p of group.params) p.grad = null;
  }

  /** Updates each parameter that has a gradient, in place and without recording a graph. */
  step(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let s = this.state.get(p);
          if (s === undefined) {
            s = {};
            this.state.set(p, s);
          }
          this.update(p, p.grad, s, group);
        }
      }
    });
  }

  /** Updates one parameter from its gradient (runs under noGrad). */
  protected abstract update(param: Tensor, grad: Tensor, state: LiveState, group: ParamGroup<H>): void;

  /**
   * The hyperparameters and state, copied (later steps do not change it); state tensors are
   * Tensors that record no graph.
   * @example
   * ```ts
   * import { Adam, Linear } from '@chainrule/nn';
   * import { randn } from '@chainrule/autograd';
   * const model = new Linear(2, 1);
   * const opt = new Adam(model.parameters());
   * model.forward(randn([4, 2])).sum().backward();
   * opt.step();
   * const saved = opt.stateDict(); // saved.state['0'].exp_avg is a Tensor
   * new Adam(model.parameters()).loadStateDict(saved);
   * ```
   */
  stateDict(): OptimizerStateDict {
    const state: Record<string, ParamState> = {};
    let index = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const indices: number[] = [];
      for (const p of g.params) {
        const s = this.state.get(p);
        if (s !== undefined) {
          const saved: ParamState = {};
          for (const [k, v] of Object.entries(s))
            saved[k] = typeof v === 'number' ? v : new Tensor(T.getBackend().copy(v.value, v.dtype));
          state[String(index)] = saved;
        }
        indices.push(index++);
      }
      const hyper: Record<string, number | boolean> = {};
      for (const [k, v] of Object.entries(g))
        if (k !== 'params' && (typeof v === 'number' || typeof v === 'boolean')) hyper[k] = v;
      return { params: indices, options: hyper };
    });
    return { state, paramGroups };
  }

  /**
   * Restores hyperparameters and state. Everything is checked first (group and parameter
   * counts, each state tensor's shape and dtype against its parameter, hyperparameter types);
   * on a problem it throws and changes nothing.
   */
  loadStateDict(dict: OptimizerStateDictInput): void {
    this.prepareLoadStateDict(dict)();
  }

  /** The checking half of `loadStateDict`: validates and returns a function that writes. */
  prepareLoadStateDict(dict: OptimizerStateDictInput): () => void {
    const op = `${this.name}.loadStateDict`;
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new ModuleError(
        op,
        `the state has ${dict.paramGroups.length} parameter group(s), the optimizer ${this.paramGroups.length}`,
      );
    }
    const params = this.params;
    dict.paramGroups.forEach((g, gi) => {
      const mine = this.paramGroups[gi]!;
      if (g.params.length !== mine.params.length)
        throw new ModuleError(
          op,
          `group ${gi} has ${g.params.length} parameter(s) in the state, ${mine.params.length} in the optimizer`,
        );
      for (const [k, v] of Object.entries(g.options)) {
        if (k === 'params') throw new ModuleError(op, `group ${gi}: "params" is not a hyperparameter`);
        const current = (mine as unknown as Record<string, unknown>)[k];
        if (current === undefined)
          throw new ModuleError(op, `group ${gi}: "${k}" is not a hyperparameter of ${this.name}`);
        if (typeof current !== typeof v)
          throw new ModuleError(
            op,
            `group ${gi}: hyperparameter "${k}" is a ${typeof v} in the state, a ${typeof current} in the optimizer`,
          );
      }
      // the values must pass the same checks as the constructor's (no negative learning rate, betas in [0, 1)...)
      this.checkHyperparameters({ ...(mine as unknown as Hyperparameters), ...g.options });
    });
    const restored = new Map<Tensor, LiveState>();
    for (const [key, saved] of Object.entries(dict.state)) {
      const index = Number(key);
      const p = Number.isInteger(index) ? params[index] : undefined;
      if (p === undefined)
        throw new ModuleError(op, `state for parameter ${key}, but the optimizer has ${params.length} parameter(s)`);
      const live: LiveState = {};
      for (const [k, given] of Object.entries(saved)) {
        if (typeof given === 'number') {
          live[k] = given;
          continue;
        }
        const v: unknown = given instanceof Tensor ? given.value : given;
        if (!(v instanceof T.NDArray)) throw new ModuleError(op, `state ${key}.${k} is neither a number nor a Tensor`);
        if (!T.shapesEqual(v.shape, p.shape))
          throw new T.ShapeError(
            op,
            `state ${key}.${k} has shape ${T.fmtShape(v.shape)}, its parameter ${T.fmtShape(p.shape)}`,
          );
        if (v.dtype !== p.dtype)
          throw new T.DTypeError(op, `state ${key}.${k} is ${v.dtype}, its parameter ${p.dtype}`);
        live[k] = new Tensor(T.getBackend().copy(v, v.dtype));
      }
      restored.set(p, live);
    }
    // everything checked: the returned function writes
    return () => {
      dict.paramGroups.forEach((g, gi) => {
        const mine = this.paramGroups[gi]! as unknown as Record<string, unknown>;
        for (const [k, v] of Object.entries(g.options)) mine[k] = v;
      });
      this.state.clear();
      for (const [p, s] of restored) this.state.set(p, s);
    };
  }
}

function isGroupList<H extends Hyperparameters>(
  params: Iterable<Tensor> | readonly ParamGroupInput<H>[],
): params is readonly ParamGroupInput<H>[] {
  if (!Array.isArray(params)) return false;
  return (
    params.length > 0 &&
    !(params[0] instanceof Tensor) &&
    typeof params[0] === 'object' &&
    'params' in (params[0] as object)
  );
}

/** A state tensor shaped like the parameter, filled with zeros. */
export function zerosState(p: Tensor): Tensor {
  return new Tensor(T.zeros(p.shape, p.dtype));
}

/** A copy of a tensor's values, as a state tensor. */
export function cloneState(t: Tensor): Tensor {
  return new Tensor(T.getBackend().copy(t.value, t.dtype));
}
