/** The error of an export that cannot be done: it names the op (or layer) and where it is in the model. */
export class OnnxExportError extends Error {
  override readonly name = 'OnnxExportError';
  /**
   * @param op the op record's or layer's name (`'unfold'`, `'Conv2d'`, `'toOnnx'`)
   * @param detail what is wrong and what is expected
   * @example
   * ```ts
   * import { OnnxExportError } from '@chainrule/onnx';
   * new OnnxExportError('custom', 'no ONNX form').message; // 'custom: no ONNX form'
   * ```
   */
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: ${detail}`);
  }
}

/**
 * The error of an ONNX file that cannot be imported: a malformed file, or a node whose operator (or
 * attribute) chainrule does not run. It names the node, its op type and the model's opset where there is one.
 */
export class OnnxImportError extends Error {
  override readonly name = 'OnnxImportError';
  /**
   * @param where the node (`node 'Conv_3' (Conv, opset 17)`) or the part of the file (`'decode'`)
   * @param detail what is wrong and what is expected
   * @example
   * ```ts
   * import { OnnxImportError } from '@chainrule/onnx';
   * new OnnxImportError('decode', 'not an ONNX ModelProto').message; // 'loadOnnx: decode: not an ONNX ModelProto'
   * ```
   */
  constructor(
    readonly where: string,
    detail: string,
    cause?: Error,
  ) {
    super(`loadOnnx: ${where}: ${detail}`, cause === undefined ? undefined : { cause });
  }
}
