/**
 * Signals held off while oneDNN's gemm runs. oneDNN's JIT float32 gemm (the AVX-512 kernel behind
 * `dnnl_sgemm`, up to version 3.11.1: oneDNN issue #4845) points the stack pointer into a heap buffer
 * while it runs, so a signal handled on that thread meanwhile writes its frame into the heap: glibc
 * aborts later ("corrupted size vs. prev_size while consolidating"), or the frame lands in data.
 * Node sends such signals itself: `node --cpu-prof` samples the main thread with SIGPROF every
 * millisecond, and Debian's oneDNN 2.6.3 aborted within seconds of 512³ products (a C program with an
 * ITIMER_PROF handler too; with the mask below, neither did).
 *
 * So oneDNN runs with every asynchronous signal blocked on its thread (`pthread_sigmask`). Each call
 * holds them, and a compiled plan's replay holds them from its first oneDNN call to its end (`during`,
 * native/index.ts). Blocking and restoring cost two system calls, 3–4 µs on this machine's VM (an
 * eager 64³ product takes 5), so once SIGPROF is open (`openProfiler`, below) the mask lingers after
 * a hold or run ends: it is put back when the current JavaScript task ends (a microtask), or by the
 * first hold or release `LINGER_MS` after it was blocked, whichever comes first (a synchronous loop
 * of products pays two system calls a millisecond). A process-directed signal (Ctrl-C's SIGINT,
 * SIGTERM, SIGCHLD) is meanwhile delivered to another of Node's threads, which block none of these; one
 * sent to this thread alone waits and is delivered then. A thread started meanwhile would inherit
 * the blocked mask for good: `settleSignals()` (info.ts) puts it back first, as the wasm pool does.
 * The faults a thread raises itself (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP) stay open. OpenMP's threads (two at
 * most) are started once, with every other signal blocked, which they keep (`startThreadsBlocked`,
 * onednn.ts); the split helper (split.ts) blocks them for good. After that SIGPROF opens on the
 * calling thread (`openProfiler`) where it has an alternate signal stack of 64 KiB or more (given
 * here where it has none): V8's profiler handler asks to run there (SA_ONSTACK), never on the stack
 * oneDNN moved, so profiles stay as fine-grained as without oneDNN.
 */
import { type ForeignLibrary, type Koffi, LIBC } from './ffi.js';
import { beforeThreadStart } from './info.js';

/** Blocks asynchronous signals on the calling thread and puts its mask back (see the file comment). */
export interface SignalHold {
  /** Blocks them (nested holds count: only the outermost one blocks and restores). */
  hold(): void;
  /**
   * Ends a hold: the outermost one, outside `during`, lets the mask linger (see the file comment)
   * or, `LINGER_MS` after it was blocked or where SIGPROF is not open, restores it as it was.
   */
  release(): void;
  /**
   * Runs `f` as one run of calls: the first hold inside blocks, and the signals stay blocked until
   * `f` returns, then linger as after a release (two system calls for all its oneDNN calls, none
   * where it makes none).
   */
  during<R>(f: () => R): R;
  /**
   * Restores the mask now where no call holds it: where it lingers, or between the calls of a run
   * (whose next call blocks again). For a thread about to start, which would inherit it.
   */
  settle(): void;
  /**
   * Leaves SIGPROF open from now on where this thread has (or is given) an alternate signal stack,
   * and lets the mask linger from then on; false, leaving SIGPROF blocked and the mask restored at
   * each hold's end, where it has none. Only once no other thread that runs oneDNN can take it
   * (OpenMP's threads started with it blocked).
   */
  openProfiler(): boolean;
}

/** glibc's sigset_t: 1024 bits. */
const SIGSET_BYTES = 128;

/** `pthread_sigmask`'s `how`. */
const SIG_BLOCK = 0,
  SIG_SETMASK = 2;

/** Signals a thread raises by faulting, never blocked: SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV. */
const SYNCHRONOUS = [4, 5, 7, 8, 11] as const;

/**
 * How long, in milliseconds, the mask may linger blocked before a hold or release lets through the
 * signals sent to this thread meanwhile (see the file comment). Inside a run, and during a product,
 * they wait to its end; in a task that never ends (a synchronous script), to its next hold or
 * release after this bound.
 */
export const LINGER_MS = 1;

/** V8's profiler signal. */
const SIGPROF = 27;

/** `stack_t` (ss_sp, ss_flags and its padding, ss_size), `SS_DISABLE`, and the stack size wanted. */
const STACK_T_BYTES = 24,
  SS_DISABLE = 2,
  ALT_STACK_BYTES = 64 * 1024;

/**
 * Whether the calling thread has an alternate signal stack of ALT_STACK_BYTES or more now: its own,
 * or one malloc'd here (never freed: the thread may take a signal on it at any time, and a thread
 * that ends leaves it behind).
 */
function ensureAltStack(libc: ForeignLibrary): boolean {
  const altstack = libc.func('int sigaltstack(void *, void *)');
  const ss = new DataView(new ArrayBuffer(STACK_T_BYTES));
  if (altstack(null, new Uint8Array(ss.buffer)) !== 0) return false;
  if ((ss.getInt32(8, true) & SS_DISABLE) === 0) return ss.getBigUint64(16, true) >= BigInt(ALT_STACK_BYTES);
  const sp = BigInt(libc.func('uintptr_t malloc(size_t)')(ALT_STACK_BYTES) as number | bigint);
  if (sp === 0n) return false;
  ss.setBigUint64(0, sp, true);
  ss.setInt32(8, 0, true);
  ss.setBigUint64(16, BigInt(ALT_STACK_BYTES), true);
  return altstack(new Uint8Array(ss.buffer), null) === 0;
}

