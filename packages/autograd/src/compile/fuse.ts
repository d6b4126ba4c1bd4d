/**
 * Elementwise fusion for plans: a run of consecutive float `unary`, `binary` and `activationGrad`
 * kernel calls over one output shape becomes one loop that reads each operand once per element,
 * keeps the intermediates in registers, and writes only the results something else reads (a later
 * kernel, the function's outputs, a `.grad`, carried state, storage the call did not make). Each
 * op is applied with its scalar definition (the tensor package's SCALAR_UNARY, SCALAR_BINARY and
 * SCALAR_ACTIVATION_GRAD, which every backend's kernels agree with to the bit) and rounded to
 * float32 after every op where the unfused kernels store a float32 result, so nothing is
 * reordered and a fused replay gives the unfused bits exactly. The loop is generated once per group
 * (`new Function`); where the runtime forbids that (a strict Content Security Policy), the kernels
 * run unfused.
 */
import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import { OUT_SLOT, type TapeCall } from './recorder.js';

type Storage = NDArray['data'];
type Fn = (...xs: number[]) => number;

/**
 * The most elements a fused loop runs over, by backend. A JavaScript loop beats the reference
 * backend's one loop per kernel at every size measured (300 to 30,000 elements: 1.1–4x). Against
 * the wasm SIMD kernels it wins only on small arrays, where each kernel's fixed cost dominates:
 * 1.1–2.2x faster at 300 elements, 0.6–0.8x at 1,000 (bench of add+relu, add+sigmoid,
 * sub+square+mul chains; see the autograd README), so wasm plans fuse up to 512 elements.
 */
export function maxFusedElements(backendName: string): number {
  return backendName.startsWith('wasm') ? 512 : Number.POSITIVE_INFINITY;
}

/** One fusable call: its scalar function, its operand views, and its fresh contiguous result. */
interface Member {
  readonly fn: Fn;
  readonly operands: readonly NDArray[];
  readonly result: NDArray;
}

/** A fused run of calls [start, end) and the step that replaces them. */
export interface FusedRun {
  readonly start: number;
  readonly end: number;
  readonly step: () => void;
}

const OPERANDS = { unary: [1], binary: [1, 2], activationGrad: [1, 2] } as const;

/**
 * The call as a fusion member, or undefined when it is not a float elementwise kernel whose
 * operands have its result's shape and dtype (the result is fresh, or the `out` it was given).
 */
function memberOf(call: TapeCall): Member | undefined {
  const { method, args, result } = call;
  if (method !== 'unary' && method !== 'binary' && method !== 'activationGrad') return undefined;
  if (!(result instanceof T.NDArray) || !result.isContiguous) return undefined;
  const out = OUT_SLOT[method] === undefined ? undefined : args[OUT_SLOT[method]!];
  if (out !== undefined && out !== result) return undefined;
  const dtype = result.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') return undefined;
  const operands = OPERANDS[method].map((k) => args[k]) as NDArray[];
  if (operands.some((x) => !(x instanceof T.NDArray) || x.dtype !== dtype || !T.shapesEqual(x.shape, result.shape)))
    return undefined;
  const fn =
    method === 'activationGrad'
      ? (T.SCALAR_ACTIVATION_GRAD as Readonly<Record<string, Record<'float32' | 'float64', Fn>>>)[args[0] as string]?.[
          dtype
        ]
      : ((method === 'unary' ? T.SCALAR_UNARY : T.SCALAR_BINARY) as Readonly<Record<string, Fn>>)[args[0] as string];
  return fn === undefined ? undefined : { fn, operands, result };
}

/** Whether `x` is `r` itself as the loop writes it: same storage, offset and row-major layout. */
function sameView(x: NDArray, r: NDArray): boolean {
  return x.data === r.data && x.offset === r.offset && x.isContiguous;
}

/**
 * Whether `m` can join `members`: every operand or result of the group that shares storage with a
 * result of the group is that result's own view, so each element is read and written at its own
 * index (in-place members included) and the loop's order of elements cannot matter.
 */
function joins(members: readonly Member[], m: Member): boolean {
  const all = [...members, m];
  for (const a of all) {
    for (const x of a.operands)
      for (const b of all) if (x.data === b.result.data && !sameView(x, b.result)) return false;
    // two members writing one storage write the same elements (else a skipped write could matter)
    for (const b of all) if (a.result.data === b.result.data && !sameView(a.result, b.result)) return false;
  }
  return true;
}

/**
 * The runs of `calls` to fuse, each with its step. `needed(data, start, end)` says whether a result
 * storage is read outside calls [start, end) or handed out (then the loop writes it).
 */
