import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import { Tensor, noGrad } from '@chainrule/autograd';
import { ModuleError } from '../errors.js';
import { type ZeroGradOptions, zeroGrads } from '../zero-grad.js';
import { type OptionKinds, checkObject, checkOptions, kindsOf, unknownKeyError } from './options.js';
import { type LiveState, type StateSchema, checkParamState, describeValue } from './state-check.js';

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

export type { LiveState } from './state-check.js';

/**
 * The base of the optimizers. `step()` updates every parameter that has a gradient, in place
 * under noGrad, from `update` of the subclass. Subclasses keep per-parameter state in `state`.
 * Every call is all or nothing: `step()` checks every gradient and hyperparameter before it
 * moves any parameter, and `loadStateDict` checks the whole dict before it writes.
 */
export abstract class Optimizer<H extends Hyperparameters = Hyperparameters> {
  readonly name: string;
  /**
   * Whether a compiled plan can replay `step()` (`compileStep`): its state lives in tensors updated
   * in place, and the numbers that change per step (step counts, bias corrections) go through host
   * updates and host kernels (see host-step.ts). True for the built-in optimizers; false by default
   * for a subclass, whose update then runs eagerly after the compiled backward.
   */
  readonly replayableStep: boolean = false;
  /** Counts loads that replaced the state (`loadStateDict`, checkpoints): a compiled step records again after one. */
  stateVersion = 0;
  readonly defaults: H;
  readonly paramGroups: ParamGroup<H>[];
  /** Per-parameter state (moment estimates, step counts), created lazily on the first step. */
  protected readonly state = new Map<Tensor, LiveState>();
  /** The hyperparameter keys and their types. */
  private readonly kinds: OptionKinds;