/**
 * The calling thread's signal hold, through libc (by name, else through `lib`, a library linked
 * against it: oneDNN's handle, for a libc not named `libc.so.6`), or null where `sigfillset`,
 * `sigdelset` or `pthread_sigmask` cannot be had. One per thread, so that nested holds count.
 * @example
 * ```ts
 * const held = signalHold(koffi, lib);
 * held?.hold();
 * try { sgemm(...); } finally { held?.release(); }
 * ```
 */
export function signalHold(koffi: Koffi, lib?: ForeignLibrary): SignalHold | null {
  if (!holds.has(koffi)) holds.set(koffi, makeHold(koffi, lib));
  return holds.get(koffi) ?? null;
}

/** One hold per koffi (per thread: each thread has its own module state). */
const holds = new WeakMap<Koffi, SignalHold | null>();

/** libc through koffi: by name, else through `lib`'s handle (dlsym searches its dependencies). */
function libcOf(koffi: Koffi, lib: ForeignLibrary | undefined): ForeignLibrary | null {
  for (const open of [() => koffi.load(LIBC), () => lib]) {
    try {
      const l = open();
      if (l !== undefined) {
        l.func('int pthread_sigmask(int, void *, void *)');
        return l;
      }
    } catch {}
  }
  return null;
}

function makeHold(koffi: Koffi, lib: ForeignLibrary | undefined): SignalHold | null {
  const libc = libcOf(koffi, lib);
  if (libc === null) return null;
  let mask: (...args: unknown[]) => unknown;
  let remove: (...args: unknown[]) => unknown;
  const blocked = new Uint8Array(SIGSET_BYTES);
  try {
    mask = libc.func('int pthread_sigmask(int, void *, void *)');
    remove = libc.func('int sigdelset(void *, int)');
    if (libc.func('int sigfillset(void *)')(blocked) !== 0) return null;
    for (const s of SYNCHRONOUS) if (remove(blocked, s) !== 0) return null;
  } catch {
    return null;
  }
  const saved = new Uint8Array(SIGSET_BYTES);
  let depth = 0,
    runs = 0,
    on = false,
    since = 0,
    queued = false,
    lingers = false; // only once SIGPROF is open: a lingering mask would delay the profiler's samples
  const refused = (what: string): Error => new Error(`oneDNN: pthread_sigmask refused to ${what} signals`);
  const block = (): void => {
    if (mask(SIG_BLOCK, blocked, saved) !== 0) throw refused('block');
    on = true;
    since = performance.now();
  };
  const restore = (): void => {
    on = false;
    if (mask(SIG_SETMASK, saved, null) !== 0) throw refused('restore');
  };
  // blocked with no call or run holding it
  const lingering = (): boolean => depth === 0 && runs === 0 && on;
  // between calls, inside a run too (its next call blocks again): for a thread about to start
  const settle = (): void => {
    if (on && depth === 0) restore();
  };
  // the last hold or run has ended: restore now if the mask is old, else when the task ends
  const ended = (): void => {
    if (!lingering()) return;
    if (!lingers || performance.now() - since >= LINGER_MS) {
      restore();
      return;
    }
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      if (lingering()) restore();
    });
  };
  beforeThreadStart(settle);
  return {
    hold() {
      // lingering since LINGER_MS or more: let the signals sent meanwhile through first
      if (lingering() && performance.now() - since >= LINGER_MS) restore();
      depth++;
      if (on) return;
      try {
        block();
      } catch (e) {
        depth--;
        throw e;
      }
    },
    release() {
      if (depth === 0) return;
      depth--;
      ended();
    },
    during<R>(f: () => R): R {
      // (a run ended by V8's TerminateExecution skips this finally: the signals then stay blocked)
      runs++;
      try {
        return f();
      } finally {
        runs--;
        ended();
      }
    },
    settle,
    openProfiler() {
      settle();
      if (!lingers) lingers = !on && ensureAltStack(libc) && remove(blocked, SIGPROF) === 0;
      return lingers;
    },
  };
}

/** The mask `signalHold` blocks, as libc sets it (for a thread that blocks it for good: split.ts's helper). */
export const BLOCKED_SIGNALS_SOURCE = `
function blockSignalsForGood(koffiModule, lib) {
  let libc;
  try { libc = koffiModule.load(${JSON.stringify(LIBC)}); } catch { libc = lib; }
  const set = new Uint8Array(${SIGSET_BYTES});
  libc.func('int sigfillset(void *)')(set);
  for (const s of ${JSON.stringify(SYNCHRONOUS)}) libc.func('int sigdelset(void *, int)')(set, s);
  if (libc.func('int pthread_sigmask(int, void *, void *)')(${SIG_BLOCK}, set, null)) throw new Error('sigmask');
}
`;

/**
 * `f` with each call inside `hold`.
 * @example
 * ```ts
 * const sgemm = heldCalls(signalHold(koffi)!, lib.func(dnnlSgemmSignature('array')));
 * ```
 */
export function heldCalls<A extends unknown[], R>(hold: SignalHold, f: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    hold.hold();
    try {
      return f(...args);
    } finally {
      hold.release();
    }
  };
}
