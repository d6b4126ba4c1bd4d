/**
 * Containers that hold child modules without calling them: `ModuleList` (children named `0`,
 * `1`, ... as PyTorch, so state-dict keys read `layers.0.weight`) and `ModuleDict` (children named
 * by their keys). Neither has a forward: the owner decides how the children are called.
 */
import { ModuleError } from '../errors.js';
import { type AnyModule, Module } from '../module.js';

/** What a container holds: any module, whatever its forward signature. */
type Child = AnyModule;

function checkModule(op: string, value: unknown): void {
  if (!(value instanceof Module)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new ModuleError(op, `expected a Module, got ${got}`);
  }
}

/**
 * A list of modules, registered as children `0`, `1`, ... (PyTorch's `nn.ModuleList`): their
 * parameters are the owner's, under `layers.0.weight`, `layers.1.weight`, ...
 * @example
 * ```ts
 * import { Module, ModuleList, Linear } from '@chainrule/nn';
 * import type { Tensor } from '@chainrule/autograd';
 * class Stack extends Module {
 *   layers = new ModuleList([new Linear(4, 4), new Linear(4, 4)]);
 *   forward(x: Tensor): Tensor {
 *     for (const layer of this.layers) x = (layer as Linear).forward(x).tanh();
 *     return x;
 *   }
 * }
 * [...new Stack().stateDict().keys()]; // ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']
 * ```
 */
export class ModuleList<M extends Child = Child> extends Module<never, never> {
  private items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  /** A ModuleList has no forward: iterate over it and call its modules. */
  forward(): never {
    throw new ModuleError('ModuleList.forward', 'a ModuleList has no forward; iterate over it and call its modules');
  }

  /** Adds a module at the end. Returns this. */
  append(module: M): this {
    checkModule('ModuleList.append', module);
    this.items.push(module);
    this.renumber();
    return this;
  }

  /** Same as `append` (the name of JavaScript arrays). Returns this. */
  push(module: M): this {
    return this.append(module);
  }

  /** Adds every module of `modules` at the end (all checked before any is added). Returns this. */
  extend(modules: Iterable<M>): this {
    const list = [...modules];
    for (const m of list) checkModule('ModuleList.extend', m);
    this.items.push(...list);
    this.renumber();
    return this;
  }

  /** Inserts `module` before position `index` (negative counts from the end, as PyTorch). */
  insert(index: number, module: M): this {
    checkModule('ModuleList.insert', module);
    const n = this.items.length;
    if (!Number.isInteger(index)) throw new ModuleError('ModuleList.insert', `index must be an integer, got ${index}`);
    const at = Math.min(Math.max(index < 0 ? index + n : index, 0), n);
    this.items.splice(at, 0, module);
    this.renumber();
    return this;
  }

  /**
   * The module at `index` (negative counts from the end).
   * @throws ModuleError when `index` is out of range.
   */
  at(index: number): M {
    const n = this.items.length;
    if (!Number.isInteger(index) || index < -n || index >= n)
      throw new ModuleError('ModuleList.at', `index ${index} is out of range for a ModuleList of length ${n}`);
    return this.items[index < 0 ? index + n : index]!;
  }

  /** Replaces the module at `index` (negative counts from the end). */
  set(index: number, module: M): void {
    checkModule('ModuleList.set', module);
    const n = this.items.length;
    if (!Number.isInteger(index) || index < -n || index >= n)
      throw new ModuleError('ModuleList.set', `index ${index} is out of range for a ModuleList of length ${n}`);
    this.items[index < 0 ? index + n : index] = module;
    this.renumber();
  }

  /** The number of modules. */
  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }

  /** Child names follow positions: re-register every child (names `0`..`n-1` keep their order). */
  private renumber(): void {
    this.items.forEach((m, i) => {
      this.registerModule(String(i), m);
    });
  }
}

/**
 * Modules by name (PyTorch's `nn.ModuleDict`): each key is a child's name, so parameters read
 * `heads.classifier.weight`. Keys keep insertion order; a key may not be empty or contain `.`.
 * @example
 * ```ts
 * import { ModuleDict, Linear } from '@chainrule/nn';
 * const heads = new ModuleDict({ cls: new Linear(8, 3), reg: new Linear(8, 1) });
 * heads.get('reg').forward;               // the Linear(8, 1)
 * heads.namedParameters().map(([n]) => n); // ['cls.weight', 'cls.bias', 'reg.weight', 'reg.bias']
 * ```
 */
export class ModuleDict<M extends Child = Child> extends Module<never, never> {
  private readonly items = new Map<string, M>();

  constructor(modules: Readonly<Record<string, M>> | Iterable<readonly [string, M]> = {}) {
    super();
    this.update(modules);
  }

  /** A ModuleDict has no forward: look its modules up and call them. */
  forward(): never {
    throw new ModuleError('ModuleDict.forward', 'a ModuleDict has no forward; look up its modules and call them');
  }

  /** Adds or replaces the module under `key`. Returns this. */
  set(key: string, module: M): this {
    checkModule('ModuleDict.set', module);
    this.registerModule(key, module); // checks the name
    this.items.set(key, module);
    return this;
  }

  /** The module under `key`. @throws ModuleError naming the known keys when there is none. */
  get(key: string): M {
    const m = this.items.get(key);
    if (m === undefined) {
      const known = [...this.items.keys()].map((k) => `"${k}"`).join(', ');
      throw new ModuleError('ModuleDict.get', `no module under "${key}"; the keys are ${known || '(none)'}`);
    }
    return m;
  }

  /** Whether a module is stored under `key`. */
  has(key: string): boolean {
    return this.items.has(key);
  }

  /** Removes the module under `key` and returns it (undefined when there was none). */
  pop(key: string): M | undefined {
    const m = this.items.get(key);
    if (m === undefined) return undefined;
    this.items.delete(key);
    this.unregisterModule(key);
    return m;
  }

  /** Adds every entry of `modules` (all checked before any is added). Returns this. */
  update(modules: Readonly<Record<string, M>> | Iterable<readonly [string, M]>): this {
    const entries: (readonly [string, M])[] =
      Symbol.iterator in Object(modules)
        ? [...(modules as Iterable<readonly [string, M]>)]
        : Object.entries(modules as Readonly<Record<string, M>>);
    for (const [k, m] of entries) {
      checkModule('ModuleDict.update', m);
      if (typeof k !== 'string' || k === '' || k.includes('.'))
        throw new ModuleError('ModuleDict.update', `a key must be non-empty and contain no ".", got "${String(k)}"`);
    }
    for (const [k, m] of entries) this.set(k, m);
    return this;
  }

  /** The keys, in insertion order. */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /** The modules, in insertion order. */
  values(): M[] {
    return [...this.items.values()];
  }

  /** `[key, module]` pairs, in insertion order. */
  entries(): [string, M][] {
    return [...this.items.entries()];
  }

  /** The number of modules. */
  get size(): number {
    return this.items.size;
  }

  [Symbol.iterator](): Iterator<[string, M]> {
    return this.items.entries();
  }
}
