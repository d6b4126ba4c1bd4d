/**
 * What the split.ts tests share: a `require` whose worker_threads cannot start a helper, and a wait
 * for the helper to come up.
 */
import type { NodeRequire } from '../src/backends/native/ffi.js';

/**
 * `require` with worker_threads replaced: `broken`'s Worker throws when made, `silent`'s is made but
 * never runs (so the helper never comes up and the calling thread runs every half).
 */
export function fakeWorkers(require: NodeRequire, kind: 'broken' | 'silent'): NodeRequire {
  const Worker =
    kind === 'broken'
      ? class {
          constructor() {
            throw new Error('no threads here');
          }
        }
      : class {
          unref(): void {}
          on(): void {}
        };
  const fake = ((id: string) => (id === 'node:worker_threads' ? { Worker } : require(id))) as NodeRequire;
  fake.resolve = require.resolve;
  return fake;
}

/** Resolves once `ready()` holds, or after about 5 s. */
export async function waitFor(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ready(); i++) await new Promise((r) => setTimeout(r, 25));
}