export function fuseElementwise(
  calls: readonly TapeCall[],
  needed: (data: Storage, start: number, end: number) => boolean,
  maxElements: number,
): FusedRun[] {
  const runs: FusedRun[] = [];
  let i = 0;
  while (i < calls.length) {
    const first = memberOf(calls[i]!);
    if (first === undefined || first.result.size > maxElements || !joins([], first)) {
      i++;
      continue;
    }
    const members = [first];
    let j = i + 1;
    for (; j < calls.length; j++) {
      const m = memberOf(calls[j]!);
      if (
        m === undefined ||
        m.result.dtype !== first.result.dtype ||
        !T.shapesEqual(m.result.shape, first.result.shape)
      )
        break;
      if (!joins(members, m)) break;
      members.push(m);
    }
    if (members.length >= 2) {
      const step = fusedStep(members, (r) => needed(r.data, i, j));
      if (step !== undefined) {
        runs.push({ start: i, end: j, step });
        i = j;
        continue;
      }
    }
    i++;
  }
  return runs;
}

/**
 * The loop of one group: external operands read through per-row offset tables (any strides,
 * broadcasting included), members in order, the needed results written. Undefined where code
 * cannot be generated.
 */
function fusedStep(members: readonly Member[], isNeeded: (r: NDArray) => boolean): (() => void) | undefined {
  const shape = members[0]!.result.shape;
  const f32 = members[0]!.result.dtype === 'float32';
  const cols = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  const rows = cols === 0 ? 0 : members[0]!.result.size / cols;
  const externals: NDArray[] = [];
  const refOf = (x: NDArray, upTo: number): string => {
    for (let k = upTo - 1; k >= 0; k--) if (sameView(x, members[k]!.result)) return `t${k}`;
    let e = externals.indexOf(x);
    if (e < 0) e = externals.push(x) - 1;
    return `x${e}`;
  };
  const body: string[] = [];
  const outs: NDArray[] = [];
  members.forEach((m, k) => {
    const call = `f${k}(${m.operands.map((x) => refOf(x, k)).join(', ')})`;
    body.push(`const t${k} = ${f32 ? `fr(${call})` : call};`);
    if (isNeeded(m.result)) body.push(`o${outs.push(m.result) - 1}[p + c] = t${k};`);
  });
  const loads = externals.map((_, e) => `const x${e} = d${e}[b${e} + c * s${e}];`);
  const bases = externals.map((_, e) => `const b${e} = r${e}[row];`);
  const src = [
    ...externals.map((_, e) => `const d${e} = ext[${e}].data, r${e} = tables[${e}], s${e} = inner[${e}];`),
    ...outs.map((_, o) => `const o${o} = outs[${o}].data, q${o} = outs[${o}].offset;`),
    ...members.map((_, k) => `const f${k} = fns[${k}];`),
    'const fr = Math.fround;',
    `for (let row = 0; row < ${rows}; row++) {`,
    ...bases,
    `  const p = row * ${cols};`,
    `  for (let c = 0; c < ${cols}; c++) {`,
    ...loads,
    ...body,
    '  }',
    '}',
  ];
  // outputs are written at o[q + p + c]: fold the offset into the index
  const code = src.join('\n').replace(/o(\d+)\[p \+ c\]/g, 'o$1[q$1 + p + c]');
  let loop: (ext: NDArray[], tables: Int32Array[], inner: number[], outs: NDArray[], fns: Fn[]) => void;
  try {
    loop = new Function('ext', 'tables', 'inner', 'outs', 'fns', code) as typeof loop;
  } catch {
    return undefined;
  }
  const tables = externals.map((x) => rowOffsets(x, rows));
  const inner = externals.map((x) => (x.ndim === 0 ? 0 : x.strides[x.ndim - 1]!));
  const fns = members.map((m) => m.fn);
  return () => loop(externals, tables, inner, outs, fns);
}

/** The storage index of element (row, 0) of `x` for each row of its [rows, cols] flattening. */
function rowOffsets(x: NDArray, rows: number): Int32Array {
  const table = new Int32Array(rows);
  const nd = x.ndim;
  const idx = new Array<number>(Math.max(0, nd - 1)).fill(0);
  let off = x.offset;
  for (let r = 0; r < rows; r++) {
    table[r] = off;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      off += x.strides[d]!;
      if (idx[d]! < x.shape[d]!) break;
      off -= x.strides[d]! * x.shape[d]!;
      idx[d] = 0;
    }
  }
  return table;
}
