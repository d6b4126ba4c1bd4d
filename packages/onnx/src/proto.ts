/**
 * The ONNX protobuf schema and the encoding of a model. The schema is the official onnx.proto
 * (proto/onnx.proto, copied unchanged from the onnx project), read with protobufjs.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** ONNX's TensorProto.DataType codes of the dtypes chainrule has (and int64, for shapes and axes). */
export const ONNX_DTYPE = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 } as const;

/** A dtype an exported tensor may have. */
export type OnnxDType = keyof typeof ONNX_DTYPE;

/** An attribute value, tagged with its ONNX kind. */
export type Attr =
  | { readonly f: number }
  | { readonly i: number }
  | { readonly s: string }
  | { readonly floats: readonly number[] }
  | { readonly ints: readonly number[] }
  | { readonly strings: readonly string[] };

/** One node of the graph. */
export interface NodeSpec {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly attributes: Readonly<Record<string, Attr>>;
}

/** A named constant tensor (an initializer): little-endian bytes of `dtype`. */
export interface InitializerSpec {
  readonly name: string;
  readonly dtype: OnnxDType;
  readonly dims: readonly number[];
  readonly raw: Uint8Array;
}

/** A graph input or output: its dtype and dims (a string names a symbolic dim). */
export interface ValueSpec {
  readonly name: string;
  readonly dtype: OnnxDType;
  readonly dims: readonly (number | string)[];
}

/** Everything `encodeOnnxModel` writes. */
export interface ModelSpec {
  readonly opset: number;
  readonly producerVersion: string;
  readonly graphName: string;
  readonly nodes: readonly NodeSpec[];
  readonly initializers: readonly InitializerSpec[];
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
}

const ATTR_TYPE = { f: 1, i: 2, s: 3, floats: 6, ints: 7, strings: 8 } as const;

let root: protobuf.Root | null = null;

/** The parsed schema (read once; proto/ sits beside src/ and dist/). */
export function onnxSchema(): protobuf.Root {
  root ??= protobuf.loadSync(fileURLToPath(new URL('../proto/onnx.proto', import.meta.url)));
  return root;
}

function attribute(name: string, value: Attr): Record<string, unknown> {
  const kind = Object.keys(value)[0] as keyof typeof ATTR_TYPE;
  const v = (value as Record<string, unknown>)[kind];
  const text = (t: string): Uint8Array => new TextEncoder().encode(t);
  const encoded = kind === 's' ? text(v as string) : kind === 'strings' ? (v as string[]).map(text) : v;
  return { name, type: ATTR_TYPE[kind], [kind]: encoded };
}

function valueInfo(v: ValueSpec): Record<string, unknown> {
  const dim = v.dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name: v.name, type: { tensorType: { elemType: ONNX_DTYPE[v.dtype], shape: { dim } } } };
}

/**
 * The ONNX ModelProto bytes of `spec` (IR version 8, which every opset from 13 to 17 reads).
 * @example
 * ```ts
 * import { encodeOnnxModel } from '@chainrule/onnx';
 * const x = { name: 'x', dtype: 'float32', dims: [2] } as const;
 * const node = { opType: 'Relu', inputs: ['x'], outputs: ['y'], name: 'relu', attributes: {} };
 * encodeOnnxModel({ opset: 17, producerVersion: '0.1.0', graphName: 'g', nodes: [node], initializers: [],
 *   inputs: [x], outputs: [{ ...x, name: 'y' }] }).length > 0; // true
 * ```
 */
export function encodeOnnxModel(spec: ModelSpec): Uint8Array {
  const Model = onnxSchema().lookupType('onnx.ModelProto');
  const message = Model.fromObject({
    irVersion: spec.opset >= 19 ? 9 : 8,
    opsetImport: [{ domain: '', version: spec.opset }],
    producerName: 'chainrule',
    producerVersion: spec.producerVersion,
    graph: {
      name: spec.graphName,
      node: spec.nodes.map((n) => ({
        opType: n.opType,
        input: n.inputs,
        output: n.outputs,
        name: n.name,
        attribute: Object.entries(n.attributes).map(([k, v]) => attribute(k, v)),
      })),
      initializer: spec.initializers.map((t) => ({
        name: t.name,
        dataType: ONNX_DTYPE[t.dtype],
        dims: t.dims,
        rawData: t.raw,
      })),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
  });
  return Model.encode(message).finish();
}
