// Checks the wasm float32 sigmoid and tanh (assembly/f32-activations.ts: a short polynomial, kept
// where its result rounds to one float32 with a margin of 2^-40) against the fdlibm path on every
// float32 input: the float32 kernel's bits must equal the float64 kernel's result (fdlibm, the bits
// of Math.tanh and of scalar-math.ts's sigmoid) rounded to float32, NaN for NaN. Also counts the
// inputs whose value lies within the margin of a rounding boundary (those blocks take the scalar
// ports). Run after `npm run build`, for one to two minutes per op (sigmoid about one, tanh two):
//   node packages/tensor/scripts/check-f32-activations.mjs [tanh|sigmoid ...] [--chunks N]
// (--chunks N: only the first N of the 4096 chunks of 2^20 inputs, spread over the whole range).
import { UNARY_CODES } from '../dist/backends/wasm/ops.js';
import { WasmHeap } from '../dist/backends/wasm/runtime.js';

const args = process.argv.slice(2);
const at = args.indexOf('--chunks');
const chunks = at >= 0 ? Number(args[at + 1]) : 4096;
const ops = args.filter((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1));
const CHUNK = 1 << 20;
const DOWN = 1 - 2 ** -40;
const UP = 1 + 2 ** -40;

const heap = new WasmHeap(false, 0);
const ex = heap.exports;
const scratch = heap.alloc(ex.unaryMathScratchBytes());
const in32 = heap.alloc(CHUNK * 4);
const out32 = heap.alloc(CHUNK * 4);
const in64 = heap.alloc(CHUNK * 8);
const out64 = heap.alloc(CHUNK * 8);
const view = (Type, offset, n) => new Type(heap.memory.buffer, offset, n);

let failed = false;
for (const op of ops.length > 0 ? ops : ['sigmoid', 'tanh']) {
  const code = UNARY_CODES[op];
  if (code === undefined) throw new Error(`unknown op ${op}`);
  const started = Date.now();
  let mismatches = 0;
  let near = 0;
  let checked = 0;
  const want = new Float32Array(CHUNK);
  const wantBits = new Uint32Array(want.buffer);
  for (let c = 0; c < chunks; c++) {
    // chunk c of 4096; with --chunks, spread the chunks over the whole range
    const first = (chunks === 4096 ? c : Math.floor((c * 4096) / chunks)) * CHUNK;
    const bits = view(Uint32Array, in32, CHUNK);
    for (let i = 0; i < CHUNK; i++) bits[i] = first + i;
    view(Float64Array, in64, CHUNK).set(view(Float32Array, in32, CHUNK));
    ex.unaryMath_f32(code, CHUNK, in32, out32, scratch);
    ex.unaryMath_f64(code, CHUNK, in64, out64, scratch);
    const y64 = view(Float64Array, out64, CHUNK);
    want.set(y64);
    const got = view(Uint32Array, out32, CHUNK);
    const gotF = view(Float32Array, out32, CHUNK);
    for (let i = 0; i < CHUNK; i++) {
      if (got[i] !== wantBits[i] && !(Number.isNaN(gotF[i]) && Number.isNaN(want[i]))) {
        if (mismatches++ < 10) {
          const x = view(Float32Array, in32, CHUNK)[i];
          console.log(`${op}(${x}) [0x${(first + i).toString(16)}]: got ${gotF[i]}, want ${want[i]} (f64 ${y64[i]})`);
        }
      }
      const y = Math.abs(y64[i]);
      if (!Number.isNaN(y) && Math.fround(y * DOWN) !== Math.fround(y * UP)) near++;
    }
    checked += CHUNK;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const oneIn = Math.round(checked / Math.max(near, 1));
  console.log(`${op}: ${checked} float32 inputs, ${mismatches} mismatches; ${seconds} s`);
  console.log(`  ${near} (1 in ${oneIn}) within 2^-40 of a rounding boundary (NaN left out)`);
  if (mismatches > 0) failed = true;
}
process.exit(failed ? 1 : 0);
