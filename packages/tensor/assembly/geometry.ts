// The window geometry block the TypeScript side writes (src/backends/wasm/conv.ts, writeGeometry),
// read in place: 18 i32 words (n, channels, height, width; four element strides of the strided
// operand; kernel, stride, padding, dilation and output size, each (h, w)), then a kernel's own
// extra words after them (assembly/max-pool.ts: more strides).

/** The block's first 18 words, field by field in their order (an unmanaged view: no allocation). */
@unmanaged
export class Geometry {
  n: i32; c: i32; h: i32; w: i32;
  s0: i32; s1: i32; s2: i32; s3: i32;
  kh: i32; kw: i32; sh: i32; sw: i32;
  ph: i32; pw: i32; dh: i32; dw: i32;
  outH: i32; outW: i32;
}

/** Byte offset of the first extra word. */
export const GEOMETRY_BYTES: usize = 72;
