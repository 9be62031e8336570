// The steps before Asyncify (loader/module.ts transform()) done directly on
// the module's bytes, for when a native wasm-opt runs Asyncify: then a fresh
// process never loads binaryen.js (about 1.5 s of CPU to import, compile and
// warm up). It does what the binaryen.js steps do, with the same fuel
// charges at the same places, so both paths count the same fuel and so give
// the same preemption points, traces and virtual times
// (tests/loader-native.test.ts, tests/loader-rewrite.test.ts):
//   - a start section becomes socklab$start, exported as _start, which calls
//     the old start function and then the old _start;
//   - memory.grow becomes a call to socklab$grow, which calls
//     socklab_rt.memory_grow_pre(0, delta) before and memory_grow_post(0, r)
//     after (the host ignores the id);
//   - every defined mutable global is exported as GLOBAL_EXPORT_PREFIX + index;
//   - with fuel, the mutable i64 global socklab_fuel (exported) and the
//     charge of loader/fuel.ts at each function entry (the module's own
//     functions and socklab$start) and after each loop's block type;
//   - each narrowed import (an i64 parameter) is imported as
//     name + NARROW_SUFFIX with the i64 split in two i32s, behind a shim of
//     the original type; a function whose code starts by calling that
//     import with its own parameters (wasi-libc's __wasi_clock_time_get)
//     splits the i64 in place instead (after its fuel charge).
//     socklab$grow and the shims are not charged.
// Function indices shift by the imports added; calls, ref.func, element
// segments, exports and the name section (functions, locals, labels) are
// renumbered. Instructions are only decoded to find their ends: everything
// Node 20 runs (MVP, 0xFC, SIMD, reference types, multivalue, sign-ext, tail
// calls); anything else (atomics, exception handling, GC) is refused with
// RewriteUnsupported, and the loader prepares that module in binaryen.js,
// as it did before this rewrite existed.
import { GLOBAL_EXPORT_PREFIX, NARROW_SUFFIX } from '../abi/layout.js';
import { ModuleError } from './cache.js';
import { FUEL_GLOBAL, FUEL_IMPORT } from './fuel.js';

export interface RewriteOptions {
  /** "module.name" imports to narrow (only those with an i64 parameter are). */
  narrow: ReadonlySet<string>;
  fuel: boolean;
}

const I32 = 0x7f;
const I64 = 0x7e;
const VALTYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);
/** Where each known section goes, by id (the tag section, 13, sits between memory and global). */
const ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

/** The module is not one this rewriter handles; says why in one line. */
class Unsupported extends Error {}

class In {
  constructor(
    readonly b: Uint8Array,
    public i: number,
    readonly end: number,
  ) {}
  byte(): number {
    if (this.i >= this.end) throw new Unsupported('unexpected end of a section');
    return this.b[this.i++]!;
  }
  u32(): number {
    let r = 0;
    let mul = 1;
    for (;;) {
      const x = this.byte();
      r += (x & 0x7f) * mul;
      if (!(x & 0x80)) return r;
      mul *= 128;
    }
  }
  /** Skips any LEB128 (signed or not, any width). */
  leb(): void {
    while (this.byte() & 0x80);
  }
  skip(n: number): void {
    if (this.i + n > this.end) throw new Unsupported('unexpected end of a section');
    this.i += n;
  }
  bytes(n: number): Uint8Array {
    this.skip(n);
    return this.b.subarray(this.i - n, this.i);
  }
  name(): Uint8Array {
    return this.bytes(this.u32());
  }
  valtype(): number {
    const t = this.byte();
    if (!VALTYPES.has(t)) throw new Unsupported(`uses value type 0x${t.toString(16)} (typed references or GC)`);
    return t;
  }
}

