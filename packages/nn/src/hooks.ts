/**
 * Forward hooks, as PyTorch's `register_forward_pre_hook` and `register_forward_hook`. Layers
 * here are called through `forward` (there is no `__call__`), so while a module has a hook its
 * `forward` is an own property wrapping the class's: every caller (`Sequential`, a parent's
 * forward, user code) runs the hooks, and removing the last hook restores the plain method.
 * This file knows nothing of `Module`: it wraps any object with a `forward` method.
 */
import { ModuleError } from './errors.js';

/** What a `register...Hook` returns: `remove()` takes the hook off (calling it twice is harmless). */
export interface RemovableHandle {
  /** Takes the hook off. */
  remove(): void;
}

/** Called before forward with the inputs; returning an array replaces them. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing is a void function
export type ForwardPreHook<M, I extends unknown[]> = (module: M, inputs: I) => I | undefined | void;

/** Called after forward with the inputs and the output; returning a value replaces the output. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing is a void function
export type ForwardHook<M, I extends unknown[], O> = (module: M, inputs: I, output: O) => O | undefined | void;

type AnyPre = (module: unknown, inputs: unknown[]) => unknown;
type AnyPost = (module: unknown, inputs: unknown[], output: unknown) => unknown;
type Forward = (...inputs: unknown[]) => unknown;

interface HookState {
  readonly pre: Map<number, AnyPre>;
  readonly post: Map<number, AnyPost>;
  /** The own `forward` property the module had before (undefined: it used its class's). */
  readonly ownBefore: PropertyDescriptor | undefined;
  readonly original: Forward;
}

const states = new WeakMap<object, HookState>();
let nextId = 0;

function install(owner: { forward: unknown }): HookState {
  const existing = states.get(owner);
  if (existing !== undefined) return existing;
  const original = owner.forward as Forward;
  const state: HookState = {
    pre: new Map(),
    post: new Map(),
    ownBefore: Object.getOwnPropertyDescriptor(owner, 'forward'),
    original,
  };
  const name = (owner as object).constructor.name;
  const wrapped = (...args: unknown[]): unknown => {
    let inputs = args;
    for (const hook of [...state.pre.values()]) {
      const r = hook(owner, inputs);
      if (r === undefined) continue;
      if (!Array.isArray(r))
        throw new ModuleError(
          `${name} forward pre-hook`,
          `a pre-hook must return undefined or an array of the new inputs, got ${r === null ? 'null' : typeof r}`,
        );
      inputs = r;
    }
    let output = original.apply(owner, inputs);
    for (const hook of [...state.post.values()]) {
      const r = hook(owner, inputs, output);
      if (r !== undefined) output = r;
    }
    return output;
  };
  Object.defineProperty(owner, 'forward', { value: wrapped, configurable: true, writable: true, enumerable: false });
  states.set(owner, state);
  return state;
}

function uninstallIfEmpty(owner: object, state: HookState): void {
  if (state.pre.size > 0 || state.post.size > 0 || states.get(owner) !== state) return;
  states.delete(owner);
  if (state.ownBefore === undefined) delete (owner as { forward?: unknown }).forward;
  else Object.defineProperty(owner, 'forward', state.ownBefore);
}

/**
 * Adds a hook to `owner`'s forward: `'pre'` hooks run before it (and may replace the inputs),
 * `'post'` hooks after it (and may replace the output), each kind in the order added.
 * `Module.registerForwardPreHook` and `Module.registerForwardHook` call this.
 * @example
 * ```ts
 * import { Linear } from '@chainrule/nn';
 * const layer = new Linear(2, 2);
 * const handle = layer.registerForwardHook((_m, _inputs, out) => out.relu());
 * handle.remove();
 * ```
 */
export function addForwardHook(owner: { forward: unknown }, kind: 'pre' | 'post', hook: unknown): RemovableHandle {
  if (typeof hook !== 'function')
    throw new ModuleError(
      kind === 'pre' ? 'registerForwardPreHook' : 'registerForwardHook',
      `the hook must be a function, got ${hook === null ? 'null' : typeof hook}`,
    );
  const state = install(owner);
  const id = nextId++;
  if (kind === 'pre') state.pre.set(id, hook as AnyPre);
  else state.post.set(id, hook as AnyPost);
  return {
    remove: () => {
      state.pre.delete(id);
      state.post.delete(id);
      uninstallIfEmpty(owner, state);
    },
  };
}
