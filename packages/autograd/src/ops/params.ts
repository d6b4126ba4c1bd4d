/**
 * The parameters each recorded op carries besides its tensor inputs. The keys of this map are
 * the op names: the rule table must have an entry for every one (a compile-time check).
 */
type None = Record<string, never>;

export interface OpParams {
  // unary, differentiable
  neg: None; abs: None; exp: None; log: None; log1p: None; expm1: None; sqrt: None; square: None;
  reciprocal: None; sin: None; cos: None; tanh: None; sigmoid: None; relu: None; erf: None; softplus: None;
  clamp: { min: number; max: number };
  cast: { dtype: import('@chainrule/tensor').DType };
  // binary
  add: None; sub: None; mul: None; div: None; pow: None; maximum: None; minimum: None;
  where: None;
  // reductions
  sum: { axes: number[]; keepDims: boolean };
  max: { axes: number[]; keepDims: boolean };
  min: { axes: number[]; keepDims: boolean };
  prod: { axes: number[]; keepDims: boolean };
  // linear algebra
  matmul: None;
  /** y = x·Wᵀ + b: inputs [x, W] or [x, W, b] */
  linear: None;
  // shape and data movement
  reshape: { shape: number[] };
  permute: { order: number[] };
  expand: { shape: number[] };
  slice: { axis: number; start: number; stop: number; step: number };
  sliceBackward: { shape: number[]; axis: number; start: number; stop: number; step: number };
  concat: { axis: number };
  gather: { axis: number };
  scatterAdd: { shape: number[]; axis: number };
  // non-differentiable: results never require grad
  sign: None; floor: None; ceil: None; round: None;
  eq: None; ne: None; lt: None; le: None; gt: None; ge: None;
  argmax: { axis: number | undefined; keepDims: boolean };
  argmin: { axis: number | undefined; keepDims: boolean };
  // user-defined (customOp)
  custom: import('../custom-op.js').CustomParams;
  // sliding windows (conv2d and pooling): im2col and its adjoint col2im
  unfold: { options: import('@chainrule/tensor').ConvOptions; padValue: number };
  fold: { outputSize: [number, number]; options: import('@chainrule/tensor').ConvOptions };
}

export type OpName = keyof OpParams;
