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
