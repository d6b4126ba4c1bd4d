/**
 * Resident memory (src/resident.ts, backends/wasm/resident.ts), the blocks: per-call operands never
 * land in a block; blocks do not overlap, are placed first fit, and free idempotently; a block keeps
 * its contents when the memory grows (new buffer, same offset); a call given a resident operand
 * never grows the memory (it would detach the operand mid-call: the fallback computes it);
 * `withoutGrowth` sends any call that would grow the memory to the fallback and keeps every view
 * attached; `allocate` refuses what the backend would not retain; a heap replaced for growing past
 * `retainBytes` takes its blocks with it.
 */
import { describe, expect, it } from 'vitest';
import { NDArray, convGeometry, createWasmBackend, jsBackend, residentMemory } from '../src/index.js';
import { countingFallback } from './backend-helpers.js';
import { firstDifference } from './out-helpers.js';
import { MiB, cheap, elementBytes, fillPattern, gone, patternBroken } from './resident-helpers.js';

describe('blocks', () => {
  it('per-call operands never touch a block, of any size, the memory growing or not', () => {
    const be = createWasmBackend(jsBackend, { threads: 1 });
    const memory = residentMemory(be)!;
    const low = memory.allocate(10_000)!,
      high = memory.allocate(50_000)!;
    low.free(); // a gap below `high`: free for blocks, never for a call's operands
    fillPattern(high, 0x5eed);
    const startBuffer = high.buffer();
    for (const n of [600, 5000, 70_000, 600_000, 3_000_000]) {
      const x = cheap([n]),
        y = cheap([n], 1);
      be.binary('add', x, y, 'float32');
      be.binary('mul', x, cheap([1]).expand([n]), 'float32');
      be.unary('exp', x, 'float32');
      be.unary('neg', x, 'float32', cheap([n], 2));
      be.clamp(x, -0.5, 0.5, 'float32');
      be.activationGrad('tanh', x, y, undefined);
      be.where(be.compare('gt', x, y), x, y, 'float32');
      be.reduce('sum', x.reshape([n / 100, 100]), [0], 'float32');
      be.reduce('max', x, [0], 'float32');
      be.copy(x, 'float64');
      be.addScaledInPlace(cheap([n], 3), x, 0.25);
    }
    for (const m of [16, 96, 300]) be.matmul(cheap([m, m]), cheap([m, m], 1).transpose(), 'float32');
    const img = cheap([4, 8, 64, 64]);
    const geo = convGeometry('test', 64, 64, { kernel: 3, padding: 1 });
    const cols = be.im2col(img, geo, 0);
    be.col2im(cols, geo, 8, 64, 64);
    be.fusedLstmCell(cheap([64, 4 * 256]), cheap([64, 256]));
    expect(high.buffer() !== startBuffer, 'the calls grew the memory').toBe(true);
    expect(patternBroken(high, 0x5eed)).toBe(-1);
    high.free();
  });

  it('do not overlap, are placed first fit, and free idempotently; a freed block has no buffer', () => {
    const memory = residentMemory(createWasmBackend(jsBackend, { threads: 1 }))!;
    const a = memory.allocate(1000)!,
      b = memory.allocate(5000)!;
    for (const [x, asked] of [
      [a, 1000],
      [b, 5000],
    ] as const) {
      expect(x.bytes).toBeGreaterThanOrEqual(asked);
      expect(x.bytes % 64).toBe(0);
      expect(x.byteOffset % 64).toBe(0);
      expect(x.buffer()!.byteLength).toBeGreaterThanOrEqual(x.byteOffset + x.bytes);
    }
    expect(a.byteOffset + a.bytes <= b.byteOffset || b.byteOffset + b.bytes <= a.byteOffset).toBe(true);
    fillPattern(a, 1);
    fillPattern(b, 2);
    expect([patternBroken(a, 1), patternBroken(b, 2)]).toEqual([-1, -1]);

    a.free();
    expect(gone(a)).toBe(true);
    expect(gone(b)).toBe(false);
    const bigger = memory.allocate(a.bytes + 64)!; // does not fit a's place: after b
    expect(bigger.byteOffset).toBeGreaterThanOrEqual(b.byteOffset + b.bytes);
    const c = memory.allocate(a.bytes - 100)!; // fits a's place: first fit
    expect(c.byteOffset).toBe(a.byteOffset);
    a.free(); // again: nothing happens (c, in a's place, stays)
    expect(gone(c)).toBe(false);
    const d = memory.allocate(64)!;
    for (const x of [b, bigger, c])
      expect(d.byteOffset + d.bytes <= x.byteOffset || x.byteOffset + x.bytes <= d.byteOffset).toBe(true);
    expect(patternBroken(b, 2)).toBe(-1);
    for (const x of [b, bigger, c, d]) x.free();
    for (const x of [b, bigger, c, d]) expect(gone(x)).toBe(true);
    // all gone: a new block starts where the first one did
    const e = memory.allocate(64)!;
    expect(e.byteOffset).toBe(a.byteOffset);
    e.free();
  });

  it('a block keeps its contents when a call grows the memory: a new buffer, the same offset', () => {
    const be = createWasmBackend(jsBackend, { threads: 1 });
    const block = residentMemory(be)!.allocate(4096)!;
    fillPattern(block, 0xbeef);
    const buffer = block.buffer()!;
    const view = new Float32Array(buffer, block.byteOffset, 1024);
    const n = 2 ** 20; // 12 MiB of operands, far more than the memory has
    const x = cheap([n]),
      y = cheap([n], 1);
    const got = be.binary('add', x, y, 'float32');
    expect(firstDifference(elementBytes(got), elementBytes(jsBackend.binary('add', x, y, 'float32')))).toBe(-1);
    expect(block.buffer() !== buffer, 'a new buffer').toBe(true);
    expect(block.buffer()!.byteLength).toBeGreaterThan(buffer.byteLength);
    expect(view.length).toBe(0); // the old view is detached
    expect(patternBroken(block, 0xbeef)).toBe(-1);
    block.free();
  });
});

