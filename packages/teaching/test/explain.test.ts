// explain / traceChainRule: the chain rule of the notes' f = (x + y)·z step by step, fan-out
// sums, broadcasting undone by expand, and the local-derivative table against the engine.
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { AutogradError, OP_RECORDS, type OpRecord, type Tensor, tensor, where } from '@chainrule/autograd';
import { explain, localDerivative, named, parseFormula, traceChainRule } from '@chainrule/teaching';
import { sym } from '../src/symbolic/expr.js';
import { notesGraph } from '../../../examples/teaching/notes-graph.js';

const o = { requiresGrad: true, dtype: 'float64' } as const;
const values = (x: T.NDArray): number[] => Array.from(T.getBackend().copy(x, 'float64').data);

describe('explain: the notes example f = (x + y)·z at (-2, 5, -4)', () => {
  it('reports the steps from f back to the inputs with the notes’ values', () => {
    const trace = traceChainRule(notesGraph().f);
    expect(trace.steps.map((s) => `${s.node.label} = ${s.expression}`)).toEqual(['f = q·z', 'q = x + y']);
    const [mul, add] = trace.steps;
    // ∂f/∂q = z = -4 and ∂f/∂z = q = 3 (local derivatives of the product)
    expect(mul!.inputs.map((t) => [t.input.label, t.formula, values(t.local!)[0], values(t.gradient)[0]])).toEqual([
      ['q', 'z', -4, -4],
      ['z', 'q', 3, 3],
    ]);
    // ∂f/∂x = ∂f/∂q · ∂q/∂x = -4 · 1
    expect(values(add!.upstream.total)).toEqual([-4]);
    expect(add!.inputs.map((t) => [t.input.label, t.formula, values(t.local!)[0], values(t.gradient)[0]])).toEqual([
      ['x', '1', 1, -4],
      ['y', '1', 1, -4],
    ]);
    expect(trace.leaves.map((l) => [l.node.label, values(l.gradient.total)[0]])).toEqual([
      ['x', -4],
      ['y', -4],
      ['z', 3],
    ]);
  });

  it('agrees with a plain backward() on a fresh copy of the graph', () => {
    const traced = traceChainRule(notesGraph().f);
    const fresh = notesGraph();
    fresh.f.backward();
    const byName = new Map(traced.leaves.map((l) => [l.node.label, values(l.gradient.total)[0]]));
    expect(byName.get('x')).toBe(fresh.x.grad!.item());
    expect(byName.get('y')).toBe(fresh.y.grad!.item());
    expect(byName.get('z')).toBe(fresh.z.grad!.item());
  });

  it('prints the derivation like the notes', () => {
    const text = explain(notesGraph().f);
    const lines = text.split('\n').map((l) => l.trim());
    expect(lines).toContain('q = x + y = 3');
    expect(lines).toContain('f = q·z = -12');
    expect(lines).toContain('upstream ∂f/∂f = 1 (the seed)');
    expect(lines).toContain('q: local ∂f/∂q = z = -4   ∂f/∂q = 1 · (-4) = -4');
    expect(lines).toContain('z: local ∂f/∂z = q = 3    ∂f/∂z = 1 · 3 = 3');
    expect(lines).toContain('upstream ∂f/∂q = -4');
    expect(lines).toContain('x: local ∂q/∂x = 1   ∂f/∂x = ∂f/∂q · ∂q/∂x = (-4) · 1 = -4');
    expect(lines).toContain('y: local ∂q/∂y = 1   ∂f/∂y = ∂f/∂q · ∂q/∂y = (-4) · 1 = -4');
    expect(lines).toContain('z = -4   ∂f/∂z = 3');
    // the mul step comes before the add step (reverse topological order)
    expect(text.indexOf('[1] f = q·z')).toBeLessThan(text.indexOf('[2] q = x + y'));
  });

  it('keeps its full text stable', async () => {
    await expect(explain(notesGraph().f)).toMatchFileSnapshot('__snapshots__/teaching/notes-trace.txt');
    await expect(explain(notesGraph().f, { format: 'markdown' })).toMatchFileSnapshot(
      '__snapshots__/teaching/notes-trace.md',
    );
  });

  it('writes a Markdown table with one row per (op, input)', () => {
    const md = explain(notesGraph().f, { format: 'markdown' });
    expect(md).toContain('| step | node | op | input | local derivative | local value |');
    expect(md).toContain('| 1 | f = q·z | mul | q | ∂f/∂q = z | -4 | 1 | 1 · (-4) = -4 |');
    expect(md).toContain('| 2 | q = x + y | add | y | ∂q/∂y = 1 | 1 | -4 | (-4) · 1 = -4 |');
    expect(md).toContain('| z | -4 | 3 |');
  });

  it('touches no .grad and leaves the graph usable for backward()', () => {
    const { x, z, f } = notesGraph();
    explain(f);
    explain(f);
    expect(x.grad).toBeNull();
    f.backward();
    expect(x.grad!.item()).toBe(-4);
    expect(z.grad!.item()).toBe(3);
  });

  it('works after a plain backward(), the way a student writes it first', () => {
    const before = explain(notesGraph().f);
    const { f, x } = notesGraph();
    f.backward();
    expect(x.grad!.item()).toBe(-4);
    expect(explain(f)).toBe(before);
    expect(() => f.backward()).toThrow(/second time/); // as PyTorch: the graph was used
    const kept = notesGraph();
    kept.f.backward({ retainGraph: true });
    expect(explain(kept.f)).toBe(before);
  });

  it('says what to do when backward() freed a graph too large to keep', () => {
    const x = tensor(new Array(2000).fill(0.5), { dtype: 'float64', requiresGrad: true });
    const f = x.exp().sum();
    f.backward();
    expect(() => explain(f)).toThrow(AutogradError);
    expect(() => explain(f)).toThrow(
      /too large to keep.*before y\.backward\(\), or call y\.backward\(\{ retainGraph: true \}\)/,
    );
  });
});