  /**
   * @param builtins every hyperparameter with its default value (`lr` may lack one: then `options` must give it)
   * @param options the caller's overrides; an unknown key or a value of the wrong type is an error
   */
  constructor(
    name: string,
    params: Iterable<Tensor> | readonly ParamGroupInput<H>[],
    builtins: Omit<H, 'lr'> & { lr?: number },
    options: unknown = {},
  ) {
    this.name = name;
    const kinds = kindsOf(builtins);
    kinds.set('lr', 'number');
    this.kinds = kinds;
    this.defaults = { ...builtins, ...checkOptions(name, '', options, kinds) } as unknown as H;
    if (this.defaults.lr === undefined) throw new ModuleError(name, 'lr (the learning rate) is required');
    this.checkHyperparameters(this.defaults);
    const groups = isGroupList<H>(params) ? params : [{ params } as ParamGroupInput<H>];
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g, gi) => {
      const where = groups.length === 1 && g.params === params ? 'params' : `group ${gi}`;
      const given = checkOptions(name, where === 'params' ? '' : where, g, kinds, ['params']);
      const list = paramList(name, where, given.params);
      for (const p of list) {
        if (!(p instanceof Tensor)) throw new ModuleError(name, `${where} holds something that is not a Tensor`);
        if (!p.isLeaf)
          throw new ModuleError(
            name,
            'cannot optimize a non-leaf tensor (a parameter must be a leaf: use detach().requiresGrad_())',
          );
        if (seen.has(p))
          throw new ModuleError(name, 'a parameter appears more than once (in one group or across groups)');
        seen.add(p);
      }
      const group = { ...this.defaults, ...given, params: list } as ParamGroup<H>;
      this.checkHyperparameters(group);
      return group;
    });
    if (seen.size === 0) throw new ModuleError(name, 'got an empty parameter list (nothing to optimize)');
  }

  /**
   * Validates hyperparameters: each known one of its type and finite; subclasses add ranges (a
   * negative learning rate, a beta outside [0, 1), ...).
   */
  protected checkHyperparameters(h: Hyperparameters): void {
    for (const [k, v] of Object.entries(h)) {
      const kind = this.kinds.get(k);
      if (kind === undefined) continue;
      if (typeof v !== kind) throw new ModuleError(this.name, `"${k}" must be a ${kind}, got ${describeValue(v)}`);
      if (typeof v === 'number' && !Number.isFinite(v))
        throw new T.RangeError(this.name, `${k} must be a finite number, got ${v}`);
    }
    if (!(h.lr >= 0)) throw new T.RangeError(this.name, `learning rate must be >= 0, got ${h.lr}`);
  }

  /** The keys of each parameter's state and what they hold (checked by `loadStateDict`). */
  protected abstract stateSchema(): StateSchema;

  /** Cross-key checks of one parameter's loaded state (RMSprop: grad_avg² ≤ square_avg). */
  protected checkLoadedState(_op: string, _where: string, _state: LiveState): void {}

  /** Every parameter, over all groups. */
  get params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /**
   * Clears every parameter's gradient: sets it to null, or with `{ setToNone: false }` fills it
   * with zeros in place (PyTorch's `zero_grad(set_to_none=...)`).
   */
  zeroGrad(options?: ZeroGradOptions): void {
    zeroGrads(`${this.name}.zeroGrad`, this.params, options);
  }

  /**
   * Updates each parameter that has a gradient, in place and without recording a graph. First
   * checks every group's hyperparameters and every gradient (a Tensor of its parameter's shape
   * and dtype): on a problem it throws before any parameter or state has changed.
   */
  step(): void {
    const op = `${this.name}.step`;
    const work: [Tensor, Tensor, ParamGroup<H>][] = [];
    let index = 0;
    for (const group of this.paramGroups) {
      this.checkHyperparameters(group);
      for (const p of group.params) {
        const i = index++;
        if (!(p instanceof Tensor)) throw new ModuleError(op, `parameter ${i} is not a Tensor`);
        const g: unknown = p.grad;
        if (g === null) continue;
        if (!(g instanceof Tensor))
          throw new ModuleError(op, `the gradient of parameter ${i} is not a Tensor (got ${describeValue(g)})`);
        if (!T.shapesEqual(g.shape, p.shape))
          throw new T.ShapeError(
            op,
            `parameter ${i} has shape ${T.fmtShape(p.shape)} but its gradient ${T.fmtShape(g.shape)} ` +
              '(nothing was updated)',
          );
        if (g.dtype !== p.dtype || !T.isFloat(p.dtype))
          throw new T.DTypeError(
            op,
            `parameter ${i} is ${p.dtype} and its gradient ${g.dtype}: both must be the same float dtype ` +
              '(nothing was updated)',
          );
        work.push([p, g, group]);
      }
    }
    noGrad(() => {
      for (const [p, g, group] of work) {
        let s = this.state.get(p);
        if (s === undefined) {
          s = {};
          this.state.set(p, s);
        }
        this.update(p, g, s, group);
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
   * Restores hyperparameters and state. Everything is checked first: the dict's keys, the group
   * count and each group's parameter ids and hyperparameters (every one, of its type and in
   * range), each parameter's state keys, its step count (a non-negative integer) and tensors
   * (finite, of the parameter's shape and dtype, second moments ≥ 0). On a problem it throws a
   * ModuleError, ShapeError, DTypeError or RangeError naming the optimizer and the key, and
   * changes nothing.
   */
  loadStateDict(dict: OptimizerStateDictInput): void {
    this.prepareLoadStateDict(dict)();
  }

  /** The checking half of `loadStateDict`: validates and returns a function that writes. */
  prepareLoadStateDict(dict: OptimizerStateDictInput): () => void {
    const op = `${this.name}.loadStateDict`;
    checkObject(op, 'the state dict', dict);
    for (const k of Object.keys(dict))
      if (k !== 'state' && k !== 'paramGroups') throw unknownKeyError(op, 'key', k, ['state', 'paramGroups']);
    const groups: unknown = dict.paramGroups;
    if (!Array.isArray(groups))
      throw new ModuleError(op, `"paramGroups" must be an array, got ${describeValue(groups)}`);
    if (groups.length !== this.paramGroups.length) {
      throw new ModuleError(
        op,
        `the state has ${groups.length} parameter group(s), the optimizer ${this.paramGroups.length}`,
      );
    }
    const byId = new Map<number, Tensor>();
    const options = groups.map((g: unknown, gi) => this.checkSavedGroup(op, g, gi, byId));
    const restored = new Map<Tensor, LiveState>();
    const state: unknown = dict.state;
    checkObject(op, '"state"', state);
    const schema = this.stateSchema();
    for (const [key, saved] of Object.entries(state)) {
      const id = Number(key);
      const p = String(id) === key ? byId.get(id) : undefined;
      if (p === undefined)
        throw new ModuleError(
          op,
          `state for parameter ${key}, but the optimizer has ${byId.size} parameter(s) ` +
            `(ids ${[...byId.keys()].join(', ')} in the state's groups)`,
        );
      const live = checkParamState(op, `state ${key}`, saved, p, schema);
      this.checkLoadedState(op, `state ${key}`, live);
      restored.set(p, live);
    }
    // everything checked: the returned function writes
    return () => {
      options.forEach((o, gi) => {
        const mine = this.paramGroups[gi]! as unknown as Record<string, unknown>;
        for (const [k, v] of Object.entries(o)) mine[k] = v;
      });
      this.state.clear();
      for (const [p, s] of restored) this.state.set(p, s);
      this.stateVersion++; // loadStateDict and checkpoint loads alike
    };
  }

  /** Checks one saved group (keys, parameter ids, every hyperparameter) and maps its ids to parameters. */
  private checkSavedGroup(op: string, g: unknown, gi: number, byId: Map<number, Tensor>): Record<string, unknown> {
    const where = `group ${gi}`;
    checkObject(op, where, g);
    for (const k of Object.keys(g))
      if (k !== 'params' && k !== 'options') throw unknownKeyError(op, 'key', k, ['params', 'options'], where);
    const mine = this.paramGroups[gi]!;
    const ids: unknown = g.params;
    if (!Array.isArray(ids)) throw new ModuleError(op, `${where}: "params" must be an array of parameter ids`);
    if (ids.length !== mine.params.length)
      throw new ModuleError(
        op,
        `group ${gi} has ${ids.length} parameter(s) in the state, ${mine.params.length} in the optimizer`,
      );
    ids.forEach((id: unknown, j) => {
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
        throw new ModuleError(op, `${where}: parameter id ${describeValue(id)} is not a non-negative integer`);
      if (byId.has(id)) throw new ModuleError(op, `${where}: parameter id ${id} appears more than once`);
      byId.set(id, mine.params[j]!);
    });
    const given: unknown = g.options;
    checkObject(op, `${where} options`, given);
    if ('params' in given) throw new ModuleError(op, `${where}: "params" is not a hyperparameter`);
    for (const k of Object.keys(given))
      if (!this.kinds.has(k)) throw unknownKeyError(op, `hyperparameter of ${this.name}`, k, this.kinds.keys(), where);
    for (const [k, kind] of this.kinds) {
      if (!(k in given))
        throw new ModuleError(op, `${where} lacks the hyperparameter "${k}" (a saved group holds all of them)`);
      if (typeof given[k] !== kind)
        throw new ModuleError(
          op,
          `${where}: hyperparameter "${k}" is a ${typeof given[k]} in the state, a ${kind} in the optimizer`,
        );
    }
    // the values must pass the same checks as the constructor's (no negative learning rate, betas in [0, 1)...)
    const merged = { ...(mine as unknown as Record<string, unknown>), ...given } as unknown as Hyperparameters;
    try {
      this.checkHyperparameters(merged);
    } catch (e) {
      if (e instanceof T.RangeError) throw new T.RangeError(op, `${where}: ${e.message.slice(e.op.length + 2)}`);
      throw e;
    }
    return given;
  }
}

/** The parameters of a group as an array; refuses a lone Tensor or a non-iterable. */
function paramList(name: string, where: string, params: unknown): Tensor[] {
  if (params instanceof Tensor)
    throw new ModuleError(name, `${where} must be an iterable of Tensors, got a single Tensor (wrap it: [p])`);
  if (typeof params !== 'object' || params === null || !(Symbol.iterator in params))
    throw new ModuleError(name, `${where} must be an iterable of Tensors, got ${describeValue(params)}`);
  return [...(params as Iterable<Tensor>)];
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
