/**
 * Signals held off while oneDNN's gemm runs. oneDNN's JIT float32 gemm (the AVX-512 kernel behind
 * `dnnl_sgemm`, up to version 3.11.1: oneDNN issue #4845) points the stack pointer into a heap buffer
 * while it runs, so a signal handled on that thread meanwhile writes its frame into the heap: glibc
 * aborts later ("corrupted size vs. prev_size while consolidating"), or the frame lands in data.
 * Node sends such signals itself: `node --cpu-prof` samples the main thread with SIGPROF every
 * millisecond, and Debian's oneDNN 2.6.3 aborted within seconds of 512³ products (a C program with an
 * ITIMER_PROF handler too; with the mask below, neither did).
 *
 * So oneDNN runs with every asynchronous signal blocked on its thread (`pthread_sigmask`), the
 * thread's mask put back after; a signal sent meanwhile waits and is delivered then. Each call holds
 * them, and a compiled plan's replay holds them once for all its calls (native/index.ts): a hold
 * costs two system calls, 3–4 µs on this machine's VM. The faults a thread raises itself (SIGSEGV,
 * SIGBUS, SIGFPE, SIGILL, SIGTRAP) stay open, and so does SIGPROF where the thread has an alternate
 * signal stack: V8's profiler handler asks to run there (SA_ONSTACK), never on the stack oneDNN moved,
 * so the hold gives the thread one (64 KiB, for good) where it has none, and profiles stay as fine-
 * grained as without oneDNN. OpenMP starts its threads inside the first call that uses them, and they
 * keep the mask they inherit. The split helper (split.ts) blocks them for good.
 */
import { type ForeignLibrary, type Koffi, LIBC } from './ffi.js';

/** Blocks asynchronous signals on the calling thread and puts its mask back (see the file comment). */
export interface SignalHold {
  /** Blocks them (nested holds count: only the outermost one saves and restores the mask). */
  hold(): void;
  /** Ends a hold: the outermost one restores the mask as it was, and pending signals arrive. */
  release(): void;
}

/** glibc's sigset_t: 1024 bits. */
const SIGSET_BYTES = 128;

/** `pthread_sigmask`'s `how`. */
const SIG_BLOCK = 0,
  SIG_SETMASK = 2;

/** Signals a thread raises by faulting, never blocked: SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV. */
const SYNCHRONOUS = [4, 5, 7, 8, 11] as const;

/** V8's profiler signal, left open on a thread with an alternate signal stack. */
const SIGPROF = 27;

/** `stack_t` (ss_sp, ss_flags and its padding, ss_size), `SS_DISABLE`, and the stack given where there is none. */
const STACK_T_BYTES = 24,
  SS_DISABLE = 2,
  ALT_STACK_BYTES = 64 * 1024;

/**
 * Whether the calling thread has an alternate signal stack now: its own, or one made here (malloc'd,
 * never freed: the thread may take a signal on it at any time).
 */
function ensureAltStack(libc: ForeignLibrary): boolean {
  const altstack = libc.func('int sigaltstack(void *, void *)');
  const now = new Uint8Array(STACK_T_BYTES);
  if (altstack(null, now) !== 0) return false;
  if ((new DataView(now.buffer).getInt32(8, true) & SS_DISABLE) === 0) return true;
  const sp = libc.func('uintptr_t malloc(size_t)')(ALT_STACK_BYTES) as number | bigint;
  if (Number(sp) === 0) return false;
  const ss = new DataView(new ArrayBuffer(STACK_T_BYTES));
  ss.setBigUint64(0, BigInt(sp), true);
  ss.setInt32(8, 0, true);
  ss.setBigUint64(16, BigInt(ALT_STACK_BYTES), true);
  return altstack(new Uint8Array(ss.buffer), null) === 0;
}

/**
 * The calling thread's signal hold through libc, or null where libc's `sigfillset`, `sigdelset` or
 * `pthread_sigmask` cannot be had.
 * @example
 * ```ts
 * const held = signalHold(koffi);
 * held?.hold();
 * try { sgemm(...); } finally { held?.release(); }
 * ```
 */
export function signalHold(koffi: Koffi): SignalHold | null {
  if (!holds.has(koffi)) holds.set(koffi, makeHold(koffi));
  return holds.get(koffi) ?? null;
}

/** One hold per koffi (per thread: each thread has its own module state), so that nested holds count. */
const holds = new WeakMap<Koffi, SignalHold | null>();

function makeHold(koffi: Koffi): SignalHold | null {
  let mask: (...args: unknown[]) => unknown;
  const blocked = new Uint8Array(SIGSET_BYTES);
  try {
    const libc = koffi.load(LIBC);
    const fill = libc.func('int sigfillset(void *)');
    const remove = libc.func('int sigdelset(void *, int)');
    mask = libc.func('int pthread_sigmask(int, void *, void *)');
    if (fill(blocked) !== 0) return null;
    const open = ensureAltStack(libc) ? [...SYNCHRONOUS, SIGPROF] : SYNCHRONOUS;
    for (const s of open) if (remove(blocked, s) !== 0) return null;
  } catch {
    return null;
  }
  const saved = new Uint8Array(SIGSET_BYTES);
  let depth = 0;
  return {
    hold() {
      if (depth++ > 0) return;
      if (mask(SIG_BLOCK, blocked, saved) !== 0) {
        depth = 0;
        throw new Error('chainrule native BLAS: pthread_sigmask refused to block signals around a oneDNN call');
      }
    },
    release() {
      if (depth === 0 || --depth > 0) return;
      mask(SIG_SETMASK, saved, null);
    },
  };
}

/** The mask `signalHold` blocks, as libc sets it (for a thread that blocks it for good: split.ts's helper). */
export const BLOCKED_SIGNALS_SOURCE = `
function blockSignalsForGood(koffiModule) {
  const libc = koffiModule.load(${JSON.stringify(LIBC)});
  const set = new Uint8Array(${SIGSET_BYTES});
  if (libc.func('int sigfillset(void *)')(set) !== 0) throw new Error('sigfillset failed');
  const remove = libc.func('int sigdelset(void *, int)');
  for (const s of ${JSON.stringify(SYNCHRONOUS)}) remove(set, s);
  if (libc.func('int pthread_sigmask(int, void *, void *)')(${SIG_BLOCK}, set, null) !== 0)
    throw new Error('pthread_sigmask failed');
}
`;
