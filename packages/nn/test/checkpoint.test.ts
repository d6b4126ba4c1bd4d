import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import { tensor } from '@chainrule/autograd';
import {
  Adam,
  BatchNorm1d,
  CheckpointError,
  Linear,
  ReLU,
  SGD,
  Sequential,
  StateDictError,
  crossEntropy,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  loadSafetensors,
  saveCheckpoint,
} from '@chainrule/nn';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainrule-ckpt-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const makeNet = (seed: number) =>
  new Sequential(
    new Linear(3, 5, { rng: new Rng(seed) }),
    new BatchNorm1d(5),
    new ReLU(),
    new Linear(5, 2, { rng: new Rng(seed + 1) }),
  );
const x = tensor(T.randn([8, 3], { rng: new Rng(1) }));
const y = tensor([0, 1, 1, 0, 1, 0, 0, 1], { dtype: 'int32' });

function trainSteps(net: Sequential, opt: Adam, n: number): void {
  for (let i = 0; i < n; i++) {
    opt.zeroGrad();
    crossEntropy(net.forward(x), y).backward();
    opt.step();
  }
}

const snapshot = (net: Sequential) =>
  [...net.stateDict()].map(([k, v]) => [k, v.dtype, [...v.shape], Array.from(v.value.data as ArrayLike<number>)]);

