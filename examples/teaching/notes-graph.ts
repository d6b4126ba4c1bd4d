/**
 * The notes' first example as a named graph: f(x, y, z) = (x + y)·z at x = -2, y = 5, z = -4,
 * with q = x + y. Shared by the teaching examples and their tests.
 */
import { type Tensor, tensor } from '@chainrule/autograd';
import { named } from '@chainrule/teaching';

export interface NotesGraph {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly z: Tensor;
  readonly q: Tensor;
  readonly f: Tensor;
}

/** f = (x + y)·z, every tensor named as in the notes. */
export function notesGraph(x0 = -2, y0 = 5, z0 = -4): NotesGraph {
  const o = { requiresGrad: true, dtype: 'float64' } as const;
  const x = named(tensor(x0, o), 'x'),
    y = named(tensor(y0, o), 'y'),
    z = named(tensor(z0, o), 'z');
  const q = named(x.add(y), 'q');
  const f = named(q.mul(z), 'f');
  return { x, y, z, q, f };
}

/**
 * A sigmoid neuron with a quadratic cost: C = ½(σ(w·x + b) - t)², at w = 0.5, x = 1.5, b = -0.25, t = 1
 * (u = w·x, z = u + b, a = σ(z), e = a - t, s = e²).
 */
export function neuronGraph(): { readonly w: Tensor; readonly b: Tensor; readonly a: Tensor; readonly C: Tensor } {
  const o = { requiresGrad: true, dtype: 'float64' } as const;
  const w = named(tensor(0.5, o), 'w'),
    b = named(tensor(-0.25, o), 'b');
  const x = named(tensor(1.5, { dtype: 'float64' }), 'x'),
    t = named(tensor(1, { dtype: 'float64' }), 't');
  const u = named(w.mul(x), 'u');
  const z = named(u.add(b), 'z');
  const a = named(z.sigmoid(), 'a');
  const e = named(a.sub(t), 'e');
  const s = named(e.square(), 's');
  const C = named(s.mul(0.5), 'C');
  return { w, b, a, C };
}
