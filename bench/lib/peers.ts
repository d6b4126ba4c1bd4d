// The Python peers of the benchmarks (PyTorch and JAX), found once per run: each table adds their
// candidates (child processes running lib/peer_child.py, see lib/processes.ts) when a Python with
// the framework is present, and otherwise says in its notes that they were skipped and why.
import { fileURLToPath } from 'node:url';
import { type FoundPython, findPython, runPython } from '../../tooling/python.js';
import type { ChildCandidate } from './processes.js';

/** The peers' Python files. */
const TORCH = fileURLToPath(new URL('./peers_torch.py', import.meta.url));
const JAX = fileURLToPath(new URL('./peers_jax.py', import.meta.url));

let found: { torch: FoundPython; jax: FoundPython } | undefined;

/** A Python with torch (and numpy), and one with jax: $CHAINRULE_PYTHON, `.venv`, then `python3`. */
export function pythonPeers(): { torch: FoundPython; jax: FoundPython } {
  found ??= { torch: findPython(['torch', 'numpy']), jax: findPython(['jax', 'numpy']) };
  return found;
}

/** The PyTorch columns: the better of the 1- and 2-thread candidates. */
export const TORCH_THREADS = [1, 2] as const;

/**
 * The peer candidates of one row: `PyTorch 1T`, `PyTorch 2T` (torch.set_num_threads) and `JAX`,
 * each built by `<torch|jax>_<factory>(...args)` in its Python file (the torch ones also get the
 * thread count); absent when their Python is missing.
 */
export function peerCandidates(factory: string, args: readonly unknown[]): Record<string, ChildCandidate> {
  const { torch, jax } = pythonPeers();
  const out: Record<string, ChildCandidate> = {};
  if (torch.python !== null)
    for (const threads of TORCH_THREADS)
      out[`PyTorch ${threads}T`] = {
        module: TORCH,
        factory: `torch_${factory}`,
        args: [...args, threads],
        python: torch.python,
        // one thread pool: torch.set_num_threads decides, not OpenMP's default of all cores
        env: { OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) },
      };
  if (jax.python !== null)
    out.JAX = { module: JAX, factory: `jax_${factory}`, args, python: jax.python, env: { JAX_PLATFORMS: 'cpu' } };
  return out;
}

/** Seconds per call of the PyTorch column (the better thread count) and which count won, or NaN. */
export function bestTorch(t: Readonly<Record<string, number>>): { seconds: number; threads: number | null } {
  let best = { seconds: Number.NaN, threads: null as number | null };
  for (const threads of TORCH_THREADS) {
    const s = t[`PyTorch ${threads}T`];
    if (s !== undefined && !(s >= best.seconds)) best = { seconds: s, threads };
  }
  return best;
}

/** Notes for a table: the peers' versions of Python found, or why a peer was skipped. */
export function peerNotes(): string[] {
  const { torch, jax } = pythonPeers();
  const line = (name: string, module: string, p: FoundPython): string =>
    p.python === null
      ? `${name}: skipped (${p.reason}); set CHAINRULE_PYTHON to a Python that has it.`
      : `${name} ${runPython(p.python, `import ${module}; print(${module}.__version__)`).trim()}: ` +
        `run by ${p.python} (lib/peer_child.py).`;
  return [
    line('PyTorch', 'torch', torch),
    line('JAX', 'jax', jax),
    'PyTorch: the better of torch.set_num_threads(1) and (2), each in its own process. ' +
      'JAX: CPU, XLA chooses its threads; compiled with jax.jit (except the scalar chain), ' +
      'result waited for (block_until_ready).',
  ];
}