describe('checkpoints', () => {
  it('round-trip a model and an Adam state bit for bit, and training resumes identically', () => {
    const net = makeNet(1);
    const opt = new Adam(net.parameters(), { lr: 0.01 });
    trainSteps(net, opt, 3);
    const path = join(dir, 'run.safetensors');
    saveCheckpoint(path, net, opt, { epoch: '3', note: 'hello' });

    const net2 = makeNet(50);
    const opt2 = new Adam(net2.parameters(), { lr: 0.5 });
    const meta = loadCheckpoint(path, net2, opt2);
    expect(meta).toEqual({ epoch: '3', note: 'hello' });
    expect(snapshot(net2)).toEqual(snapshot(net));
    expect(opt2.paramGroups[0]!.lr).toBe(0.01);
    expect(opt2.stateDict().state['0']!.step).toBe(3);

    trainSteps(net, opt, 2);
    trainSteps(net2, opt2, 2);
    expect(snapshot(net2)).toEqual(snapshot(net));
  });

  it('is a plain state dict file; the optimizer state goes to a companion file, replaced by each save', () => {
    const net = makeNet(2);
    const opt = new Adam(net.parameters());
    trainSteps(net, opt, 1);
    const path = join(dir, 'layout.safetensors');
    saveCheckpoint(path, net, opt);
    const { tensors, metadata } = loadSafetensors(path);
    expect([...tensors.keys()].sort()).toEqual([...net.stateDict().keys()].sort()); // nothing else
    const companion = metadata['chainrule.optimizer_file']!;
    expect(companion).toMatch(/^layout\.safetensors\.optimizer-[0-9a-f]{12}\.safetensors$/);
    const state = loadSafetensors(join(dir, companion));
    expect(state.tensors.has('optimizer.state.0.exp_avg')).toBe(true);
    expect(state.tensors.has('optimizer.state.3.exp_avg_sq')).toBe(true);
    expect(JSON.parse(state.metadata['chainrule.optimizer']!).scalars['0']).toEqual({ step: 1 });
    // a second save writes a new companion and removes the old one; the pair loads whole
    trainSteps(net, opt, 1);
    saveCheckpoint(path, net, opt);
    const next = loadSafetensors(path).metadata['chainrule.optimizer_file']!;
    expect(next).not.toBe(companion);
    expect(readdirSync(dir).filter((f) => f.startsWith('layout.safetensors.optimizer-'))).toEqual([next]);
    const restored = makeNet(9);
    const restoredOpt = new Adam(restored.parameters());
    loadCheckpoint(path, restored, restoredOpt);
    expect(snapshot(restored)).toEqual(snapshot(net));
    expect(restoredOpt.stateDict()).toEqual(opt.stateDict());
    // without the companion, the model still loads; with an optimizer asked for, the error says why
    rmSync(join(dir, next));
    expect(() => loadCheckpoint(path, makeNet(9))).not.toThrow();
    expect(() => loadCheckpoint(path, makeNet(9), new Adam(makeNet(9).parameters()))).toThrow(
      /optimizer state ".*layout\.safetensors\.optimizer-[0-9a-f]{12}\.safetensors" cannot be read/,
    );
  });

  it('works without an optimizer, and from bytes', () => {
    const net = makeNet(3);
    const bytes = encodeCheckpoint(net, undefined, { a: 'b' });
    const other = makeNet(4);
    expect(decodeCheckpoint(bytes, other)).toEqual({ a: 'b' });
    expect(snapshot(other)).toEqual(snapshot(net));
    expect(() => decodeCheckpoint(bytes, makeNet(5), new SGD(makeNet(5).parameters(), { lr: 1 }))).toThrow(
      'safetensors: the checkpoint holds no optimizer state',
    );
  });

  it('a truncated or corrupted file gives a clear error and loads nothing', () => {
    const net = makeNet(6);
    const opt = new Adam(net.parameters());
    trainSteps(net, opt, 1);
    const bytes = encodeCheckpoint(net, opt);
    const target = makeNet(7);
    const targetOpt = new Adam(target.parameters());
    const before = snapshot(target);
    const truncated = bytes.slice(0, bytes.length - 10);
    expect(() => decodeCheckpoint(truncated, target, targetOpt)).toThrow(CheckpointError);
    const corrupt = bytes.slice();
    corrupt[10] = 0x7b; // damages the JSON header
    corrupt[12] = 0x00;
    expect(() => decodeCheckpoint(corrupt, target, targetOpt)).toThrow(CheckpointError);
    const path = join(dir, 'bad.safetensors');
    writeFileSync(path, truncated);
    expect(() => loadCheckpoint(path, target, targetOpt)).toThrow(/safetensors:/);
    expect(snapshot(target)).toEqual(before);
    expect(targetOpt.stateDict().state).toEqual({});
  });

  it('a checkpoint of another architecture or optimizer is refused and nothing is loaded', () => {
    const net = makeNet(8);
    const opt = new Adam(net.parameters());
    trainSteps(net, opt, 1);
    const bytes = encodeCheckpoint(net, opt);
    const wrong = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 2));
    const before = [...wrong.stateDict()].map(([k, v]) => [k, v.toArray()]);
    expect(() => decodeCheckpoint(bytes, wrong)).toThrow(StateDictError);
    expect(() => decodeCheckpoint(bytes, wrong)).toThrow(
      /"0\.weight": shape \[5,3\] in the state dict, \[4,3\] in the model/,
    );
    expect([...wrong.stateDict()].map(([k, v]) => [k, v.toArray()])).toEqual(before);
    // right model, wrong optimizer: the model must stay untouched too
    const target = makeNet(9);
    const targetBefore = snapshot(target);
    expect(() => decodeCheckpoint(bytes, target, new SGD(target.parameters(), { lr: 0.1 }))).toThrow(
      'safetensors: the checkpoint holds Adam state, not SGD',
    );
    expect(snapshot(target)).toEqual(targetBefore);
    // an optimizer over fewer parameters
    expect(() => decodeCheckpoint(bytes, target, new Adam(target.parameters().slice(0, 2)))).toThrow(
      /group 0 has 6 parameter\(s\) in the state, 2 in the optimizer/,
    );
    expect(snapshot(target)).toEqual(targetBefore);
  });

  it('refuses reserved names', () => {
    expect(() => encodeCheckpoint(makeNet(1), undefined, { 'chainrule.format': 'x' })).toThrow(
      /reserved "chainrule\." prefix/,
    );
  });

  it('keeps the file on disk unchanged when a save fails', () => {
    const path = join(dir, 'keep.safetensors');
    saveCheckpoint(path, makeNet(1));
    const before = readFileSync(path);
    expect(() => saveCheckpoint(path, makeNet(2), undefined, { 'chainrule.x': 'y' })).toThrow(CheckpointError);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
