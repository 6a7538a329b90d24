/**
 * The WebAssembly API as far as the kernels use it (this project compiles without the DOM's
 * types), and their modules compiled once from the bytes scripts/build-wasm.ts embeds.
 */

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports?: object) => { readonly exports: unknown };
  readonly Memory: new (descriptor: { initial: number }) => WasmMemory;
}

/** The engine's WebAssembly (undefined where it has none: every use below is inside a try). */
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * A function that gives the module of the base64 bytes, compiled on its first call, or null
 * where the engine refuses it (no WebAssembly, or a feature the module needs, such as SIMD):
 * each kernel's caller then runs its JavaScript loop, to the same bits.
 */
export function moduleOnce(base64: string): () => object | null {
  let compiled: object | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = new wasm.Module(Buffer.from(base64, 'base64'));
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}

/** Grows `memory` by whole 64 KiB pages until it holds at least `bytes`; returns its (possibly new) buffer. */
export function growTo(memory: WasmMemory, bytes: number): ArrayBuffer {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
  return memory.buffer;
}
