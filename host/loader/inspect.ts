// Says what a byte string is before we try to run it, so a component, a
// wasm64 module or garbage gets one clear line instead of a V8 stack trace.

export type ModuleKind =
  | { kind: 'core'; memory64: boolean; imports: { module: string; name: string }[]; exports: string[] }
  | { kind: 'component' }
  | { kind: 'invalid'; why: string };

export function inspectWasm(bytes: Uint8Array): ModuleKind {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    const text = bytes.subarray(0, 16).toString();
    if (/^\s*\(\s*(module|component)/.test(new TextDecoder().decode(bytes.subarray(0, 64)))) {
      return { kind: 'invalid', why: 'is WebAssembly text (.wat), not a binary module; assemble it first (e.g. wasm-as or wat2wasm)' };
    }
    return { kind: 'invalid', why: `is not a WebAssembly module (no \\0asm magic${text ? '' : ''})` };
  }
  // Version 1 is a core module; components use the layer field (bytes 6-7) = 1.
  if (bytes[6] === 1 && bytes[7] === 0) return { kind: 'component' };
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    return { kind: 'invalid', why: `is a WebAssembly binary of unknown version ${bytes[4]}` };
  }
  let mod: WebAssembly.Module;
  try {
    mod = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    return { kind: 'invalid', why: `is not a valid WebAssembly module: ${(e as Error).message}` };
  }
  return {
    kind: 'core',
    memory64: hasMemory64(bytes),
    imports: WebAssembly.Module.imports(mod).map((i) => ({ module: i.module, name: i.name })),
    exports: WebAssembly.Module.exports(mod).map((e) => e.name),
  };
}

/** Scans the memory and import sections for a limits flag with the memory64 bit. */
function hasMemory64(b: Uint8Array): boolean {
  let i = 8;
  const leb = (): number => {
    let r = 0;
    let s = 0;
    for (;;) {
      const x = b[i++]!;
      r |= (x & 0x7f) << s;
      if (!(x & 0x80)) return r >>> 0;
      s += 7;
    }
  };
  while (i < b.length) {
    const id = b[i++]!;
    const size = leb();
    const end = i + size;
    if (id === 5) {
      const n = leb();
      for (let k = 0; k < n; k++) {
        const flags = leb();
        if (flags & 4) return true;
        leb();
        if (flags & 1) leb();
      }
    }
    i = end;
  }
  return false;
}