describe('explain: fan-out and broadcasting', () => {
  // L = Σ (W + b)·W: b is broadcast over the rows of W (an expand), W is used twice
  const build = (): { W: Tensor; b: Tensor; L: Tensor } => {
    const W = named(
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        o,
      ),
      'W',
    );
    const b = named(tensor([0.5, -1], o), 'b');
    return { W, b, L: named(W.add(b).mul(W).sum(), 'L') };
  };

  it('sums the two uses of W: ∂L/∂W = W (via the product) + (W + b) (via the sum)', () => {
    const trace = traceChainRule(build().L);
    const W = trace.leaves.find((l) => l.node.label === 'W')!;
    expect(W.gradient.parts).toHaveLength(2);
    const parts = W.gradient.parts.map((p) => values(p.value));
    // by hand: through W + b the factor is 1 (upstream W); through (W + b)·W the factor is W + b
    expect(parts).toEqual([
      [1, 2, 3, 4],
      [1.5, 1, 3.5, 3],
    ]);
    expect(values(W.gradient.total)).toEqual([2.5, 3, 6.5, 7]);
    expect(explain(build().L)).toContain(
      '∂L/∂W = [[1, 2], [3, 4]] + [[1.5, 1], [3.5, 3]] = [[2.5, 3], [6.5, 7]]   (sum over the 2 uses of W',
    );
  });

  it('undoes the broadcast of b with a sum over axis 0 in the expand step', () => {
    const trace = traceChainRule(build().L);
    const expandStep = trace.steps.find((s) => s.node.op === 'expand')!;
    expect(expandStep.inputs[0]!.kind).toBe('vjp');
    expect(expandStep.inputs[0]!.formula).toBe('Σ of G over the broadcast axes [0]');
    expect(values(expandStep.upstream.total)).toEqual([1, 2, 3, 4]); // G = W (the factor of the product)
    expect(values(expandStep.inputs[0]!.gradient)).toEqual([4, 6]); // the column sums of W
  });

  it('summarizes large tensors and shows small ones in full', () => {
    const A = named(
      tensor(
        Array.from({ length: 30 }, (_, i) => [i, -i]),
        o,
      ),
      'A',
    );
    const text = explain(named(A.tanh().sum(), 's'));
    expect(text).toMatch(/A = \[30,2\] min -29 max 29 mean 0/);
    expect(explain(build().L)).toContain('b = [0.5, -1]');
  });

  it('needs gradOutput for a non-scalar output', () => {
    const W = tensor([1, 2], o);
    const y = W.mul(3);
    expect(() => explain(y)).toThrow(/only for scalar outputs/);
    const trace = traceChainRule(y, { gradOutput: tensor([1, -1], { dtype: 'float64' }) });
    expect(values(trace.leaves[0]!.gradient.total)).toEqual([3, -3]);
  });

  it('refuses an output that does not require grad', () => {
    expect(() => explain(tensor([1, 2]).sum())).toThrow(AutogradError);
  });
});

