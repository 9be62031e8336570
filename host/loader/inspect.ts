// Says what a byte string is before we try to run it, so a component, a
// wasm64 module or garbage gets one clear line instead of a V8 stack trace.
// For a core module it also reads what the loader checks: each import's and
// export's kind and function type, the memory's limits, the start section,
// and the size of the code (V8 validates the module first; this reader only
// walks sections V8 has accepted).

export type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

export interface FuncType {
  params: string[];
  results: string[];
  /** A known import the loader narrows (kernel/syscall.ts narrowsI64): its i64 parameter becomes two i32s. */
  narrow?: boolean;
}

export interface ImportInfo {
  module: string;
  name: string;
  kind: ExternKind;
  /** For a function import. */
  type?: FuncType;
}

export interface ExportInfo {
  name: string;
  kind: ExternKind;
  /** For a function export. */
  type?: FuncType;
}

export interface CoreModuleInfo {
  kind: 'core';
  memory64: boolean;
  imports: ImportInfo[];
  exports: ExportInfo[];
  /** The first memory (defined or imported), in 64 KiB pages. */
  memory?: { initial: number; maximum?: number };
  /** Functions defined in the module (imports not counted). */
  functions: number;
  /** Has a start section (a function V8 would run during instantiation). */
  start: boolean;
}

export type ModuleKind = CoreModuleInfo | { kind: 'component' } | { kind: 'invalid'; why: string };

export function inspectWasm(bytes: Uint8Array): ModuleKind {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    // Text starts with "(module" or "(component", possibly after ;; comments and blank lines.
    const head = new TextDecoder().decode(bytes.subarray(0, 4096)).replace(/^(\s|;;[^\n]*\n?|\(;[\s\S]*?;\))*/, '');
    if (/^\(\s*(module|component)\b/.test(head)) {
      return { kind: 'invalid', why: 'is WebAssembly text (.wat), not a binary module; assemble it first (e.g. wasm-as or wat2wasm)' };
    }
    return { kind: 'invalid', why: 'is not a WebAssembly module (no \\0asm magic)' };
  }
  // Version 1 is a core module; components use the layer field (bytes 6-7) = 1.
  if (bytes[6] === 1 && bytes[7] === 0) return { kind: 'component' };
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    return { kind: 'invalid', why: `is a WebAssembly binary of unknown version ${bytes[4]}` };
  }
  // validate() checks without compiling (a quarter of the time, on every run's path); only a module it
  // refuses is compiled, for V8's message saying why.
  if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) {
    try {
      new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    } catch (e) {
      return { kind: 'invalid', why: `is not a valid WebAssembly module: ${(e as Error).message.replace(/^WebAssembly\.Module\(\): /, '')}` };
    }
  }
  try {
    return readSections(bytes);
  } catch (e) {
    return { kind: 'invalid', why: `could not be read: ${(e as Error).message}` };
  }
}

/** "(i32, i64) -> i32", "() -> ()". */
export function formatType(t: FuncType): string {
  const results = t.results.length === 1 ? t.results[0]! : `(${t.results.join(', ')})`;
  return `(${t.params.join(', ')}) -> ${results}`;
}

export function sameType(a: FuncType, b: FuncType): boolean {
  return a.params.join() === b.params.join() && a.results.join() === b.results.join();
}

const KINDS: ExternKind[] = ['function', 'table', 'memory', 'global', 'tag'];
const VALTYPES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

function readSections(b: Uint8Array): CoreModuleInfo {
  let i = 8;
  const byte = (): number => {
    if (i >= b.length) throw new Error('unexpected end of module');
    return b[i++]!;
  };
  // Unsigned LEB128 as a double: a memory64 limit does not fit 32 bits.
  const leb = (): number => {
    let r = 0;
    let mul = 1;
    for (;;) {
      const x = byte();
      r += (x & 0x7f) * mul;
      if (!(x & 0x80)) return r;
      mul *= 128;
    }
  };
  const name = (): string => {
    const n = leb();
    const s = new TextDecoder().decode(b.subarray(i, i + n));
    i += n;
    return s;
  };
  const valtype = (): string => {
    const t = byte();
    const v = VALTYPES[t];
    if (!v) throw new Error(`value type 0x${t.toString(16)} is not supported`);
    return v;
  };
  let memory64 = false;
  const limits = (): { initial: number; maximum?: number } => {
    const flags = byte();
    if (flags & 4) memory64 = true;
    const initial = leb();
    return flags & 1 ? { initial, maximum: leb() } : { initial };
  };

  const types: FuncType[] = [];
  const funcTypes: FuncType[] = []; // by function index: imports first
  const imports: ImportInfo[] = [];
  const rawExports: { name: string; kind: ExternKind; index: number }[] = [];
  let memory: CoreModuleInfo['memory'];
  let functions = 0;
  let start = false;
  while (i < b.length) {
    const id = byte();
    const size = leb();
    const end = i + size;
    switch (id) {
      case 1: // types
        for (let n = leb(); n > 0; n--) {
          const form = byte();
          if (form !== 0x60) throw new Error(`type form 0x${form.toString(16)} is not supported`);
          const params = Array.from({ length: leb() }, valtype);
          const results = Array.from({ length: leb() }, valtype);
          types.push({ params, results });
        }
        break;
      case 2: // imports
        for (let n = leb(); n > 0; n--) {
          const module = name();
          const field = name();
          const kind = KINDS[byte()] ?? 'function';
          if (kind === 'function') {
            const type = types[leb()]!;
            funcTypes.push(type);
            imports.push({ module, name: field, kind, type });
          } else {
            if (kind === 'table') (byte(), limits());
            else if (kind === 'memory') {
              const l = limits();
              memory ??= l;
            } else if (kind === 'global') (valtype(), byte());
            else (byte(), leb());
            imports.push({ module, name: field, kind });
          }
        }
        break;
      case 3: // functions
        functions = leb();
        for (let n = 0; n < functions; n++) funcTypes.push(types[leb()]!);
        break;
      case 5: // memories
        for (let n = leb(); n > 0; n--) {
          const l = limits();
          memory ??= l;
        }
        break;
      case 7: // exports
        for (let n = leb(); n > 0; n--) {
          const e = name();
          const kind = KINDS[byte()] ?? 'function';
          rawExports.push({ name: e, kind, index: leb() });
        }
        break;
      case 8:
        start = true;
        break;
    }
    i = end;
  }
  const exports = rawExports.map(({ name: n, kind, index }) => (kind === 'function' ? { name: n, kind, type: funcTypes[index] } : { name: n, kind }));
  return { kind: 'core', memory64, imports, exports, ...(memory ? { memory } : {}), functions, start };
}

/** A WebAssembly component binary: the \0asm magic with the layer field (bytes 6-7) set to 1. */
export function isComponent(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d && bytes[6] === 1 && bytes[7] === 0;
}
