/**
 * @chainrule/onnx: export chainrule models to ONNX, to run them with ONNX Runtime (or any other
 * ONNX runtime) on bigger machines, and import ONNX models (`loadOnnx`) as trainable modules.
 * @example
 * ```ts
 * import { randn } from '@chainrule/autograd';
 * import { Linear } from '@chainrule/nn';
 * import { toOnnx } from '@chainrule/onnx';
 * const bytes = toOnnx(new Linear(4, 2), randn([1, 4]), { dynamicAxes: { input: { 0: 'batch' } } });
 * ```
 */
export { toOnnx, type OnnxExportOptions, type DynamicAxes } from './export.js';
export { saveOnnx } from './file.js';
export { OnnxExportError } from './errors.js';
export { OP_EMITTERS, type OpEmitter } from './emit-ops.js';
export { MODULE_EMITTERS, moduleEmitter, type ModuleEmitter } from './emit-modules.js';
export { traceModel, type Trace, type Step, type OpStep, type ModuleStep } from './trace.js';
export {
  encodeOnnxModel,
  ONNX_DTYPE,
  type ModelSpec,
  type NodeSpec,
  type InitializerSpec,
  type ValueSpec,
  type Attr,
} from './proto.js';
export { EmitContext } from './context.js';
export { GraphBuilder } from './builder.js';
export { loadOnnx, OnnxModule } from './import.js';
export { decodeOnnxModel, type ImportGraph, type ImportNode, type ImportAttr } from './import-decode.js';
export { IMPORT_OPS } from './import-ops.js';
export type { OnnxOp, OpContext } from './import-context.js';
export { OnnxImportError } from './errors.js';
