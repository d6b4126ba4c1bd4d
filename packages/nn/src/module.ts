import * as T from '@chainrule/tensor';
import { type DType, type NDArray, DTypeError, isFloat } from '@chainrule/tensor';
import { Tensor, noGrad } from '@chainrule/autograd';
import { Parameter } from './parameter.js';
import { type ZeroGradOptions, zeroGrads } from './zero-grad.js';
import { ModuleError, StateDictError, type StateDictMismatch } from './errors.js';
import { checkOptions } from './layers/options.js';
import { type ForwardHook, type ForwardPreHook, type RemovableHandle, addForwardHook } from './hooks.js';

/** What `loadStateDict` accepts: arrays or tensors by dotted name. */
export type StateDictInput = ReadonlyMap<string, NDArray | Tensor> | Readonly<Record<string, NDArray | Tensor>>;

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /** Missing and unexpected keys are errors (default true). Shape and dtype mismatches always are. */
  strict?: boolean;
}

/** Any module, whatever its forward signature. */
export type AnyModule = Module<never, unknown>;

/**
 * The base of every layer and model. A module owns parameters (found among its own properties
 * that hold a `Parameter`, plus those given to `registerParameter`), buffers (`registerBuffer`:
 * state that is saved but not trained, like BatchNorm's running statistics) and child modules
 * (properties holding a `Module`, plus `registerModule`). Names are dotted paths: `0.weight`.
 *
 * Subclasses implement `forward`. Walks over the module tree are iterative.
 *
 * @example
 * ```ts
 * import { Module, Linear } from '@chainrule/nn';
 * import type { Tensor } from '@chainrule/autograd';
 * class TwoLayer extends Module {
 *   fc1 = new Linear(3, 4);
 *   fc2 = new Linear(4, 2);
 *   forward(x: Tensor): Tensor { return this.fc2.forward(this.fc1.forward(x).sigmoid()); }
 * }
 * const net = new TwoLayer();
 * net.namedParameters().map(([name]) => name); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export abstract class Module<I extends unknown[] = [Tensor], O = Tensor> {
  /** Training mode (true) or evaluation mode: Dropout and BatchNorm behave differently. */
  training = true;
  private readonly registeredParameters = new Map<string, Parameter | null>();
  private readonly registeredBuffers = new Map<string, Tensor>();
  private readonly registeredModules = new Map<string, AnyModule>();

  /** The computation. */
  abstract forward(...inputs: I): O;

  /** A short description of the layer's configuration for `toString` (e.g. `inFeatures=3, outFeatures=4`). */
  extraRepr(): string {
    return '';
  }

  /** Adds (or with null, clears) a parameter under an explicit name. */
  registerParameter(name: string, param: Parameter | null): void {
    checkName('registerParameter', name);
    this.registeredParameters.set(name, param);
  }

  /** Adds a buffer: a tensor saved in the state dict but not trained (e.g. running statistics). */
  registerBuffer(name: string, value: Tensor): void {
    checkName('registerBuffer', name);
    this.registeredBuffers.set(name, value);
  }

  /** Adds a child module under an explicit name (Sequential uses `0`, `1`, ...). */
  registerModule(name: string, module: AnyModule): void {
    checkName('registerModule', name);
    this.registeredModules.set(name, module);
  }

  /** Removes the child registered under `name` (containers use it); no-op when there is none. */
  protected unregisterModule(name: string): void {
    this.registeredModules.delete(name);
  }

  /**
   * Runs `hook(module, inputs)` before every forward; returning an array replaces the inputs.
   * Returns a handle whose `remove()` takes it off (see hooks.ts: `forward` itself is wrapped).
   * (`J` is `I` in practice; being generic keeps every module assignable to `AnyModule`.)
   * @example
   * ```ts
   * import { Linear } from '@chainrule/nn';
   * import { tensor } from '@chainrule/autograd';
   * const fc = new Linear(2, 1);
   * const h = fc.registerForwardPreHook((_m, [x]) => [x.mul(2)]); // doubles the input
   * fc.forward(tensor([[1, 1]]));
   * h.remove();
   * ```
   */
  registerForwardPreHook<J extends I>(hook: ForwardPreHook<this, J>): RemovableHandle {
    return addForwardHook(this, 'pre', hook);
  }

  /**
   * Runs `hook(module, inputs, output)` after every forward; returning a value replaces the
   * output. Returns a handle whose `remove()` takes it off.
   * @example
   * ```ts
   * import { Linear } from '@chainrule/nn';
   * const fc = new Linear(2, 1);
   * const seen: number[][] = [];
   * const h = fc.registerForwardHook((_m, _inputs, out) => void seen.push([...out.shape]));
   * h.remove();
   * ```
   */
  registerForwardHook<J extends I, P extends O>(hook: ForwardHook<this, J, P>): RemovableHandle {
    return addForwardHook(this, 'post', hook);
  }

  /** The direct children, with their names (registered ones first, then properties). */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    for (const [name, m] of this.registeredModules) {
      if (!seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Module && !seen.has(value as AnyModule)) {
        seen.add(value as AnyModule);
        out.push([name, value as AnyModule]);
      }
    }
    return out;
  }

  /** The direct children. */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all below it, depth first in registration order, each once. */
  namedModules(prefix = ''): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const stack: [string, AnyModule][] = [[prefix, this as unknown as AnyModule]];
    while (stack.length > 0) {
      const [name, m] = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
      const kids = m.namedChildren();
      for (let i = kids.length - 1; i >= 0; i--) stack.push([joinName(name, kids[i]![0]), kids[i]![1]]);
    }
    return out;
  }

  /** This module and all below it. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** This module's own parameters (not its children's). */
  ownNamedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [name, p] of this.registeredParameters) {
      if (p !== null && !seen.has(p)) {
        seen.add(p);
        out.push([name, p]);
      }
    }
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Parameter && !seen.has(value)) {
        seen.add(value);
        out.push([name, value]);
      }
    }
    return out;
  }

  /** Every parameter with its dotted name (`0.weight`); a shared parameter appears once. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.ownNamedParameters()) {
        if (!seen.has(p)) {
          seen.add(p);
          const path = joinName(prefix, name);
          p.nameFromModule(path); // traces and pictures show `fc1.weight`, not `t3`
          out.push([path, p]);
        }
      }
    }
    return out;
  }

  /** Every parameter (hand these to an optimizer). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer with its dotted name. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m.registeredBuffers) out.push([joinName(prefix, name), b]);
    }
    return out;
  }

  /** The number of parameter elements (only trainable ones with `trainableOnly`). */
  parameterCount(trainableOnly = false): number {
    let n = 0;
    for (const p of this.parameters()) if (!trainableOnly || p.requiresGrad) n += p.numel();
    return n;
  }

  /** Sets training mode on this module and every module below it. Returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (Dropout off, BatchNorm uses its running statistics). Returns this. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clears every parameter's gradient: sets it to null, or with `{ setToNone: false }` fills it
   * with zeros in place (PyTorch's `zero_grad(set_to_none=...)`).
   */
  zeroGrad(options?: ZeroGradOptions): void {
    zeroGrads('Module.zeroGrad', this.parameters(), options);
  }

  /**
   * Calls `fn` on every module below and including this one (e.g. custom initialization), as
   * PyTorch's `module.apply(fn)`; returns this.
   */
  apply(fn: (module: AnyModule) => void): this {
    for (const m of this.modules()) fn(m);
    return this;
  }

  /** Converts every parameter and float buffer to `dtype` in place (the tensors keep their identity). */
  to(dtype: DType): this {
    if (!isFloat(dtype)) throw new DTypeError('Module.to', `parameters must be float32 or float64, got ${dtype}`);
    for (const p of this.parameters()) {
      if (p.dtype !== dtype) {
        p.value = T.cast(p.value, dtype);
        p.grad = null;
      }
    }
    for (const [, b] of this.namedBuffers())
      if (isFloat(b.dtype) && b.dtype !== dtype) b.value = T.cast(b.value, dtype);
    return this;
  }

  /**
   * A snapshot of every parameter and buffer by dotted name, as Tensors holding contiguous
   * copies (later training does not change it; they record no graph and require no grad). Pass
   * it to `saveSafetensors` or `loadStateDict`.
   * @example
   * ```ts
   * import { Linear } from '@chainrule/nn';
   * const a = new Linear(3, 2), b = new Linear(3, 2);
   * const state = a.stateDict();
   * [...state.keys()]; // ['weight', 'bias']
   * b.loadStateDict(state); // b now computes what a does
   * ```
   */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    const seen = new Set<Parameter>();
    const copy = (t: Tensor): Tensor => new Tensor(T.getBackend().copy(t.value, t.dtype));
    // module by module, each one's parameters then its buffers (PyTorch's order)
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.ownNamedParameters()) {
        if (!seen.has(p)) {
          seen.add(p);
          out.set(joinName(prefix, name), copy(p));
        }
      }
      for (const [name, b] of m.registeredBuffers) out.set(joinName(prefix, name), copy(b));
    }
    return out;
  }

  /**
   * Copies values (Tensors, or NDArrays for advanced use) into the parameters and buffers, in
   * place. Everything is checked first
   * (missing and unexpected keys when strict, shapes and dtypes always); on any problem it
   * throws a `StateDictError` listing all of them and changes nothing.
   */
  loadStateDict(state: StateDictInput, options: LoadStateDictOptions = {}): void {
    this.prepareLoadStateDict(state, options)();
  }

  /**
   * The checking half of `loadStateDict`: validates everything and returns a function that
   * writes the values (used to load a model and an optimizer all-or-nothing).
   * @throws StateDictError listing every problem.
   */
  prepareLoadStateDict(state: StateDictInput, options: LoadStateDictOptions = {}): () => void {
    if (state === null || typeof state !== 'object' || Array.isArray(state)) {
      const got = state === null ? 'null' : Array.isArray(state) ? 'an array' : typeof state;
      throw new ModuleError(
        'loadStateDict',
        `expected a state dict (a Map or a plain object of tensors by name), got ${got}`,
      );
    }
    checkOptions('loadStateDict', options, ['strict']);
    const strict = options.strict ?? true;
    const entries =
      state instanceof Map
        ? [...(state as ReadonlyMap<string, NDArray | Tensor>).entries()]
        : Object.entries(state as Readonly<Record<string, NDArray | Tensor>>);
    const given = new Map<string, NDArray>();
    for (const [k, v] of entries) given.set(k, v instanceof Tensor ? v.value : v);
    const targets = new Map<string, Tensor>([...this.namedParameters(), ...this.namedBuffers()]);
    const missing = [...targets.keys()].filter((k) => !given.has(k));
    const unexpected = [...given.keys()].filter((k) => !targets.has(k));
    const mismatched: StateDictMismatch[] = [];
    for (const [key, target] of targets) {
      const src = given.get(key);
      if (src === undefined) continue;
      if (!(src instanceof T.NDArray)) {
        mismatched.push({ key, detail: 'the value is not an NDArray or a Tensor' });
      } else if (!T.shapesEqual(src.shape, target.shape)) {
        mismatched.push({
          key,
          detail: `shape ${T.fmtShape(src.shape)} in the state dict, ${T.fmtShape(target.shape)} in the model`,
        });
      } else if (src.dtype !== target.dtype) {
        mismatched.push({ key, detail: `dtype ${src.dtype} in the state dict, ${target.dtype} in the model` });
      }
    }
    if (mismatched.length > 0 || (strict && (missing.length > 0 || unexpected.length > 0))) {
      throw new StateDictError(this.constructor.name, strict ? missing : [], strict ? unexpected : [], mismatched);
    }
    return () =>
      noGrad(() => {
        for (const [key, target] of targets) {
          const src = given.get(key);
          if (src !== undefined) target.copyInPlace(new Tensor(src));
        }
      });
  }

  /**
   * A summary: the module tree with each layer's configuration and parameter count, then the
   * total. The notes' 3-4-2 network has 26 parameters.
   */
  toString(): string {
    const lines: string[] = [];
    type Item = { name: string; module: AnyModule; depth: number } | { close: number };
    const stack: Item[] = [{ name: '', module: this as unknown as AnyModule, depth: 0 }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      if ('close' in item) {
        lines.push(`${'  '.repeat(item.close)})`);
        continue;
      }
      const { name, module, depth } = item;
      const kids = module.namedChildren();
      const extra = module.extraRepr();
      const count = module.parameterCount();
      const note = count > 0 ? `  # ${count.toLocaleString('en-US')} params` : '';
      const head = `${'  '.repeat(depth)}${name === '' ? '' : `(${name}): `}${module.constructor.name}(${extra}`;
      if (kids.length === 0) {
        lines.push(`${head})${note}`);
        continue;
      }
      lines.push(`${head}${note}`);
      stack.push({ close: depth });
      for (let i = kids.length - 1; i >= 0; i--)
        stack.push({ name: kids[i]![0], module: kids[i]![1], depth: depth + 1 });
    }
    const total = this.parameterCount();
    const trainable = this.parameterCount(true);
    const trainableNote = trainable === total ? '' : ` (trainable: ${trainable.toLocaleString('en-US')})`;
    lines.push(`Total parameters: ${total.toLocaleString('en-US')}${trainableNote}`);
    return lines.join('\n');
  }
}

function joinName(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function checkName(op: string, name: string): void {
  if (name === '' || name.includes('.'))
    throw new ModuleError(op, `a name must be non-empty and contain no ".", got "${name}"`);
}
