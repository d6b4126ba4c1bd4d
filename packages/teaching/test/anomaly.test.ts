// Anomaly mode on the classic cases: log of 0 (forward), sqrt at 0 (backward) and the `where`
// trap; the first op that made a NaN or an Infinity, where it was created, and its inputs. The ops
// are created in examples/teaching/anomaly.ts, so "created at" must point there.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnomalyError } from '@chainrule/autograd';
import { doubleWhere, logOfZero, sqrtAtZero, whereTrap } from '../../../examples/teaching/anomaly.js';

const SOURCE = readFileSync(new URL('../../../examples/teaching/anomaly.ts', import.meta.url), 'utf8').split('\n');
/** The 1-based line of examples/teaching/anomaly.ts holding `marker` inside function `fn`. */
function lineOf(fn: string, marker: string): number {
  const start = SOURCE.findIndex((l) => l.includes(`function ${fn}(`));
  return start + SOURCE.slice(start).findIndex((l) => l.includes(marker)) + 1;
}

describe('detectAnomaly', () => {
  it('log of 0: names log, the forward pass, the user’s line and the input’s statistics', () => {
    const e = logOfZero();
    expect(e).toBeInstanceOf(AnomalyError);
    expect(e!.op).toBe('log');
    expect(e!.message).toContain('log: forward produced Infinity (0 NaN, 1 Inf)');
    expect(e!.createdAt).toContain(
      `examples/teaching/anomaly.ts:${lineOf('logOfZero', 'the log is created on this line')}:`,
    );
    expect(e!.message).toContain('input 0: shape [2] min 0 max 0.5 mean 0.25 nan 0 inf 0');
    expect(e!.message).toContain('(0 NaN, 1 Inf), first at [1]: log needs x > 0; got 0 at [1]');
    expect(e!.message).toMatch(/\n {2}created at \S/); // "created at <the frame>", not "created at: at"
    expect(e!.message).not.toContain('at: at');
  });

  it('sqrt at 0: names sqrt’s backward, the line that created the sqrt, and the statistics of x', () => {
    const e = sqrtAtZero();
    expect(e).toBeInstanceOf(AnomalyError);
    expect(e!.op).toBe('sqrt');
    expect(e!.message).toContain('sqrt: backward produced Infinity in the gradient of input 0 (0 NaN, 1 Inf)');
    expect(e!.createdAt).toContain(
      `examples/teaching/anomaly.ts:${lineOf('sqrtAtZero', 'the sqrt is created on this line')}:`,
    );
    expect(e!.message).toContain('input 0: shape [3] min 0 max 4 mean 1.6666666666666667 nan 0 inf 0'); // x = [0, 1, 4]
    expect(e!.message).toContain('upstream gradient: shape [3] min 1 max 1');
    expect(e!.message).toContain('first at [0]: sqrt needs x > 0 for its derivative 1/(2√x); got 0 at [0]');
  });

  it('the where trap: names sqrt’s backward (0·∞ = NaN) and the line that created the sqrt', () => {
    const e = whereTrap();
    expect(e).toBeInstanceOf(AnomalyError);
    expect(e!.op).toBe('sqrt');
    expect(e!.message).toContain('sqrt: backward produced NaN in the gradient of input 0 (1 NaN, 0 Inf)');
    expect(e!.message).toContain('first at [0]: sqrt needs x > 0 for its derivative 1/(2√x); got 0 at [0]');
    expect(e!.createdAt).toContain(
      `examples/teaching/anomaly.ts:${lineOf('whereTrap', 'the sqrt is created on this line')}:`,
    );
  });

  it('the double where has no anomaly and the right gradient [0, 1/(2√4)]', () => {
    const { error, grad } = doubleWhere();
    expect(error).toBeNull();
    expect(grad!.toArray()).toEqual([0, 0.25]);
  });
});

describe('anomaly reasons', () => {
  it('name a NaN that came in with the input, and a zero divisor', async () => {
    const { detectAnomaly, tensor } = await import('@chainrule/autograd');
    const run = (fn: () => void): string => {
      try {
        detectAnomaly(fn);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    const x = tensor([1, 2, 3], { dtype: 'float64' });
    expect(run(() => x.div(tensor([1, 0, 2], { dtype: 'float64' })))).toContain(
      'first at [1]: div needs a divisor y ≠ 0; got x = 2, y = 0 at [1]',
    );
    expect(
      run(() =>
        tensor(
          [
            [1, 2],
            [-0.25, 4],
          ],
          { dtype: 'float64' },
        ).log(),
      ),
    ).toContain('first at [1,0]: log needs x > 0; got -0.25 at [1,0]');
    expect(run(() => tensor([1, NaN], { dtype: 'float64' }).exp())).toContain(
      'first at [1]: input 0 was already NaN at [1]',
    );
  });
});