class Out {
  private buf = new Uint8Array(256);
  n = 0;
  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }
  byte(x: number): this {
    this.room(1);
    this.buf[this.n++] = x;
    return this;
  }
  u32(x: number): this {
    do {
      let b = x % 128;
      x = Math.floor(x / 128);
      if (x > 0) b |= 0x80;
      this.byte(b);
    } while (x > 0);
    return this;
  }
  bytes(b: Uint8Array | readonly number[]): this {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
    return this;
  }
  name(s: string | Uint8Array): this {
    const b = typeof s === 'string' ? new TextEncoder().encode(s) : s;
    return this.u32(b.length).bytes(b);
  }
  /** `inner` as a size-prefixed blob (a section's or a function body's contents). */
  sized(inner: Out): this {
    return this.u32(inner.n).bytes(inner.done());
  }
  done(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

interface FuncSig {
  params: number[];
  results: number[];
}

interface Import {
  module: Uint8Array;
  name: Uint8Array;
  kind: number;
  /** The descriptor's bytes, for a non-function import. */
  desc?: Uint8Array;
  /** The type index, for a function import. */
  type?: number;
}

/** What an instruction walk changes. */
interface Edit {
  /** New index of old function `f` (as called or referenced). */
  func(f: number): number;
  /** Function index memory.grow becomes a call to (undefined: expression has no memory.grow). */
  grow?: number;
  /** The fuel charge to insert after each loop's block type. */
  charge?: Uint8Array;
}

const decoder = new TextDecoder();
const str = (b: Uint8Array): string => decoder.decode(b);

/** The fuel charge: socklab_fuel -= 1; if (socklab_fuel < 0) socklab_rt.fuel_exhausted(); as loader/fuel.ts inserts it. */
function chargeCode(global: number, exhausted: number): Uint8Array {
  return new Out()
    .byte(0x23).u32(global).bytes([0x42, 0x01, 0x7d]) // global.get; i64.const 1; i64.sub
    .byte(0x24).u32(global) // global.set
    .byte(0x23).u32(global).bytes([0x42, 0x00, 0x53]) // global.get; i64.const 0; i64.lt_s
    .bytes([0x04, 0x40]).byte(0x10).u32(exhausted).byte(0x0b) // if; call; end
    .done();
}

function refuse(what: string, op: string): never {
  throw new Unsupported(`uses ${what} (opcode ${op}), which socklab cannot prepare; build for wasm32-wasip1 without it`);
}

function blockType(r: In): void {
  const t = r.b[r.i];
  if (t === 0x40 || (t !== undefined && VALTYPES.has(t))) r.i++;
  else if (t === 0x63 || t === 0x64) refuse('typed function references', `0x${t.toString(16)}`);
  else r.leb(); // a type index (multivalue), as s33
}

function memarg(r: In): void {
  const align = r.u32();
  if (align & 0x40) r.leb(); // a memory index (multi-memory)
  r.leb();
}

/**
 * Copies the instructions of r (a function body, or with `constExpr` one
 * constant expression up to its `end`) to `out` with the edits applied.
 */
function walk(r: In, out: Out, edit: Edit, constExpr: boolean): void {
  const b = r.b;
  let from = r.i;
  const flush = (to: number): void => {
    out.bytes(b.subarray(from, to));
  };
  while (r.i < r.end) {
    const at = r.i;
    const op = r.byte();
    switch (op) {
      case 0x00: case 0x01: case 0x05: case 0x0f: case 0x1a: case 0x1b: case 0xd1:
        break;
      case 0x02: case 0x04:
        blockType(r);
        break;
      case 0x03:
        blockType(r);
        if (edit.charge) {
          flush(r.i);
          out.bytes(edit.charge);
          from = r.i;
        }
        break;
      case 0x0b:
        if (constExpr) {
          flush(r.i);
          return;
        }
        break;
      case 0x0c: case 0x0d:
        r.leb();
        break;
      case 0x0e:
        for (let n = r.u32(); n >= 0; n--) r.leb();
        break;
      case 0x10: case 0x12: case 0xd2: {
        const f = r.u32();
        const g = edit.func(f);
        if (g !== f || r.i - at !== lebSize(f) + 1) {
          flush(at);
          out.byte(op).u32(g);
          from = r.i;
        }
        break;
      }
      case 0x11: case 0x13:
        r.leb();
        r.leb();
        break;
      case 0x1c:
        for (let n = r.u32(); n > 0; n--) r.valtype();
        break;
      case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26:
        r.leb();
        break;
      case 0x3f:
        r.leb();
        break;
      case 0x40:
        if (r.u32() !== 0) refuse('multiple memories', '0x40');
        if (edit.grow === undefined) throw new Unsupported('has memory.grow where it cannot be');
        flush(at);
        out.byte(0x10).u32(edit.grow);
        from = r.i;
        break;
      case 0x41: case 0x42:
        r.leb();
        break;
      case 0x43:
        r.skip(4);
        break;
      case 0x44:
        r.skip(8);
        break;
      case 0xd0:
        r.leb(); // heap type, s33
        break;
      case 0xfc: {
        const sub = r.u32();
        if (sub <= 7) break; // saturating truncations
        if (sub === 8 || sub === 10 || sub === 12 || sub === 14) (r.leb(), r.leb());
        else if (sub === 9 || sub === 11 || sub === 13 || sub === 15 || sub === 16 || sub === 17) r.leb();
        else refuse('an unknown 0xFC instruction', `0xfc ${sub}`);
        break;
      }
      case 0xfd: {
        const sub = r.u32();
        if (sub <= 11 || sub === 92 || sub === 93) memarg(r);
        else if (sub === 12 || sub === 13) r.skip(16);
        else if (sub >= 21 && sub <= 34) r.skip(1);
        else if (sub >= 84 && sub <= 91) (memarg(r), r.skip(1));
        else if (sub > 255) refuse('relaxed SIMD', `0xfd ${sub}`);
        break;
      }
      default:
        if (op >= 0x28 && op <= 0x3e) memarg(r);
        else if (op >= 0x45 && op <= 0xc4) break;
        else if ((op >= 0x06 && op <= 0x09) || op === 0x18 || op === 0x19) refuse('exception handling', `0x${op.toString(16)}`);
        else if (op === 0x14 || op === 0x15 || (op >= 0xd3 && op <= 0xd6)) refuse('typed function references', `0x${op.toString(16)}`);
        else if (op === 0xfb) refuse('garbage collection', '0xfb');
        else if (op === 0xfe) refuse('threads (atomics)', '0xfe');
        else refuse('an unknown instruction', `0x${op.toString(16)}`);
    }
  }
  if (constExpr) throw new Unsupported('has a constant expression without its end');
  flush(r.i);
}

function lebSize(x: number): number {
  let n = 1;
  while (x >= 128) (x = Math.floor(x / 128), n++);
  return n;
}

/** A module the rewrite does not handle, in one line; the loader leaves it to binaryen.js. */
export class RewriteUnsupported extends ModuleError {}

/** Rewrites a module as described at the top of this file (after raiseMemoryMaximum); `name` is for messages. */
export function rewriteModule(bytes: Uint8Array, name: string, opts: RewriteOptions): Uint8Array {
  try {
    return rewrite(bytes, opts);
  } catch (e) {
    if (e instanceof Unsupported) throw new RewriteUnsupported(`${name} ${e.message}`);
    throw e;
  }
}

function rewrite(bytes: Uint8Array, opts: RewriteOptions): Uint8Array {
  // The sections, in order.
  const secs: { id: number; body: Uint8Array; custom?: string }[] = [];
  {
    const r = new In(bytes, 8, bytes.length);
    while (r.i < r.end) {
      const id = r.byte();
      const body = r.bytes(r.u32());
      secs.push(id === 0 ? { id, body, custom: str(new In(body, 0, body.length).name()) } : { id, body });
    }
  }
  const sec = (id: number): In | undefined => {
    const s = secs.find((x) => x.id === id);
    return s ? new In(s.body, 0, s.body.length) : undefined;
  };
  if (sec(13)) throw new Unsupported('declares exception tags (exception handling), which socklab cannot prepare; build for wasm32-wasip1 without it');

  // Types: kept, with new ones appended (found again if the module has them).
  const types: FuncSig[] = [];
  const typeSec = sec(1);
  if (typeSec) {
    for (let n = typeSec.u32(); n > 0; n--) {
      const form = typeSec.byte();
      if (form !== 0x60) throw new Unsupported(`has a type of form 0x${form.toString(16)} (GC types), which socklab cannot prepare`);
      const params = Array.from({ length: typeSec.u32() }, () => typeSec.valtype());
      const results = Array.from({ length: typeSec.u32() }, () => typeSec.valtype());
      types.push({ params, results });
    }
  }
  const typeIndex = (params: number[], results: number[]): number => {
    const key = `${params}/${results}`;
    const i = types.findIndex((t) => `${t.params}/${t.results}` === key);
    return i >= 0 ? i : types.push({ params, results }) - 1;
  };

  // Imports.
  const imports: Import[] = [];
  let funcImports = 0;
  let globalImports = 0;
  const importSec = sec(2);
  if (importSec) {
    for (let n = importSec.u32(); n > 0; n--) {
      const module = importSec.name();
      const field = importSec.name();
      const kind = importSec.byte();
      const at = importSec.i;
      if (kind === 0) {
        imports.push({ module, name: field, kind, type: importSec.u32() });
        funcImports++;
        continue;
      }
      if (kind === 1) (importSec.valtype(), limits(importSec));
      else if (kind === 2) limits(importSec);
      else if (kind === 3) (importSec.valtype(), importSec.byte(), globalImports++);
      else throw new Unsupported(`imports ${kind === 4 ? 'an exception tag (exception handling)' : `an import of kind ${kind}`}, which socklab cannot prepare`);
      imports.push({ module, name: field, kind, desc: importSec.b.subarray(at, importSec.i) });
    }
  }

  // Defined functions' types, and the code.
  const funcTypes: number[] = [];
  const funcSec = sec(3);
  if (funcSec) for (let n = funcSec.u32(); n > 0; n--) funcTypes.push(funcSec.u32());
  const codeSec = sec(10);
  const bodies: { start: number; end: number }[] = [];
  if (codeSec) {
    for (let n = codeSec.u32(); n > 0; n--) {
      const size = codeSec.u32();
      bodies.push({ start: codeSec.i, end: codeSec.i + size });
      codeSec.skip(size);
    }
  }
  if (bodies.length !== funcTypes.length) throw new Unsupported('has function and code sections of different lengths');
  const codeBytes = codeSec?.b ?? new Uint8Array();

  // Exports and the start function.
  const exports: { name: Uint8Array; kind: number; index: number }[] = [];
  const exportSec = sec(7);
  if (exportSec) for (let n = exportSec.u32(); n > 0; n--) exports.push({ name: exportSec.name(), kind: exportSec.byte(), index: exportSec.u32() });
  const startSec = sec(8);
  const start = startSec ? startSec.u32() : undefined;

  // New imports go after the module's own, so the imports keep their indices and defined functions shift by `added`.
  const newImports: { module: string; name: string; type: number; fn: string }[] = [];
  const addImport = (module: string, field: string, params: number[], results: number[], fn: string): number =>
    funcImports + newImports.push({ module, name: field, type: typeIndex(params, results), fn }) - 1;
  // The memory.grow hooks are added whether or not the module grows its memory (finding out would take a
  // walk of all the code); Asyncify's remove-unused-module-elements drops them and socklab$grow when unused.
  const growPre = addImport('socklab_rt', 'memory_grow_pre', [I32, I32], [I32], 'socklab$memory_grow_pre');
  const growPost = addImport('socklab_rt', 'memory_grow_post', [I32, I32], [I32], 'socklab$memory_grow_post');
  const exhausted = opts.fuel ? addImport(FUEL_IMPORT.module, FUEL_IMPORT.base, [], [], 'socklab$fuel_exhausted') : -1;
  const added = newImports.length;
  const shift = (f: number): number => (f < funcImports ? f : f + added);

  // New defined functions, after the module's own.
  const newFuncs: { type: number; body: Out; fn: string }[] = [];
  let next = funcImports + added + funcTypes.length;
  const addFunc = (type: number, fn: string, body: Out): number => (newFuncs.push({ type, body, fn }), next++);

  // Narrowed imports: same index, new name and type; every use goes to a shim of the old type instead.
  const narrowed = new Map<number, number>();
  /** Per narrowed import: its parameter count and the shim's code (the split and the call, no locals, no end). */
  const splits = new Map<number, { params: number; code: Out }>();
  for (let i = 0, f = 0; i < imports.length; i++) {
    const imp = imports[i]!;
    if (imp.kind !== 0) continue;
    const index = f++;
    const key = `${str(imp.module)}.${str(imp.name)}`;
    const sig = types[imp.type!]!;
    if (!opts.narrow.has(key) || !sig.params.includes(I64)) continue;
    const split = sig.params.flatMap((t) => (t === I64 ? [I32, I32] : [t]));
    const code = new Out();
    sig.params.forEach((t, p) => {
      if (t === I64) code.byte(0x20).u32(p).byte(0xa7).byte(0x20).u32(p).bytes([0x42, 0x20, 0x88, 0xa7]); // low; (p >> 32) low
      else code.byte(0x20).u32(p);
    });
    code.byte(0x10).u32(index);
    splits.set(index, { params: sig.params.length, code });
    const body = new Out().byte(0).bytes(code.done()).byte(0x0b); // no locals
    narrowed.set(index, addFunc(imp.type!, `socklab$narrow$${str(imp.name)}`, body));
    imports[i] = { ...imp, name: new TextEncoder().encode(`${str(imp.name)}${NARROW_SUFFIX}`), type: typeIndex(split, sig.results) };
  }
  const func = (f: number): number => narrowed.get(f) ?? shift(f);

  // Globals: the module's own, then the fuel counter.
  const globalOut = new Out();
  let globals = 0;
  const mutable: number[] = [];
  const globalSec = sec(6);
  if (globalSec) {
    for (let n = globalSec.u32(); n > 0; n--, globals++) {
      const at = globalSec.i;
      globalSec.valtype();
      if (globalSec.byte() & 1) mutable.push(globalImports + globals);
      globalOut.bytes(globalSec.b.subarray(at, globalSec.i));
      walk(globalSec, globalOut, { func }, true);
    }
  }
  const fuelGlobal = globalImports + globals;
  if (opts.fuel) {
    globalOut.bytes([I64, 0x01, 0x42, 0x00, 0x0b]); // mut i64 = i64.const 0
    globals++;
  }
  const charge = opts.fuel ? chargeCode(fuelGlobal, exhausted) : undefined;

  // memory.grow: pre and post around it, in a function of its own (uncharged).
  // (no locals) i32.const 0; i32.const 0; local.get 0; call pre; memory.grow; call post
  const grow = addFunc(typeIndex([I32], [I32]), 'socklab$grow', new Out().bytes([0x00, 0x41, 0x00, 0x41, 0x00, 0x20, 0x00]).byte(0x10).u32(growPre).bytes([0x40, 0x00]).byte(0x10).u32(growPost).byte(0x0b));

  // A start section: _start first runs the old start function (charged, as binaryen.js's path charges it).
  const entry = exports.find((e) => e.kind === 0 && str(e.name) === '_start');
  let newEntry: number | undefined;
  if (start !== undefined && entry) {
    const body = new Out().byte(0);
    if (charge) body.bytes(charge);
    body.byte(0x10).u32(func(start)).byte(0x10).u32(func(entry.index)).byte(0x0b);
    newEntry = addFunc(typeIndex([], []), 'socklab$start', body);
  }

  // The code.
  const edit: Edit = { func, grow, ...(charge ? { charge } : {}) };
  const codeOut = new Out().u32(bodies.length + newFuncs.length);
  for (const f of bodies) {
    const r = new In(codeBytes, f.start, f.end);
    const body = new Out();
    for (let n = r.u32(); n > 0; n--) (r.u32(), r.valtype());
    body.bytes(codeBytes.subarray(f.start, r.i));
    if (charge) body.bytes(charge);
    // A function that starts by passing its parameters on to a narrowed import (wasi-libc's __wasi_clock_time_get)
    // splits the i64 itself: one wasm call less on every such syscall, and one function less for Asyncify.
    const split = forwardsTo(r, splits);
    if (split) {
      body.bytes(split.code.done());
      r.i = split.rest;
    }
    walk(r, body, edit, false);
    codeOut.sized(body);
  }
  for (const f of newFuncs) codeOut.sized(f.body);

  // Exports: renumbered, _start moved, mutable globals and the fuel counter added.
  const exportOut: { name: string | Uint8Array; kind: number; index: number }[] = exports.map((e) => ({
    name: e.name,
    kind: e.kind,
    index: e.kind !== 0 ? e.index : e === entry && newEntry !== undefined ? newEntry : func(e.index),
  }));
  for (const g of mutable) exportOut.push({ name: `${GLOBAL_EXPORT_PREFIX}${g}`, kind: 3, index: g });
  if (opts.fuel) exportOut.push({ name: FUEL_GLOBAL, kind: 3, index: fuelGlobal });
  const seen = new Set<string>();
  for (const e of exportOut) {
    const n = typeof e.name === 'string' ? e.name : str(e.name);
    if (seen.has(n)) throw new Unsupported(`already exports ${JSON.stringify(n)}, a name socklab adds`);
    seen.add(n);
  }

  // Assemble: each section rewritten in place, new ones where they belong; the start section goes.
  const built = new Map<number, Out>();
  {
    const o = new Out().u32(types.length);
    for (const t of types) o.byte(0x60).u32(t.params.length).bytes(t.params).u32(t.results.length).bytes(t.results);
    built.set(1, o);
  }
  {
    const o = new Out().u32(imports.length + newImports.length);
    let f = 0;
    for (const imp of imports) {
      o.name(imp.module).name(imp.name).byte(imp.kind);
      if (imp.kind === 0) o.u32(imp.type!);
      else o.bytes(imp.desc!);
      // New function imports come right after the module's last function import (index-wise any position works: only function imports are counted).
      if (imp.kind === 0 && ++f === funcImports) for (const n of newImports) o.name(n.module).name(n.name).byte(0).u32(n.type);
    }
    if (funcImports === 0) for (const n of newImports) o.name(n.module).name(n.name).byte(0).u32(n.type);
    built.set(2, o);
  }
  {
    const o = new Out().u32(funcTypes.length + newFuncs.length);
    for (const t of funcTypes) o.u32(t);
    for (const f of newFuncs) o.u32(f.type);
    built.set(3, o);
  }
  built.set(6, new Out().u32(globals).bytes(globalOut.done()));
  {
    const o = new Out().u32(exportOut.length);
    for (const e of exportOut) o.name(e.name).byte(e.kind).u32(e.index);
    built.set(7, o);
  }
  const elemSec = sec(9);
  if (elemSec) built.set(9, elements(elemSec, func));
  built.set(10, codeOut);

  const out = new Out().bytes(bytes.subarray(0, 8));
  const emit = (id: number, body: Uint8Array): void => {
    out.byte(id).u32(body.length).bytes(body);
  };
  const rank = (id: number): number => ORDER.indexOf(id);
  const pending = [...built.keys()].filter((id) => !secs.some((s) => s.id === id)).sort((a, b) => rank(a) - rank(b));
  const names = {
    imports: funcImports,
    added: newImports.map((n) => n.fn),
    shift,
    funcs: newFuncs.map((f, i) => [funcImports + added + funcTypes.length + i, f.fn] as const),
  };
  for (const s of secs) {
    if (s.id !== 0) while (pending.length && rank(pending[0]!) < rank(s.id)) emit(pending[0]!, built.get(pending.shift()!)!.done());
    if (s.id === 8) continue;
    if (s.id === 0) {
      // DWARF and source maps speak of code offsets this rewrite moves.
      if (s.custom!.startsWith('.debug_') || s.custom === 'sourceMappingURL') continue;
      emit(0, s.custom === 'name' ? nameSection(s.body, names) : s.body);
    } else emit(s.id, built.get(s.id)?.done() ?? s.body);
  }
  for (const id of pending) emit(id, built.get(id)!.done());
  return out.done().slice();
}

/**
 * The narrowed import a function's code starts by calling with its first
 * parameters in order (`local.get 0 .. local.get n-1; call import`, n the
 * import's parameters: the module validated, so the types match), and where
 * the code after that call begins. r stands after the locals.
 */
function forwardsTo(r: In, splits: ReadonlyMap<number, { params: number; code: Out }>): { code: Out; rest: number } | undefined {
  if (!splits.size) return undefined;
  const c = new In(r.b, r.i, r.end);
  try {
    let n = 0;
    while (c.i < c.end && c.b[c.i] === 0x20) {
      c.i++;
      if (c.u32() !== n++) return undefined;
    }
    if (c.byte() !== 0x10) return undefined;
    const s = splits.get(c.u32());
    return s && s.params === n ? { code: s.code, rest: c.i } : undefined;
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

function limits(r: In): void {
  const flags = r.byte();
  r.leb();
  if (flags & 1) r.leb();
}

/** The element section with function indices renumbered (in plain lists and in ref.func expressions). */
function elements(r: In, func: (f: number) => number): Out {
  const o = new Out();
  const n = r.u32();
  o.u32(n);
  for (let k = 0; k < n; k++) {
    const flags = r.u32();
    o.u32(flags);
    const exprs = (flags & 4) !== 0;
    if ((flags & 3) === 2) o.u32(r.u32()); // table index
    if (!(flags & 1)) walk(r, o, { func }, true); // offset
    if (flags & 3) o.byte(r.byte()); // elemkind or reftype
    const count = r.u32();
    o.u32(count);
    for (let i = 0; i < count; i++) {
      if (exprs) walk(r, o, { func }, true);
      else o.u32(func(r.u32()));
    }
  }
  return o;
}

/**
 * The name section with function indices renumbered: names of imports
 * stay, names of defined functions shift, and the functions added get
 * names of their own. Subsections that name other things are copied.
 */
function nameSection(
  body: Uint8Array,
  n: { imports: number; added: string[]; shift(f: number): number; funcs: (readonly [number, string])[] },
): Uint8Array {
  const r = new In(body, 0, body.length);
  const o = new Out().name(r.name());
  while (r.i < r.end) {
    const id = r.byte();
    const size = r.u32();
    const sub = new In(r.b, r.i, r.i + size);
    r.skip(size);
    const s = new Out();
    if (id === 1) {
      const entries: [number, Uint8Array | string][] = [];
      for (let k = sub.u32(); k > 0; k--) {
        const f = sub.u32();
        entries.push([n.shift(f), sub.name()]);
      }
      n.added.forEach((fn, i) => entries.push([n.imports + i, fn]));
      for (const [f, fn] of n.funcs) entries.push([f, fn]);
      entries.sort((a, b) => a[0] - b[0]);
      s.u32(entries.length);
      for (const [f, fn] of entries) s.u32(f).name(fn);
    } else if (id === 2 || id === 3) {
      // Locals and labels: function index, then a name map of its own, copied.
      const k = sub.u32();
      s.u32(k);
      for (let j = 0; j < k; j++) {
        s.u32(n.shift(sub.u32()));
        const from = sub.i;
        for (let m = sub.u32(); m > 0; m--) (sub.u32(), sub.name());
        s.bytes(sub.b.subarray(from, sub.i));
      }
    } else s.bytes(sub.b.subarray(sub.i, sub.end));
    o.byte(id).sized(s);
  }
  return o.done();
}
