/** Careful manual timing: warm-up, then the best of several rounds, each long enough to time. */

/** A thing to time; `before` (e.g. switching the tfjs backend) runs before each of its rounds, untimed. */
export interface Candidate {
  readonly fn: () => void;
  readonly before?: () => Promise<void>;
}

/**
 * Times several candidates interleaved (round r of every candidate before round r+1 of any), so
 * that slow phases of a shared or throttled machine hit all of them alike. Each round repeats the
 * call enough times to last about `targetMs`. Returns the best seconds per call of each candidate.
 */
export async function timeInterleaved(
  candidates: Record<string, Candidate>,
  options: { rounds?: number; targetMs?: number; warmup?: number } = {},
): Promise<Record<string, number>> {
  const rounds = options.rounds ?? 7;
  const targetMs = options.targetMs ?? 80;
  const names = Object.keys(candidates);
  const reps: Record<string, number> = {};
  const best: Record<string, number> = {};
  for (const name of names) {
    const c = candidates[name]!;
    await c.before?.();
    for (let i = 0; i < (options.warmup ?? 2); i++) c.fn();
    const t0 = performance.now();
    c.fn();
    const dt = performance.now() - t0;
    reps[name] = Math.max(1, Math.min(10_000, Math.round(targetMs / Math.max(dt, 1e-3))));
    best[name] = dt / 1000;
  }
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      const c = candidates[name]!,
        n = reps[name]!;
      await c.before?.();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) c.fn();
      best[name] = Math.min(best[name]!, (performance.now() - t0) / 1000 / n);
    }
  }
  return best;
}
