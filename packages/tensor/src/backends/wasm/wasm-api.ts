// The slice of the WebAssembly JS API this backend uses, typed locally: the project compiles
// without the DOM lib, and @types/node 20 does not declare `WebAssembly`.

/** A compiled module (opaque). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** A linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

export interface WasmMemoryDescriptor {
  initial: number;
  maximum?: number;
  shared?: boolean;
}

export interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: WasmMemoryDescriptor) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

/** The runtime's WebAssembly object, if it has one. */
export function wasmApi(): WasmApi | undefined {
  const w = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof w === 'object' && w !== null ? w : undefined;
}

/** The runtime's WebAssembly object; throws if there is none. */
export function requireWasm(): WasmApi {
  const w = wasmApi();
  if (w === undefined) throw new Error('chainrule wasm backend: this runtime has no WebAssembly');
  return w;
}
