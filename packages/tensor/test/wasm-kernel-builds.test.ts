// The wasm kernels ship one build per variant (kernels-simd / kernels-relaxed .generated.ts), each
// importing a shared memory; runtime.ts derives the plain-memory binary by setting one byte, the
// memory import's limits flags. Both binaries must validate and differ in that byte only.
import { describe, expect, it } from 'vitest';
import {
  MEMORY_FLAGS_OFFSET,
  PLAIN_MEMORY_FLAGS,
  SHARED_MEMORY_FLAGS,
} from '../src/backends/wasm/kernels-meta.generated.js';
import { kernelBytes } from '../src/backends/wasm/runtime.js';
import { wasmApi } from '../src/backends/wasm/wasm-api.js';

describe('wasm kernel binaries', () => {
  it('the plain binary is the shared one with the memory flags set to a plain memory', () => {
    const shared = kernelBytes(true);
    const plain = kernelBytes(false);
    expect(plain.length).toBe(shared.length);
    const diff = [...shared.keys()].filter((i) => shared[i] !== plain[i]);
    expect(diff).toEqual([MEMORY_FLAGS_OFFSET]);
    expect(shared[MEMORY_FLAGS_OFFSET]).toBe(SHARED_MEMORY_FLAGS);
    expect(plain[MEMORY_FLAGS_OFFSET]).toBe(PLAIN_MEMORY_FLAGS);
    expect(wasmApi()!.validate(plain)).toBe(true);
    expect(wasmApi()!.validate(shared)).toBe(true);
  });

  it('each call gives a fresh copy (patching one never changes the other)', () => {
    const a = kernelBytes(false);
    expect(kernelBytes(true)[MEMORY_FLAGS_OFFSET]).toBe(SHARED_MEMORY_FLAGS);
    expect(a).not.toBe(kernelBytes(false));
  });
});