describe('a call with a resident operand', () => {
  it('never grows the memory (that would detach the operand mid-call): the fallback computes it', () => {
    const { backend, calls } = countingFallback();
    const be = createWasmBackend(backend, { threads: 1 });
    const memory = residentMemory(be)!;
    const block = memory.allocate(2 * 4096 * 4)!;
    const buffer = block.buffer()!;
    const a = new NDArray(new Float32Array(buffer, block.byteOffset, 4096), [4096]);
    const out = new NDArray(new Float32Array(buffer, block.byteOffset + 4096 * 4, 4096), [1, 4096]);
    a.data.set(cheap([4096], 5).data);
    const aCopy = jsBackend.copy(a, 'float32');
    const y = cheap([256, 4096], 1); // 4 MiB: its staging and the result would grow the memory
    // a resident input, the result allocated first: a grown memory would detach `a` before it is read
    const sum = be.binary('add', a.reshape([1, 4096]).expand([256, 4096]), y, 'float32');
    expect(calls.binary ?? 0).toBe(1);
    const want = jsBackend.binary('add', aCopy.reshape([1, 4096]).expand([256, 4096]), y, 'float32');
    expect(firstDifference(elementBytes(sum), elementBytes(want))).toBe(-1);
    // a resident out: the reduction's staging would grow the memory and detach it
    expect(be.reduce('sum', y, [0], 'float32', out.reshape([4096]))).toBeDefined();
    expect(calls.reduce ?? 0).toBe(1);
    const total = jsBackend.reduce('sum', y, [0], 'float32');
    expect(firstDifference(elementBytes(out), elementBytes(total))).toBe(-1);
    expect(block.buffer() === buffer, 'the memory grew').toBe(true);
    // with no resident operand, the same call grows the memory and runs in wasm
    be.binary('add', cheap([256, 4096], 2), y, 'float32');
    expect(calls.binary ?? 0).toBe(1);
    expect(block.buffer() === buffer, 'the memory grew').toBe(false);
    block.free();
  });
});