describe('the local-derivative table', () => {
  it('refuses a formula naming something that is not an argument (a typo such as `ot` for `out`)', () => {
    expect(() => parseFormula('1 - ot^2', { names: { x: sym('x'), out: sym('out') }, strict: true })).toThrow(/'ot'/);
    expect(parseFormula('2/sqrt(π)', { names: {}, strict: true }).text).toBe('2/√(π)');
  });

  it('reads every record: "none" exactly for the non-differentiable ops, and every formula parses', () => {
    for (const [op, record] of Object.entries(OP_RECORDS)) {
      const f = record.formula;
      expect(localDerivative(record as OpRecord<unknown>).kind === 'none', op).toBe(record.vjp === null);
      const forms = f.kind === 'elementwise' ? [f] : f.kind === 'vjp' && f.scalar !== undefined ? [f.scalar] : [];
      const params = { min: -1, max: 1, dtype: 'float64' };
      for (const form of forms) {
        const names = Object.fromEntries(form.args.map((a) => [a, sym(a)]));
        expect(() => parseFormula(form.out, { names, params, strict: true }), `${op}: ${form.out}`).not.toThrow();
        for (const d of form.d)
          if (d !== null)
            expect(
              () => parseFormula(d, { names: { ...names, out: sym('out') }, params, strict: true }),
              `${op}: ${d}`,
            ).not.toThrow();
        expect(form.d.length, op).toBe(form.args.length);
      }
    }
  });

  it('writes the formulas of the issue', () => {
    const A = named(tensor([[1, 2]], o), 'A'),
      B = named(tensor([[3], [4]], o), 'B');
    const x = named(tensor(0.3, o), 'x');
    const formulas = (y: Tensor): string[] =>
      traceChainRule(named(y.sum(), 'L')).steps.flatMap((s) => s.inputs.map((t) => t.formula));
    // the matrix forms, with the shapes: ∂A = G·Bᵀ  [1,2] = [1,1]·[1,2]
    expect(formulas(A.matmul(B))).toContain('G·Bᵀ   [1,2] = [1,1]·[1,2]');
    expect(formulas(A.matmul(B))).toContain('Aᵀ·G   [2,1] = [2,1]·[1,1]');
    const W = named(
      tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        o,
      ),
      'W',
    );
    const v = named(tensor([1, 2, 3], { dtype: 'float64' }), 'v');
    expect(formulas(W.matmul(v))).toContain('G·vᵀ   [2,3] = [2,1]·[1,3]'); // the user's vector, by name
    expect(formulas(x.tanh())).toContain('1 - tanh(x)²');
    expect(formulas(x.sigmoid())).toContain('σ(x)·(1 - σ(x))');
  });

  // each elementwise op's local derivative times the upstream gradient must equal what the engine sends back
  const a = (): Tensor => named(tensor([0.7, -1.3, 2.1], o), 'a');
  const b = (): Tensor => named(tensor([1.9, 0.4, -0.8], o), 'b');
  const pos = (): Tensor => named(tensor([0.7, 1.3, 2.1], o), 'p');
  const cases: [string, () => Tensor][] = [
    ['neg', () => a().neg()],
    ['abs', () => a().abs()],
    ['exp', () => a().exp()],
    ['log', () => pos().log()],
    ['log1p', () => pos().log1p()],
    ['expm1', () => a().expm1()],
    ['sqrt', () => pos().sqrt()],
    ['square', () => a().square()],
    ['reciprocal', () => a().reciprocal()],
    ['sin', () => a().sin()],
    ['cos', () => a().cos()],
    ['tanh', () => a().tanh()],
    ['sigmoid', () => a().sigmoid()],
    ['relu', () => a().relu()],
    ['erf', () => a().erf()],
    ['softplus', () => a().softplus()],
    ['clamp', () => a().clamp(-1, 1)],
    ['cast', () => named(tensor([0.5, 2], { requiresGrad: true, dtype: 'float32' }), 'h').cast('float64')],
    ['add', () => a().add(b())],
    ['sub', () => a().sub(b())],
    ['mul', () => a().mul(b())],
    ['div', () => a().div(b())],
    ['pow', () => pos().pow(b())],
    ['maximum', () => a().maximum(b())],
    ['minimum', () => a().minimum(b())],
    ['where', () => where(a().gt(0), a(), b())],
  ];
  for (const [op, make] of cases) {
    it(`${op}: upstream ⊙ local = the engine's gradient`, () => {
      const y = make();
      const weights = tensor(
        Array.from({ length: y.numel() }, (_, i) => 0.5 + i),
        { dtype: y.dtype },
      ).reshape(y.shape);
      const trace = traceChainRule(named(y.mul(weights).sum(), 'L'));
      const step = trace.steps.find((s) => s.node.op === op)!;
      expect(step.inputs.length).toBeGreaterThan(0);
      for (const t of step.inputs) {
        expect(t.kind).toBe('factor');
        const product = values(T.mul(T.cast(step.upstream.total, 'float64'), T.cast(t.local!, 'float64')));
        const engine = values(t.gradient);
        product.forEach((p, i) => {
          expect(p).toBeCloseTo(engine[i]!, 6);
        });
      }
    });
  }
});
