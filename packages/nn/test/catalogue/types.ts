/**
 * The shape of a bad-input catalogue case: a call that must be refused with a given error class
 * and a message naming the op or layer and what was expected, leaving everything it was given
 * unchanged.
 */
import type { Tensor } from '@chainrule/autograd';
import type { Watched } from '../snapshot.js';

// biome-ignore lint/suspicious/noExplicitAny: error classes take assorted constructor arguments
export type ErrorClass = abstract new (...args: any[]) => Error;

export interface Case {
  /** What is wrong, e.g. `Linear: an input with 5 features for 3`. */
  name: string;
  error: ErrorClass;
  /** A fragment of the message (a string is matched literally). */
  message: string | RegExp;
  /** Builds the objects; returns the call and everything that must be unchanged after it. */
  setup: () => { call: () => unknown; watch: Watched[] };
}

/** A case whose objects are all built by `setup` and passed to `call`. */
export function refuse<W extends readonly Watched[]>(
  name: string,
  error: ErrorClass,
  message: string | RegExp,
  build: () => W,
  call: (...w: NoInfer<[...W]>) => unknown,
): Case {
  return {
    name,
    error,
    message,
    setup: () => {
      const w = build();
      return { call: () => call(...w), watch: [...w] };
    },
  };
}

/** A constructor call that must throw (nothing to watch). */
export function refuseNew(name: string, error: ErrorClass, message: string | RegExp, call: () => unknown): Case {
  return { name, error, message, setup: () => ({ call, watch: [] }) };
}

/** A forward call on a fresh layer and input; both must be unchanged after the refusal. */
export function forward<M extends { forward(...a: never[]): unknown }>(
  name: string,
  error: Case['error'],
  message: string | RegExp,
  layer: () => M,
  ...inputs: (() => Tensor | [Tensor, Tensor])[]
): Case {
  return {
    name,
    error,
    message,
    setup: () => {
      const m = layer();
      const xs = inputs.map((f) => f());
      const watch = [m as never, ...xs.flat()];
      return { call: () => (m.forward as (...a: unknown[]) => unknown)(...xs), watch };
    },
  };
}