describe('withoutGrowth', () => {
  it('a call that would grow the memory is computed by the fallback, every view staying attached', () => {
    const { backend, calls } = countingFallback();
    const be = createWasmBackend(backend, { threads: 1 });
    const memory = residentMemory(be)!;
    const n = 2 ** 20; // 12 MiB of operands, far more than the memory has
    const block = memory.allocate(4096 * 4)!;
    const buffer = block.buffer()!;
    const a = new NDArray(new Float32Array(buffer, block.byteOffset, 4096), [4096]);
    a.data.set(cheap([4096], 5).data);
    const x = cheap([n]);
    const y = cheap([n / 4096, 4096], 1);
    const aCopy = jsBackend.copy(a, 'float32');
    const got = memory.withoutGrowth(() => {
      const before = calls.binary ?? 0;
      const small = be.binary('mul', a, a, 'float32'); // fits: wasm
      expect(calls.binary ?? 0).toBe(before);
      const big = be.binary('mul', x, x, 'float32'); // would grow: the fallback
      expect(calls.binary ?? 0).toBe(before + 1);
      // a resident operand of a call that would grow: read where it is by the fallback
      const mixed = be.binary('mul', y, a.unsqueeze(0).expand([n / 4096, 4096]), 'float32');
      const product = be.matmul(cheap([400, 300]), cheap([300, 400], 2), 'float32');
      expect(calls.matmul ?? 0).toBe(1);
      return { small, big, mixed, product };
    });
    expect(block.buffer() === buffer, 'the memory grew').toBe(true);
    expect(a.data.length).toBe(4096); // attached
    expect(firstDifference(elementBytes(a), elementBytes(aCopy))).toBe(-1);
    const ref = (f: () => NDArray): Uint8Array => elementBytes(f());
    expect(
      firstDifference(
        elementBytes(got.small),
        ref(() => jsBackend.binary('mul', aCopy, aCopy, 'float32')),
      ),
    ).toBe(-1);
    expect(
      firstDifference(
        elementBytes(got.big),
        ref(() => jsBackend.binary('mul', x, x, 'float32')),
      ),
    ).toBe(-1);
    const expanded = aCopy.unsqueeze(0).expand([n / 4096, 4096]);
    expect(
      firstDifference(
        elementBytes(got.mixed),
        ref(() => jsBackend.binary('mul', y, expanded, 'float32')),
      ),
    ).toBe(-1);
    const product = ref(() => jsBackend.matmul(cheap([400, 300]), cheap([300, 400], 2), 'float32'));
    expect(firstDifference(elementBytes(got.product), product)).toBe(-1);
    // afterwards (and after a throw inside) the memory grows again
    expect(() =>
      memory.withoutGrowth(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    be.binary('mul', x, x, 'float32');
    expect(block.buffer() !== buffer, 'the memory grew again').toBe(true);
    expect(a.data.length).toBe(0);
    block.free();
  });

  it('resident operands and out take no per-call memory: calls bigger than what is free still run in wasm', () => {
    const { backend, calls } = countingFallback();
    const be = createWasmBackend(backend, { threads: 1 });
    const memory = residentMemory(be)!;
    be.binary('add', cheap([4096]), cheap([4096], 1), 'float32'); // the most one call used: 48 KiB
    const n = 2 ** 18; // arrays of 1 MiB: a copy of any does not fit beside the blocks without growing
    const block = memory.allocate(3 * n * 4)!;
    const buffer = block.buffer()!;
    const [a, b, out] = [0, 1, 2].map(
      (i) => new NDArray(new Float32Array(buffer, block.byteOffset + i * n * 4, n), [n]),
    );
    a!.data.set(cheap([n], 1).data);
    b!.data.set(cheap([n], 2).data);
    const [a0, b0] = [jsBackend.copy(a!, 'float32'), jsBackend.copy(b!, 'float32')];
    const cases: [string, () => NDArray, () => NDArray][] = [
      ['binary', () => be.binary('mul', a!, b!, 'float32', out), () => jsBackend.binary('mul', a0, b0, 'float32')],
      ['unary', () => be.unary('neg', a!, 'float32', out), () => jsBackend.unary('neg', a0, 'float32')],
      ['unary', () => be.unary('exp', a!, 'float32', out), () => jsBackend.unary('exp', a0, 'float32')],
      ['clamp', () => be.clamp(a!, -1, 0.5, 'float32', out), () => jsBackend.clamp(a0, -1, 0.5, 'float32')],
      ['activationGrad', () => be.activationGrad('tanh', a!, b!, out), () => jsBackend.activationGrad('tanh', a0, b0)],
    ];
    for (const [kernel, run, reference] of cases) {
      const before = calls[kernel] ?? 0;
      expect(memory.withoutGrowth(run) === out, 'out itself is returned').toBe(true);
      expect(calls[kernel] ?? 0, `${kernel} went to the fallback`).toBe(before);
      expect(firstDifference(elementBytes(out!), elementBytes(reference()))).toBe(-1);
    }
    expect(block.buffer() === buffer, 'the memory grew').toBe(true);
    // the same call on ordinary copies needs the memory to grow: the fallback
    const before = calls.binary ?? 0;
    memory.withoutGrowth(() => be.binary('mul', a0, b0, 'float32'));
    expect(calls.binary ?? 0).toBe(before + 1);
    block.free();
  });
});

describe('what the backend retains', () => {
  it('allocate refuses more than the backend retains, without growing the memory; small blocks still come', () => {
    const be = createWasmBackend(jsBackend, { threads: 1, retainBytes: 8 * MiB });
    const memory = residentMemory(be)!;
    const small = memory.allocate(4096)!;
    const buffer = small.buffer();
    expect(memory.allocate(16 * MiB)).toBeUndefined();
    expect(small.buffer() === buffer, 'the memory grew').toBe(true);
    const again = memory.allocate(4096)!;
    expect(gone(again)).toBe(false);
    expect(again.byteOffset).toBeGreaterThanOrEqual(small.byteOffset + small.bytes);
    // the most one call has used counts too: blocks leave room for it within retainBytes
    const n = 5 * 2 ** 16; // a call of 3 × 4n bytes = 3.75 MiB (within retainBytes)
    be.binary('add', cheap([n]), cheap([n], 1), 'float32');
    expect(memory.allocate(6 * MiB)).toBeUndefined(); // 6 MiB + the call's 3.75 MiB > 8 MiB
    const fits = memory.allocate(2 * MiB);
    expect(fits !== undefined && !gone(fits)).toBe(true);
    for (const x of [small, again, fits!]) x.free();
  });

  it('allocate refuses a block from a heap about to be replaced (past retainBytes), and gives one after', async () => {
    const be = createWasmBackend(jsBackend, { threads: 1, retainBytes: 8 * MiB });
    const memory = residentMemory(be)!;
    const big = memory.allocate(6 * MiB)!;
    const n = 2 ** 18; // 3 MiB operands: past 8 MiB with the block
    be.binary('add', cheap([n]), cheap([n], 1), 'float32');
    big.free();
    expect(memory.allocate(MiB)).toBeUndefined(); // it would go when the event loop turns
    await new Promise((r) => setTimeout(r, 5));
    const fresh = memory.allocate(MiB)!;
    expect(gone(fresh)).toBe(false);
    await new Promise((r) => setTimeout(r, 5));
    expect(gone(fresh)).toBe(false);
    fresh.free();
  });

  it('a heap replaced for growing past retainBytes takes its blocks; new ones come from the new heap', async () => {
    const be = createWasmBackend(jsBackend, { threads: 1, retainBytes: 2 * MiB });
    const memory = residentMemory(be)!;
    const old = memory.allocate(4096)!;
    fillPattern(old, 7);
    const n = 2 ** 19; // 6 MiB of operands, past retainBytes
    const x = cheap([n]),
      y = cheap([n], 1);
    const got = be.binary('add', x, y, 'float32');
    expect(firstDifference(elementBytes(got), elementBytes(jsBackend.binary('add', x, y, 'float32')))).toBe(-1);
    // until the event loop turns, the grown heap (and the block) are still there
    expect(patternBroken(old, 7)).toBe(-1);
    const grown = old.buffer();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(gone(old), 'the old block is gone').toBe(true);
    const fresh = memory.allocate(4096)!;
    expect(fresh).toBeDefined();
    expect(gone(fresh)).toBe(false);
    expect(fresh.buffer() !== grown, 'a new heap').toBe(true);
    expect(fresh.buffer()!.byteLength).toBeLessThanOrEqual(2 * MiB);
    old.free(); // of the old heap: changes nothing in the new one
    expect(gone(fresh)).toBe(false);
    const next = memory.allocate(4096)!;
    expect(next.byteOffset).toBeGreaterThanOrEqual(fresh.byteOffset + fresh.bytes);
    // and the kernels read the new heap's blocks in place
    const data = new Float32Array(fresh.buffer()!, fresh.byteOffset, 1024);
    data.set(cheap([1024], 4).data);
    const r = new NDArray(data, [1024]);
    const neg = be.unary('neg', r, 'float32', r);
    expect(neg === r, 'out itself is returned').toBe(true);
    expect(firstDifference(elementBytes(r), elementBytes(jsBackend.unary('neg', cheap([1024], 4), 'float32')))).toBe(
      -1,
    );
    fresh.free();
    next.free();
  });
});
