/**
 * The graph under construction: a name for every tensor, the nodes and the initializers. Parameters
 * and buffers become initializers named by their state-dict keys, other constants `const_<n>`.
 */
import type { NDArray } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { OnnxExportError } from './errors.js';
import type { Attr, InitializerSpec, NodeSpec, OnnxDType } from './proto.js';

/** Little-endian bytes of a contiguous copy of `a`, in ONNX's layout for its dtype. */
export function rawBytes(a: NDArray, dtype: OnnxDType = a.dtype as OnnxDType): Uint8Array {
  const data = a.contiguous().data;
  const width = dtype === 'float64' || dtype === 'int64' ? 8 : dtype === 'bool' ? 1 : 4;
  const view = new DataView(new ArrayBuffer(data.length * width));
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (dtype === 'float32') view.setFloat32(4 * i, v, true);
    else if (dtype === 'float64') view.setFloat64(8 * i, v, true);
    else if (dtype === 'int32') view.setInt32(4 * i, v, true);
    else if (dtype === 'int64') view.setBigInt64(8 * i, BigInt(v), true);
    else view.setUint8(i, v === 0 ? 0 : 1);
  }
  return new Uint8Array(view.buffer);
}

/**
 * Nodes, initializers and tensor names of the graph being built; the emitters write through it.
 * @example
 * ```ts
 * import { GraphBuilder } from '@chainrule/onnx';
 * const b = new GraphBuilder(17, new Map());
 * const y = b.node('Relu', ['x']); // 'relu'
 * b.nodes.length; // 1
 * ```
 */
export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: InitializerSpec[] = [];
  private readonly names = new Map<Tensor, string>();
  private readonly used = new Set<string>();
  private counter = 0;

  /**
   * @param opset the opset the nodes are written for
   * @param stateNames parameters and buffers, each with its state-dict key
   */
  constructor(
    readonly opset: number,
    private readonly stateNames: ReadonlyMap<Tensor, string>,
  ) {}

  /** A name no other value has, from `prefix`. */
  fresh(prefix: string): string {
    let name = prefix;
    while (this.used.has(name)) name = `${prefix}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Gives `t` the name `name` (a graph input, or an op's output that is another value: an alias). */
  bind(t: Tensor, name: string): void {
    this.names.set(t, name);
    this.used.add(name);
  }

  /** Whether `t` already has a name (made by an earlier op, an input, or an initializer). */
  has(t: Tensor): boolean {
    return this.names.has(t);
  }

  /** Whether `t` is a parameter or buffer of the model. */
  isState(t: Tensor): boolean {
    return this.stateNames.has(t);
  }

  /** The name of `t`: an earlier value's, else a new initializer (named by its state-dict key if it has one). */
  nameOf(t: Tensor): string {
    const known = this.names.get(t);
    if (known !== undefined) return known;
    const name = this.fresh(this.stateNames.get(t) ?? 'const');
    this.addInitializer(name, t.value);
    this.names.set(t, name);
    return name;
  }

  /** Adds an initializer holding `a` (cast to `dtype` if given) and returns its name. */
  addInitializer(name: string, a: NDArray, dtype: OnnxDType = a.dtype as OnnxDType): string {
    this.used.add(name);
    this.initializers.push({ name, dtype, dims: [...a.shape], raw: rawBytes(a, dtype) });
    return name;
  }

  /** A 1-D int64 initializer (shapes, axes, pads). */
  int64s(values: readonly number[], prefix = 'shape'): string {
    const name = this.fresh(prefix);
    const view = new DataView(new ArrayBuffer(values.length * 8));
    for (let i = 0; i < values.length; i++) view.setBigInt64(8 * i, BigInt(values[i]!), true);
    this.initializers.push({ name, dtype: 'int64', dims: [values.length], raw: new Uint8Array(view.buffer) });
    return name;
  }

  /** A 0-d initializer holding `value` in `dtype`. */
  scalar(value: number, dtype: OnnxDType): string {
    const name = this.fresh('const');
    const width = dtype === 'float64' || dtype === 'int64' ? 8 : dtype === 'bool' ? 1 : 4;
    const view = new DataView(new ArrayBuffer(width));
    if (dtype === 'float32') view.setFloat32(0, value, true);
    else if (dtype === 'float64') view.setFloat64(0, value, true);
    else if (dtype === 'int32') view.setInt32(0, value, true);
    else if (dtype === 'int64') view.setBigInt64(0, BigInt(value), true);
    else view.setUint8(0, value === 0 ? 0 : 1);
    this.initializers.push({ name, dtype, dims: [], raw: new Uint8Array(view.buffer) });
    return name;
  }

  /** Adds a node and returns its output names (`outputs` given, or one fresh name from the op type). */
  node(opType: string, inputs: readonly string[], attributes: Record<string, Attr> = {}, outputs?: string[]): string {
    const outs = outputs ?? [this.fresh(opType.toLowerCase())];
    this.nodes.push({ opType, inputs, outputs: outs, name: this.fresh(`${opType}_node`), attributes });
    return outs[0]!;
  }

  /** Adds a node whose output is `t` (named now). */
  emit(t: Tensor, opType: string, inputs: readonly string[], attributes: Record<string, Attr> = {}): void {
    const name = this.fresh(opType.toLowerCase());
    this.node(opType, inputs, attributes, [name]);
    this.names.set(t, name);
  }

  /** Throws unless the opset is at least `min`. */
  requireOpset(op: string, min: number, what: string): void {
    if (this.opset < min) throw new OnnxExportError(op, `${what} needs opset ${min} or later, got opset ${this.opset}`);
  }
}
