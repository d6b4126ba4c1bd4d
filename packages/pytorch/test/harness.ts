/** Runs exported models in PyTorch (through a Python script) and compares with chainrule. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tensor, randn } from '@chainrule/autograd';
import { type AnyModule, loadSafetensors, saveSafetensors } from '@chainrule/nn';
import { Rng } from '@chainrule/tensor';
import { expect } from 'vitest';
import { type ToPyTorchOptions, toPyTorch } from '../src/index.js';

/** A fresh temporary directory. */
export const tempDir = (name: string): string => mkdtempSync(join(tmpdir(), `chainrule-${name}-`));

/** Runs `python script args...` in `cwd`; throws with stderr on failure. */
export function run(python: string, cwd: string, args: readonly string[], timeout = 120_000): string {
  const r = spawnSync(python, args, { cwd, encoding: 'utf8', timeout });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr || r.error?.message}`);
  return r.stdout;
}

// In PyTorch, for each exported directory: the model of model.py with weights.safetensors,
// y = model(x), backward of sum(y * r); one process for all (importing torch takes seconds)
const FORWARD_BACKWARD = `
import importlib, sys
import torch
from safetensors.torch import load_file, save_file
for d in sys.argv[1:]:
    sys.path.insert(0, d)
    sys.modules.pop("model", None)
    model = importlib.import_module("model").load_model(d + "/weights.safetensors")
    sys.path.pop(0)
    model.train()
    io = load_file(d + "/io.safetensors")
    x = io["x"] if io["x"].is_floating_point() else io["x"].long()
    out = model(x)
    (out * io["r"]).sum().backward()
    res = {"out": out.detach().contiguous()}
    for name, p in model.named_parameters():
        res["grad." + name] = p.grad.contiguous()
    for name, b in model.named_buffers():
        res["buffer." + name] = b.contiguous()
    save_file(res, d + "/res.safetensors")
`;

/** The largest absolute difference between two tensors of one shape. */
export function maxDiff(a: Tensor, b: Tensor): number {
  expect(b.shape).toEqual(a.shape);
  const x = [a.toArray()].flat(Number.POSITIVE_INFINITY) as number[];
  const y = [b.toArray()].flat(Number.POSITIVE_INFINITY) as number[];
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - (y[i] as number))), 0);
}

/** A model to export, its input, and the options of toPyTorch. */
export interface TorchCase {
  name: string;
  model: AnyModule;
  x: Tensor;
  options?: ToPyTorchOptions;
}

/**
 * Exports each model, runs forward and backward of sum(model(x) · r) in chainrule and in PyTorch
 * (one Python process for all), and expects the outputs, every parameter's gradient and every
 * buffer (running statistics) to agree to `tolerance`.
 */
export function expectSameAsTorch(python: string, cases: readonly TorchCase[], tolerance = 1e-10): void {
  const dirs = cases.map(({ name, model, x, options }) => {
    const dir = tempDir(name);
    toPyTorch(model, dir, options);
    const forward = model.forward as unknown as (x: Tensor) => Tensor;
    const out = forward.call(model, x);
    const r = randn(out.shape, { dtype: 'float64', rng: new Rng(7) });
    saveSafetensors(join(dir, 'io.safetensors'), { x, r });
    out.mul(r).sum().backward();
    return { dir, out };
  });
  run(python, dirs[0]!.dir, ['-c', FORWARD_BACKWARD, ...dirs.map((d) => d.dir)]);
  cases.forEach(({ name, model }, i) => {
    const { dir, out } = dirs[i]!;
    const res = loadSafetensors(join(dir, 'res.safetensors')).tensors;
    expect(maxDiff(out, res.get('out')!), `${name}: output`).toBeLessThan(tolerance);
    const params = model.namedParameters();
    expect(params.length).toBeGreaterThan(0);
    for (const [key, p] of params) {
      const g = res.get(`grad.${key}`);
      expect(g, `${name}: torch has no gradient for ${key}`).toBeDefined();
      expect(maxDiff(p.grad!, g!), `${name}: grad ${key}`).toBeLessThan(tolerance);
    }
    for (const [key, b] of model.namedBuffers()) {
      expect(maxDiff(b, res.get(`buffer.${key}`)!), `${name}: buffer ${key}`).toBeLessThan(tolerance);
    }
  });
}
