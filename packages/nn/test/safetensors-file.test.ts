import { type NDArray, array, zeros } from '@chainrule/tensor';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointError, loadSafetensors, saveSafetensors } from '../src/serialization/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainrule-st-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('saveSafetensors / loadSafetensors', () => {
  it('round-trips through a file', () => {
    const path = join(dir, 'model.safetensors');
    saveSafetensors(
      path,
      {
        w: array([
          [1, 2],
          [3, 4],
        ]),
        b: array([0.5], 'float64'),
      },
      { epoch: '3' },
    );
    const { tensors, metadata } = loadSafetensors(path);
    expect(metadata).toEqual({ epoch: '3' });
    expect(tensors.get('w')!.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensors.get('b')!.toArray()).toEqual([0.5]);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('leaves the previous file untouched when a tensor cannot be encoded', () => {
    const path = join(dir, 'model.safetensors');
    saveSafetensors(path, { w: array([1, 2, 3]) });
    const before = readFileSync(path);
    const bad = { w: zeros([3]), broken: 'not an array' } as unknown as Record<string, NDArray>;
    expect(() => saveSafetensors(path, bad)).toThrow(CheckpointError);
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('removes its temporary file and keeps the target when the final rename fails', () => {
    const target = join(dir, 'occupied');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    let thrown: unknown;
    try {
      saveSafetensors(target, { w: zeros([2]) });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CheckpointError);
    expect((thrown as CheckpointError).problem).toBe('io');
    expect(readdirSync(dir)).toEqual(['occupied']);
    expect(readdirSync(target)).toEqual(['keep']);
  });

  it('reports a missing file and a corrupt file as CheckpointError', () => {
    expect(() => loadSafetensors(join(dir, 'missing.safetensors'))).toThrow(/could not read/);
    const path = join(dir, 'corrupt.safetensors');
    writeFileSync(path, Buffer.from([16, 0, 0, 0, 0, 0, 0, 0, 0x7b]));
    expect(() => loadSafetensors(path)).toThrow(CheckpointError);
  });
});
