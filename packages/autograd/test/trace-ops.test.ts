// traceOps: sees every op a function applies (recorded for backward or not), can be paused, and
// leaves apply's hook as it found it, even when the function throws.
import { type TracedOp, gt, noGrad, randn, tensor, traceOps, vmap, where, type Tensor } from '@chainrule/autograd';
import { describe, expect, it } from 'vitest';

describe('traceOps', () => {
  it('reports each op with its inputs, params and output, masks and no-grad ops included', () => {
    const x = randn([2, 3], { requiresGrad: true });
    const seen: TracedOp[] = [];
    const y = traceOps(() => where(gt(x, 0), x, x.mul(0.1)).sum(1), { onOp: (op) => seen.push(op) });
    const names = seen.map((op) => op.record.name);
    expect(names).toContain('gt');
    expect(names).toContain('where');
    expect(names.at(-1)).toBe('sum');
    expect(seen.at(-1)!.output).toBe(y);
    expect(seen.at(-1)!.params).toEqual({ axes: [1], keepDims: false });
    expect(seen.find((op) => op.record.name === 'gt')!.inputs[0]).toBe(x);
    // the result is the same tensor an untraced call gives, with a graph
    y.sum().backward();
    expect(x.grad?.shape).toEqual([2, 3]);
  });

  it('reports ops on 0-d floats and under noGrad', () => {
    const names: string[] = [];
    noGrad(() => traceOps(() => tensor(2).mul(3).exp(), { onOp: (op) => names.push(op.record.name) }));
    expect(names).toEqual(['mul', 'exp']);
  });

  it('does not report ops while paused', () => {
    let paused = false;
    const names: string[] = [];
    traceOps(
      () => {
        const a = tensor([1, 2]).exp();
        paused = true;
        const b = a.log();
        paused = false;
        return b.neg();
      },
      { onOp: (op) => names.push(op.record.name), paused: () => paused },
    );
    expect(names).toEqual(['exp', 'neg']);
  });

  it('removes its hook when the function throws, so vmap works after', () => {
    expect(() =>
      traceOps(
        () => {
          throw new Error('boom');
        },
        { onOp: () => undefined },
      ),
    ).toThrow('boom');
    const out = vmap((r: Tensor) => r.square().sum())(
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(out.toArray()).toEqual([5, 25]);
  });
});
