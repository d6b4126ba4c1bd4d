/**
 * Decoding an ONNX ModelProto (protobufjs and the official onnx.proto) into plain graph data with
 * tensors as NDArrays. Every failure is an OnnxImportError.
 */
import { type DType, NDArray } from '@chainrule/tensor';
import { OnnxImportError } from './errors.js';
import { onnxSchema } from './proto.js';

/** An attribute's value, decoded. */
export type ImportAttr = number | string | readonly number[] | readonly string[] | NDArray;

/** One node of a decoded graph. */
export interface ImportNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, ImportAttr>;
}

/** A decoded model: the default-domain opset, the nodes in order, initializers, input and output names. */
export interface ImportGraph {
  readonly opset: number;
  readonly nodes: readonly ImportNode[];
  readonly initializers: ReadonlyMap<string, NDArray>;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

type Obj = Record<string, unknown>;

const ELEMENT: Record<number, { dtype: DType; bytes: number; field: string }> = {
  1: { dtype: 'float32', bytes: 4, field: 'floatData' },
  6: { dtype: 'int32', bytes: 4, field: 'int32Data' },
  7: { dtype: 'int32', bytes: 8, field: 'int64Data' }, // int64 read into int32 (shapes, axes, indices)
  9: { dtype: 'bool', bytes: 1, field: 'int32Data' },
  11: { dtype: 'float64', bytes: 8, field: 'doubleData' },
};
const INT32_MAX = 2 ** 31 - 1;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A TensorProto as an NDArray (int64 clamped into int32's range: INT64_MAX as a slice end stays "to the end"). */
export function decodeTensor(t: Obj, where: string): NDArray {
  const code = Number(t.dataType ?? 0);
  const kind = ELEMENT[code];
  if (kind === undefined)
    throw new OnnxImportError(where, `tensor data type ${code} is not supported (float, double, int32, int64, bool)`);
  const dims = list(t.dims).map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new OnnxImportError(where, `bad dims [${dims.join(', ')}]`);
  const n = dims.reduce((a, b) => a * b, 1);
  if (t.dataLocation === 1) throw new OnnxImportError(where, 'external data is not supported');
  const raw = t.rawData instanceof Uint8Array ? t.rawData : null;
  const values = raw !== null && raw.length > 0 ? null : list(t[kind.field]);
  const have = values === null ? raw!.length / kind.bytes : values.length;
  if (have !== n)
    throw new OnnxImportError(where, `dims [${dims.join(', ')}] need ${n} values, the tensor holds ${have}`);
  const out =
    kind.dtype === 'float32'
      ? new Float32Array(n)
      : kind.dtype === 'float64'
        ? new Float64Array(n)
        : kind.dtype === 'bool'
          ? new Uint8Array(n)
          : new Int32Array(n);
  if (values !== null) {
    for (let i = 0; i < n; i++) out[i] = clampInt(code, Number(values[i]));
  } else {
    const view = new DataView(raw!.buffer, raw!.byteOffset, raw!.byteLength);
    for (let i = 0; i < n; i++) {
      const o = i * kind.bytes;
      out[i] =
        code === 1
          ? view.getFloat32(o, true)
          : code === 11
            ? view.getFloat64(o, true)
            : code === 7
              ? clampInt(7, Number(view.getBigInt64(o, true)))
              : code === 9
                ? view.getUint8(o)
                : view.getInt32(o, true);
    }
  }
  return new NDArray(out, dims);
}

function clampInt(code: number, v: number): number {
  return code === 7 ? Math.max(-INT32_MAX - 1, Math.min(INT32_MAX, v)) : v;
}

function decodeAttr(a: Obj, where: string): ImportAttr {
  const text = (b: unknown): string => (b instanceof Uint8Array ? new TextDecoder().decode(b) : '');
  switch (Number(a.type ?? 0)) {
    case 1:
      return Number(a.f ?? 0);
    case 2:
      return Number(a.i ?? 0);
    case 3:
      return text(a.s);
    case 4:
      return decodeTensor((a.t ?? {}) as Obj, `${where}, attribute '${str(a.name)}'`);
    case 6:
      return list(a.floats).map(Number);
    case 7:
      return list(a.ints).map(Number);
    case 8:
      return list(a.strings).map(text);
    default:
      throw new OnnxImportError(where, `attribute '${str(a.name)}' has type ${String(a.type)}, not supported`);
  }
}

/**
 * Decodes ModelProto bytes into an ImportGraph.
 * @example
 * ```ts
 * import { decodeOnnxModel } from '@chainrule/onnx';
 * try { decodeOnnxModel(new Uint8Array([0xff, 0xff])); } catch (e) { (e as Error).name; } // 'OnnxImportError'
 * ```
 */
export function decodeOnnxModel(bytes: Uint8Array): ImportGraph {
  if (!(bytes instanceof Uint8Array))
    throw new OnnxImportError('decode', 'expected the bytes of an .onnx file (a Uint8Array)');
  const Model = onnxSchema().lookupType('onnx.ModelProto');
  let m: Obj;
  try {
    m = Model.toObject(Model.decode(bytes), { longs: Number, defaults: false }) as Obj;
  } catch (e) {
    throw new OnnxImportError('decode', `not a valid ONNX ModelProto (${(e as Error).message})`);
  }
  const g = m.graph as Obj | undefined;
  if (g === undefined) throw new OnnxImportError('decode', 'the model has no graph');
  const opsetEntry = list(m.opsetImport).find(
    (o) => str((o as Obj).domain) === '' || str((o as Obj).domain) === 'ai.onnx',
  );
  const opset = Number((opsetEntry as Obj | undefined)?.version ?? 0);
  if (!(opset >= 1)) throw new OnnxImportError('decode', 'the model imports no default-domain (ai.onnx) opset');
  const initializers = new Map<string, NDArray>();
  for (const t of list(g.initializer))
    initializers.set(str((t as Obj).name), decodeTensor(t as Obj, `initializer '${str((t as Obj).name)}'`));
  const nodes = list(g.node).map((raw, k): ImportNode => {
    const n = raw as Obj;
    const name = str(n.name) || `#${k}`;
    const opType = str(n.opType);
    const where = `node '${name}' (${opType}, opset ${opset})`;
    const attributes = new Map<string, ImportAttr>();
    for (const a of list(n.attribute)) attributes.set(str((a as Obj).name), decodeAttr(a as Obj, where));
    return {
      name,
      opType,
      domain: str(n.domain),
      inputs: list(n.input).map(str),
      outputs: list(n.output).map(str),
      attributes,
    };
  });
  const names = (v: unknown): string[] => list(v).map((x) => str((x as Obj).name));
  const inputs = names(g.input).filter((x) => !initializers.has(x));
  return { opset, nodes, initializers, inputs, outputs: names(g.output) };
}
