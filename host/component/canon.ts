// The canonical ABI (WASI 0.2, sync lowering) for socklab's direct bindings:
// WIT types written as short strings (signatures.ts), their flattening, and
// lifting/lowering between core values, guest memory and the JS values
// socklab's implementations take and return (jco's conventions: u64 as
// bigint, list<u8> as Uint8Array, enum as a string, record/flags as objects
// with camelCase keys, variant as {tag, val}, option as value | undefined,
// result as a return or a thrown payload).
//
// Resource handles live in jco's own handle tables (the arrays its glue
// passes to cabiLower factories), with jco's layout and free list, so handles
// are the ones jco's resource.drop trampolines free. The object behind a rep
// is socklab's (ResourceRegistry), not jco's capture tables: a drop of the
// last own handle reaches the class's static Symbol.for('cabiDispose').

export type WitType =
  | { k: 'bool' | 'u8' | 's8' | 'u16' | 's16' | 'u32' | 's32' | 'u64' | 's64' | 'f32' | 'f64' | 'char' | 'string' }
  | { k: 'list'; e: WitType }
  | { k: 'tuple'; ts: WitType[] }
  | { k: 'record'; fs: [string, WitType][] }
  | { k: 'variant'; cs: [string, WitType | undefined][] }
  | { k: 'enum'; cs: string[] }
  | { k: 'flags'; fs: string[] }
  | { k: 'option'; t: WitType }
  | { k: 'result'; ok?: WitType; err?: WitType }
  | { k: 'own' | 'borrow'; r: string };

export interface FuncType {
  params: WitType[];
  result?: WitType;
}

const camel = (s: string): string => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

// ---- parsing "func(self: borrow<input-stream>, len: u64) -> result<list<u8>, stream-error>" ----

const PRIMS = new Set(['bool', 'u8', 's8', 'u16', 's16', 'u32', 's32', 'u64', 's64', 'f32', 'f64', 'char', 'string']);

/** Named types (`stream-error`: `variant{...}`) and resource names, shared by every signature. */
export class TypeScope {
  private parsed = new Map<string, WitType>();
  constructor(
    private readonly defs: Record<string, string>,
    readonly resources: ReadonlySet<string>,
  ) {}

  named(name: string): WitType {
    let t = this.parsed.get(name);
    if (t) return t;
    if (this.resources.has(name)) t = { k: 'own', r: name };
    else {
      const d = this.defs[name];
      if (d === undefined) throw new Error(`canon: unknown WIT type ${name}`);
      t = this.type(d);
    }
    this.parsed.set(name, t);
    return t;
  }

  type(src: string): WitType {
    const p = new Parser(src, this);
    const t = p.type();
    p.end();
    return t;
  }

  func(src: string): FuncType {
    const p = new Parser(src, this);
    p.word('func');
    p.eat('(');
    const params: WitType[] = [];
    while (!p.peek(')')) {
      p.ident();
      p.eat(':');
      params.push(p.type());
      if (!p.peek(')')) p.eat(',');
    }
    p.eat(')');
    let result: WitType | undefined;
    if (p.peek('->')) {
      p.eat('->');
      result = p.type();
    }
    p.end();
    return { params, result };
  }
}

class Parser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly scope: TypeScope,
  ) {}
  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  peek(tok: string): boolean {
    this.ws();
    return this.s.startsWith(tok, this.i);
  }
  eat(tok: string): void {
    if (!this.peek(tok)) throw new Error(`canon: expected '${tok}' at ${this.i} in ${this.s}`);
    this.i += tok.length;
  }
  ident(): string {
    this.ws();
    const m = /^[a-z_][a-z0-9-]*/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`canon: expected a name at ${this.i} in ${this.s}`);
    this.i += m[0].length;
    return m[0];
  }
  word(w: string): void {
    if (this.ident() !== w) throw new Error(`canon: expected ${w} in ${this.s}`);
  }
  end(): void {
    this.ws();
    if (this.i !== this.s.length) throw new Error(`canon: trailing text in ${this.s}`);
  }
  private list<T>(open: string, close: string, item: () => T): T[] {
    this.eat(open);
    const out: T[] = [];
    while (!this.peek(close)) {
      out.push(item());
      if (!this.peek(close)) this.eat(',');
    }
    this.eat(close);
    return out;
  }
  type(): WitType {
    if (this.peek('_')) {
      throw new Error(`canon: '_' outside result<> in ${this.s}`);
    }
    const w = this.ident();
    if (PRIMS.has(w)) return { k: w } as WitType;
    switch (w) {
      case 'list':
        return { k: 'list', e: this.list('<', '>', () => this.type())[0]! };
      case 'option':
        return { k: 'option', t: this.list('<', '>', () => this.type())[0]! };
      case 'tuple':
        return { k: 'tuple', ts: this.list('<', '>', () => this.type()) };
      case 'own':
      case 'borrow':
        return { k: w, r: this.list('<', '>', () => this.ident())[0]! };
      case 'result': {
        if (!this.peek('<')) return { k: 'result' };
        const [ok, err] = this.list('<', '>', () => {
          if (this.peek('_')) {
            this.eat('_');
            return undefined;
          }
          return this.type();
        });
        return { k: 'result', ok, err };
      }
      case 'record':
        return { k: 'record', fs: this.list('{', '}', () => { const n = this.ident(); this.eat(':'); return [camel(n), this.type()] as [string, WitType]; }) };
      case 'variant':
        return {
          k: 'variant',
          cs: this.list('{', '}', () => {
            const n = this.ident();
            if (!this.peek('(')) return [n, undefined] as [string, WitType | undefined];
            return [n, this.list('(', ')', () => this.type())[0]] as [string, WitType | undefined];
          }),
        };
      case 'enum':
        return { k: 'enum', cs: this.list('{', '}', () => this.ident()) };
      case 'flags':
        return { k: 'flags', fs: this.list('{', '}', () => camel(this.ident())) };
      default:
        return this.scope.named(w);
    }
  }
}

// ---- layout ----------------------------------------------------------------

type Flat = 'i32' | 'i64' | 'f32' | 'f64';

function discSize(n: number): number {
  return n <= 256 ? 1 : n <= 65536 ? 2 : 4;
}
function alignTo(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}
function cases(t: WitType): (WitType | undefined)[] {
  switch (t.k) {
    case 'variant':
      return t.cs.map((c) => c[1]);
    case 'option':
      return [undefined, t.t];
    case 'result':
      return [t.ok, t.err];
    case 'enum':
      return t.cs.map(() => undefined);
    default:
      throw new Error('canon: not a variant');
  }
}

export function alignment(t: WitType): number {
  switch (t.k) {
    case 'bool': case 'u8': case 's8': return 1;
    case 'u16': case 's16': return 2;
    case 'u32': case 's32': case 'f32': case 'char': case 'string': case 'list': case 'own': case 'borrow': return 4;
    case 'u64': case 's64': case 'f64': return 8;
    case 'record': return Math.max(1, ...t.fs.map(([, f]) => alignment(f)));
    case 'tuple': return Math.max(1, ...t.ts.map(alignment));
    case 'flags': return t.fs.length <= 8 ? 1 : t.fs.length <= 16 ? 2 : 4;
    default: {
      const cs = cases(t);
      return Math.max(discSize(cs.length), ...cs.map((c) => (c ? alignment(c) : 1)));
    }
  }
}

export function size(t: WitType): number {
  switch (t.k) {
    case 'bool': case 'u8': case 's8': return 1;
    case 'u16': case 's16': return 2;
    case 'u32': case 's32': case 'f32': case 'char': case 'own': case 'borrow': return 4;
    case 'u64': case 's64': case 'f64': case 'string': case 'list': return 8;
    case 'record':
    case 'tuple': {
      const fs = t.k === 'record' ? t.fs.map((f) => f[1]) : t.ts;
      let s = 0;
      for (const f of fs) s = alignTo(s, alignment(f)) + size(f);
      return alignTo(s, alignment(t));
    }
    case 'flags': return t.fs.length <= 8 ? 1 : t.fs.length <= 16 ? 2 : 4 * Math.ceil(t.fs.length / 32);
    default: {
      const cs = cases(t);
      return alignTo(payloadOffset(t) + Math.max(0, ...cs.map((c) => (c ? size(c) : 0))), alignment(t));
    }
  }
}

function payloadOffset(t: WitType): number {
  const cs = cases(t);
  return alignTo(discSize(cs.length), Math.max(1, ...cs.map((c) => (c ? alignment(c) : 1))));
}

function join(a: Flat, b: Flat): Flat {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}

export function flatten(t: WitType): Flat[] {
  switch (t.k) {
    case 'u64': case 's64': return ['i64'];
    case 'f32': return ['f32'];
    case 'f64': return ['f64'];
    case 'string': case 'list': return ['i32', 'i32'];
    case 'record': return t.fs.flatMap(([, f]) => flatten(f));
    case 'tuple': return t.ts.flatMap(flatten);
    case 'flags': return Array.from({ length: Math.max(1, Math.ceil(t.fs.length / 32)) }, () => 'i32' as Flat);
    case 'variant': case 'option': case 'result': {
      const out: Flat[] = [];
      for (const c of cases(t)) {
        if (!c) continue;
        flatten(c).forEach((f, i) => (out[i] = i < out.length ? join(out[i]!, f) : f));
      }
      return ['i32', ...out];
    }
    default: return ['i32'];
  }
}

// ---- resources ---------------------------------------------------------------

/** jco's handle table: [free-list head, 0, then (scope, rep | T_FLAG for own) pairs]. */
export type HandleTable = number[] & { _createdReps?: Set<number>; socklabType?: string };
const T_FLAG = 1 << 30;
export const REP = Symbol.for('cabiRep');
export const CABI_DISPOSE = Symbol.for('cabiDispose');

interface Held {
  obj: Record<symbol, unknown>;
  /** Own handles to it in the guest's tables. */
  owners: number;
  reg: ResourceRegistry;
}

// Reps are unique in the thread (processes of a run share it), taken from
// [2^29, 2^30) so they never meet jco's own capture counters, and reused.
const held = new Map<number, Held>();
const freeReps: number[] = [];
let nextRep = 1 << 29;

/** The resources of one component process: the reps its handle tables refer to. */
export class ResourceRegistry {
  readonly reps = new Set<number>();

  /** A new own handle for obj in table (canon lower of own<T>). */
  own(table: HandleTable, obj: object): number {
    const o = obj as Record<symbol, unknown>;
    let rep = o[REP] as number | undefined;
    let h = rep === undefined ? undefined : held.get(rep);
    if (!h || h.obj !== o) {
      rep = freeReps.pop() ?? nextRep++;
      if (rep >= T_FLAG) throw new Error('socklab: out of resource reps');
      o[REP] = rep;
      h = { obj: o, owners: 0, reg: this };
      held.set(rep, h);
      this.reps.add(rep);
    }
    h.owners++;
    // jco's rscTableCreateOwn, unchanged: its drop trampolines free what this creates.
    table._createdReps?.add(rep!);
    const free = table[0]! & ~T_FLAG;
    if (free === 0) {
      table.push(0, rep! | T_FLAG);
      return (table.length >> 1) - 1;
    }
    table[0] = table[free << 1]!;
    table[free << 1] = 0;
    table[(free << 1) + 1] = rep! | T_FLAG;
    return free;
  }

  /** The object a borrowed (or own, not moved) handle designates; a bad handle traps. */
  borrow(table: HandleTable, handle: number): unknown {
    const val = table[(handle << 1) + 1];
    if (!val || handle <= 0 || (table[handle << 1]! & T_FLAG) !== 0) throw new WebAssembly.RuntimeError(`unknown handle index ${handle}`);
    const h = held.get(val & ~T_FLAG);
    if (!h) throw new WebAssembly.RuntimeError(`handle ${handle} has no resource behind it`);
    return h.obj;
  }

  /** Moves an own handle out of the table (an own<T> parameter): the host holds the object now. */
  take(table: HandleTable, handle: number): unknown {
    const obj = this.borrow(table, handle);
    const val = table[(handle << 1) + 1]!;
    if ((val & T_FLAG) === 0) throw new WebAssembly.RuntimeError(`handle ${handle} is not owned`);
    if (table[handle << 1] !== 0) throw new WebAssembly.RuntimeError('cannot remove owned resource while borrowed');
    table[handle << 1] = table[0]! | T_FLAG;
    table[0] = handle | T_FLAG;
    release(val & ~T_FLAG, false);
    return obj;
  }

  /** Process end: every rep it held is forgotten (the kernel closes the fds behind them). */
  clear(): void {
    for (const rep of this.reps) {
      const h = held.get(rep);
      if (h?.reg === this) {
        held.delete(rep);
        delete h.obj[REP];
        freeReps.push(rep);
      }
    }
    this.reps.clear();
  }
}

/** One own handle to rep is gone; the last one disposes the object (resource.drop). */
function release(rep: number, dispose: boolean): void {
  const h = held.get(rep);
  if (!h || --h.owners > 0) return;
  held.delete(rep);
  h.reg.reps.delete(rep);
  delete h.obj[REP];
  freeReps.push(rep);
  if (dispose) (h.obj[Symbol.dispose] as (() => void) | undefined)?.call(h.obj);
}

/** Gives a resource class the static hook jco's drop trampolines call for a rep its glue did not create. */
export function disposable(cls: object): void {
  (cls as Record<symbol, unknown>)[CABI_DISPOSE] = (rep: number) => release(rep, true);
}

/** Resources alive in this thread (tests: none are left after a run). */
export function liveResources(): number {
  return held.size;
}

// ---- lifting and lowering ----------------------------------------------------

export interface Ctx {
  memory?: WebAssembly.Memory;
  realloc?: (a: number, b: number, c: number, d: number) => number;
  reg: ResourceRegistry;
  tables: Map<string, HandleTable>;
  dv?: DataView;
  u8?: Uint8Array;
}

const utf8d = new TextDecoder('utf-8', { fatal: true });
const utf8e = new TextEncoder();

function table(cx: Ctx, r: string): HandleTable {
  const t = cx.tables.get(r);
  if (!t) throw new Error(`socklab: jco gave no handle table for ${r}`);
  return t;
}

function view(cx: Ctx): DataView {
  // One DataView per memory buffer, a new one after memory.grow, which
  // detaches the old buffer (its Uint8Array then reads as empty): cheaper
  // than reading memory.buffer on every call.
  if (cx.u8 === undefined || cx.u8.byteLength === 0) refresh(cx);
  return cx.dv!;
}

function bytes(cx: Ctx): Uint8Array {
  if (cx.u8 === undefined || cx.u8.byteLength === 0) refresh(cx);
  return cx.u8!;
}

function refresh(cx: Ctx): void {
  if (!cx.memory) throw new Error('socklab: jco gave no memory for a call that needs one');
  const b = cx.memory.buffer;
  cx.dv = new DataView(b);
  cx.u8 = new Uint8Array(b);
}

function alloc(cx: Ctx, align: number, n: number): number {
  if (!cx.realloc) throw new Error('socklab: jco gave no realloc for a call that returns a list');
  const p = cx.realloc(0, 0, align, n);
  if (p % align !== 0) throw new WebAssembly.RuntimeError('realloc returned a misaligned pointer');
  if (p + n > bytes(cx).byteLength) throw new WebAssembly.RuntimeError('realloc returned a pointer out of bounds');
  return p;
}

export function liftString(cx: Ctx, ptr: number, len: number): string {
  const m = bytes(cx);
  if (ptr + len > m.byteLength) throw new WebAssembly.RuntimeError('string out of bounds');
  return utf8d.decode(m.subarray(ptr, ptr + len));
}

/** Reads a value of type t at ptr. */
export function load(cx: Ctx, t: WitType, ptr: number): unknown {
  const v = view(cx);
  switch (t.k) {
    case 'bool': return v.getUint8(ptr) !== 0;
    case 'u8': return v.getUint8(ptr);
    case 's8': return v.getInt8(ptr);
    case 'u16': return v.getUint16(ptr, true);
    case 's16': return v.getInt16(ptr, true);
    case 'u32': return v.getUint32(ptr, true);
    case 's32': return v.getInt32(ptr, true);
    case 'u64': return v.getBigUint64(ptr, true);
    case 's64': return v.getBigInt64(ptr, true);
    case 'f32': return v.getFloat32(ptr, true);
    case 'f64': return v.getFloat64(ptr, true);
    case 'char': return String.fromCodePoint(v.getUint32(ptr, true));
    case 'string': return liftString(cx, v.getUint32(ptr, true), v.getUint32(ptr + 4, true));
    case 'list': return liftList(cx, t.e, v.getUint32(ptr, true), v.getUint32(ptr + 4, true));
    case 'own': return cx.reg.take(table(cx, t.r), v.getUint32(ptr, true));
    case 'borrow': return cx.reg.borrow(table(cx, t.r), v.getUint32(ptr, true));
    case 'record': case 'tuple': {
      const fs = t.k === 'record' ? t.fs.map((f) => f[1]) : t.ts;
      const vals: unknown[] = [];
      let o = 0;
      for (const f of fs) {
        o = alignTo(o, alignment(f));
        vals.push(load(cx, f, ptr + o));
        o += size(f);
      }
      return t.k === 'tuple' ? vals : Object.fromEntries(t.fs.map(([n], i) => [n, vals[i]]));
    }
    case 'flags': {
      const out: Record<string, boolean> = {};
      const n = size(t);
      t.fs.forEach((f, i) => {
        const word = n === 1 ? v.getUint8(ptr) : n === 2 ? v.getUint16(ptr, true) : v.getUint32(ptr + 4 * (i >> 5), true);
        out[f] = ((word >>> (i & 31)) & 1) === 1;
      });
      return out;
    }
    default: {
      const cs = cases(t);
      const d = discSize(cs.length);
      const disc = d === 1 ? v.getUint8(ptr) : d === 2 ? v.getUint16(ptr, true) : v.getUint32(ptr, true);
      if (disc >= cs.length) throw new WebAssembly.RuntimeError('invalid variant discriminant');
      const c = cs[disc];
      const val = c ? load(cx, c, ptr + payloadOffset(t)) : undefined;
      return variantValue(t, disc, val);
    }
  }
}

function variantValue(t: WitType, disc: number, val: unknown): unknown {
  switch (t.k) {
    case 'enum': return t.cs[disc];
    case 'option': return disc === 0 ? undefined : val;
    case 'result': return { tag: disc === 0 ? 'ok' : 'err', val };
    case 'variant': return { tag: t.cs[disc]![0], val };
    default: throw new Error('canon: not a variant');
  }
}

export function liftList(cx: Ctx, e: WitType, ptr: number, len: number): unknown {
  // A copy (the implementation may keep it); TypedArray#slice, much cheaper than ArrayBuffer#slice on a wasm memory.
  if (e.k === 'u8') {
    const m = bytes(cx);
    if (ptr + len > m.byteLength) throw new WebAssembly.RuntimeError('list out of bounds');
    return m.slice(ptr, ptr + len);
  }
  const es = size(e);
  const out: unknown[] = [];
  for (let i = 0; i < len; i++) out.push(load(cx, e, ptr + i * es));
  return out;
}

/** Lifts a value of type t from flat core values, starting at args[at.i]. */
export function liftFlat(cx: Ctx, t: WitType, args: (number | bigint)[], at: { i: number }): unknown {
  const next = (): number | bigint => args[at.i++]!;
  const i32 = (): number => Number(next()) | 0;
  switch (t.k) {
    case 'bool': return i32() !== 0;
    case 'u8': return i32() & 0xff;
    case 's8': return (i32() << 24) >> 24;
    case 'u16': return i32() & 0xffff;
    case 's16': return (i32() << 16) >> 16;
    case 'u32': return i32() >>> 0;
    case 's32': return i32();
    case 'u64': return BigInt.asUintN(64, BigInt(next()));
    case 's64': return BigInt.asIntN(64, BigInt(next()));
    case 'f32': case 'f64': return Number(next());
    case 'char': return String.fromCodePoint(i32() >>> 0);
    case 'string': { const p = i32() >>> 0; return liftString(cx, p, i32() >>> 0); }
    case 'list': { const p = i32() >>> 0; return liftList(cx, t.e, p, i32() >>> 0); }
    case 'own': return cx.reg.take(table(cx, t.r), i32());
    case 'borrow': return cx.reg.borrow(table(cx, t.r), i32());
    case 'record': return Object.fromEntries(t.fs.map(([n, f]) => [n, liftFlat(cx, f, args, at)]));
    case 'tuple': return t.ts.map((f) => liftFlat(cx, f, args, at));
    case 'flags': {
      const words = flatten(t).map(() => i32());
      return Object.fromEntries(t.fs.map((f, i) => [f, ((words[i >> 5]! >>> (i & 31)) & 1) === 1]));
    }
    default: {
      const cs = cases(t);
      const disc = i32() >>> 0;
      if (disc >= cs.length) throw new WebAssembly.RuntimeError('invalid variant discriminant');
      const width = flatten(t).length - 1;
      const start = at.i;
      const c = cs[disc];
      let val: unknown;
      if (c) {
        // The payload's flat values sit in the joined slots: narrow i64 slots back to what the case holds.
        const want = flatten(c);
        const slots = args.slice(start, start + want.length).map((x, j) => (want[j] === 'i32' && typeof x === 'bigint' ? Number(BigInt.asIntN(32, x)) : x));
        val = liftFlat(cx, c, slots, { i: 0 });
      }
      at.i = start + width;
      return variantValue(t, disc, val);
    }
  }
}

/** Writes v (of type t) at ptr. */
export function store(cx: Ctx, t: WitType, v: unknown, ptr: number): void {
  const dv = view(cx);
  switch (t.k) {
    case 'bool': dv.setUint8(ptr, v ? 1 : 0); return;
    case 'u8': case 's8': dv.setUint8(ptr, Number(v) & 0xff); return;
    case 'u16': case 's16': dv.setUint16(ptr, Number(v) & 0xffff, true); return;
    case 'u32': case 's32': dv.setUint32(ptr, Number(v) >>> 0, true); return;
    case 'u64': case 's64': dv.setBigUint64(ptr, BigInt.asUintN(64, BigInt(v as bigint)), true); return;
    case 'f32': dv.setFloat32(ptr, v as number, true); return;
    case 'f64': dv.setFloat64(ptr, v as number, true); return;
    case 'char': dv.setUint32(ptr, (v as string).codePointAt(0)!, true); return;
    case 'string': case 'list': {
      const [p, n] = t.k === 'list' ? lowerList(cx, t.e, v as ArrayLike<unknown>) : lowerString(cx, v as string);
      const d = view(cx); // realloc may have grown the memory
      d.setUint32(ptr, p, true);
      d.setUint32(ptr + 4, n, true);
      return;
    }
    case 'own': dv.setUint32(ptr, cx.reg.own(table(cx, t.r), v as object), true); return;
    case 'borrow': throw new Error('canon: a borrow cannot be returned');
    case 'record': case 'tuple': {
      const fs = t.k === 'record' ? t.fs : t.ts.map((f, i) => [i, f] as const);
      let o = 0;
      for (const [n, f] of fs) {
        o = alignTo(o, alignment(f));
        store(cx, f, (v as Record<string | number, unknown>)[n], ptr + o);
        o += size(f);
      }
      return;
    }
    case 'flags': {
      const n = size(t);
      const words = flagWords(t.fs, v as Record<string, boolean>);
      if (n === 1) dv.setUint8(ptr, words[0]!);
      else if (n === 2) dv.setUint16(ptr, words[0]!, true);
      else words.forEach((w, i) => dv.setUint32(ptr + 4 * i, w, true));
      return;
    }
    default: {
      const cs = cases(t);
      const [disc, val] = discriminate(t, v);
      const d = discSize(cs.length);
      if (d === 1) dv.setUint8(ptr, disc);
      else if (d === 2) dv.setUint16(ptr, disc, true);
      else dv.setUint32(ptr, disc, true);
      const c = cs[disc];
      if (c) store(cx, c, val, ptr + payloadOffset(t));
    }
  }
}

function flagWords(fs: string[], v: Record<string, boolean>): number[] {
  const words = new Array<number>(Math.max(1, Math.ceil(fs.length / 32))).fill(0);
  fs.forEach((f, i) => {
    if (v?.[f]) words[i >> 5]! |= 1 << (i & 31);
  });
  return words.map((w) => w >>> 0);
}

function discriminate(t: WitType, v: unknown): [number, unknown] {
  switch (t.k) {
    case 'enum': {
      const i = t.cs.indexOf(v as string);
      if (i < 0) throw new TypeError(`invalid enum value ${String(v)}`);
      return [i, undefined];
    }
    case 'option': return v === undefined || v === null ? [0, undefined] : [1, v];
    case 'result': {
      const r = v as { tag: string; val: unknown };
      return [r.tag === 'ok' ? 0 : 1, r.val];
    }
    case 'variant': {
      const r = v as { tag: string; val: unknown };
      const i = t.cs.findIndex((c) => c[0] === r.tag);
      if (i < 0) throw new TypeError(`invalid variant tag ${String(r?.tag)}`);
      return [i, r.val];
    }
    default: throw new Error('canon: not a variant');
  }
}

function lowerString(cx: Ctx, s: string): [number, number] {
  const b = utf8e.encode(s);
  const p = alloc(cx, 1, b.length);
  bytes(cx).set(b, p);
  return [p, b.length];
}

function lowerList(cx: Ctx, e: WitType, v: ArrayLike<unknown>): [number, number] {
  const n = v.length;
  if (e.k === 'u8') {
    const p = alloc(cx, 1, n);
    bytes(cx).set(v as ArrayLike<number>, p);
    return [p, n];
  }
  const es = size(e);
  const p = alloc(cx, alignment(e), n * es);
  for (let i = 0; i < n; i++) store(cx, e, v[i], p + i * es);
  return [p, n];
}

/** A single flat result (a function whose result flattens to one value). */
export function lowerFlat1(cx: Ctx, t: WitType, v: unknown): number | bigint {
  switch (t.k) {
    case 'bool': return v ? 1 : 0;
    case 'u8': case 'u16': case 'u32': return Number(v) >>> 0 | 0;
    case 's8': case 's16': case 's32': return Number(v) | 0;
    case 'u64': case 's64': return BigInt.asIntN(64, BigInt(v as bigint));
    case 'f32': case 'f64': return v as number;
    case 'char': return (v as string).codePointAt(0)! | 0;
    case 'own': return cx.reg.own(table(cx, t.r), v as object);
    case 'enum': return discriminate(t, v)[0];
    case 'flags': return flagWords(t.fs, v as Record<string, boolean>)[0]! | 0;
    case 'record': return lowerFlat1(cx, t.fs[0]![1], (v as Record<string, unknown>)[t.fs[0]![0]]);
    case 'tuple': return lowerFlat1(cx, t.ts[0]!, (v as unknown[])[0]);
    default: throw new Error(`canon: ${t.k} does not lower to one flat value`);
  }
}

/** Resource names a type mentions (the handle tables a function needs). */
export function resourcesOf(t: WitType | undefined, out = new Set<string>()): Set<string> {
  if (!t) return out;
  switch (t.k) {
    case 'own': case 'borrow': out.add(t.r); break;
    case 'list': resourcesOf(t.e, out); break;
    case 'option': resourcesOf(t.t, out); break;
    case 'tuple': t.ts.forEach((x) => resourcesOf(x, out)); break;
    case 'record': t.fs.forEach(([, x]) => resourcesOf(x, out)); break;
    case 'variant': t.cs.forEach(([, x]) => resourcesOf(x, out)); break;
    case 'result': resourcesOf(t.ok, out); resourcesOf(t.err, out); break;
    default:
  }
  return out;
}

/** The global a core module exports for an i64 result its f64 could not hold (load.ts widenI64Results). */
export const WIDE_GLOBAL = 'socklab_i64_result';

export const MAX_FLAT_PARAMS = 16;
export const MAX_FLAT_RESULTS = 1;

// ---- compiled lifting and lowering ------------------------------------------
// The direct bindings lift and lower the same few types millions of times:
// these build, once per signature, a function per type with its layout
// (offsets, discriminant sizes, case numbers) worked out, so a call neither
// walks the type nor allocates beyond the values it produces. They do what
// liftFlat / store / lowerFlat1 do (tests/component-canon.test.ts compares).

/** Lifts a value from flat core values starting at args[i]. */
export type FlatLifter = (cx: Ctx, args: ArrayLike<number | bigint>, i: number) => unknown;
/** Writes a value at ptr. */
export type Storer = (cx: Ctx, v: unknown, ptr: number) => void;

/**
 * viewBytes: a list<u8> parameter is lifted as a view of guest memory, not a
 * copy, for an implementation that copies what it keeps before it returns
 * (writes: the kernel copies from guest memory for preview1 too).
 */
export function compileLiftFlat(t: WitType, viewBytes = false): FlatLifter {
  switch (t.k) {
    case 'bool': return (_cx, a, i) => (Number(a[i]) | 0) !== 0;
    case 'u8': return (_cx, a, i) => Number(a[i]) & 0xff;
    case 'u16': return (_cx, a, i) => Number(a[i]) & 0xffff;
    case 'u32': return (_cx, a, i) => Number(a[i]) >>> 0;
    case 's32': return (_cx, a, i) => Number(a[i]) | 0;
    case 'u64': return (_cx, a, i) => {
      const v = a[i]!;
      return typeof v === 'bigint' && v >= 0n ? v : BigInt.asUintN(64, BigInt(v));
    };
    case 's64': return (_cx, a, i) => BigInt.asIntN(64, BigInt(a[i]!));
    case 'string': return (cx, a, i) => liftString(cx, Number(a[i]) >>> 0, Number(a[i + 1]) >>> 0);
    case 'list': {
      const e = t.e;
      if (viewBytes && e.k === 'u8') {
        return (cx, a, i) => {
          const p = Number(a[i]) >>> 0;
          const end = p + (Number(a[i + 1]) >>> 0);
          const m = bytes(cx);
          if (end > m.byteLength) throw new WebAssembly.RuntimeError('list out of bounds');
          return m.subarray(p, end);
        };
      }
      return (cx, a, i) => liftList(cx, e, Number(a[i]) >>> 0, Number(a[i + 1]) >>> 0);
    }
    case 'borrow': {
      const r = t.r;
      return (cx, a, i) => cx.reg.borrow(table(cx, r), Number(a[i]) | 0);
    }
    case 'own': {
      const r = t.r;
      return (cx, a, i) => cx.reg.take(table(cx, r), Number(a[i]) | 0);
    }
    case 'enum': {
      const cs = t.cs;
      return (_cx, a, i) => {
        const d = Number(a[i]) >>> 0;
        if (d >= cs.length) throw new WebAssembly.RuntimeError('invalid variant discriminant');
        return cs[d];
      };
    }
    default:
      // Records, variants, ...: rarer (addresses), the generic path.
      return (cx, a, i) => liftFlat(cx, t, a as (number | bigint)[], { i });
  }
}

export function compileStore(t: WitType): Storer {
  switch (t.k) {
    case 'bool': return (cx, v, p) => view(cx).setUint8(p, v ? 1 : 0);
    case 'u8': case 's8': return (cx, v, p) => view(cx).setUint8(p, Number(v) & 0xff);
    case 'u16': case 's16': return (cx, v, p) => view(cx).setUint16(p, Number(v) & 0xffff, true);
    case 'u32': case 's32': return (cx, v, p) => view(cx).setUint32(p, Number(v) >>> 0, true);
    case 'u64': case 's64': return (cx, v, p) => view(cx).setBigUint64(p, BigInt.asUintN(64, BigInt(v as bigint)), true);
    case 'list': case 'string': {
      const e = t.k === 'list' ? t.e : undefined;
      return (cx, v, p) => {
        const [lp, n] = e ? lowerList(cx, e, v as ArrayLike<unknown>) : lowerString(cx, v as string);
        const d = view(cx); // realloc may have grown the memory
        d.setUint32(p, lp, true);
        d.setUint32(p + 4, n, true);
      };
    }
    case 'own': {
      const r = t.r;
      return (cx, v, p) => view(cx).setUint32(p, cx.reg.own(table(cx, r), v as object), true);
    }
    case 'record': case 'tuple': {
      const keys: (string | number)[] = t.k === 'record' ? t.fs.map((f) => f[0]) : t.ts.map((_, i) => i);
      const fs = t.k === 'record' ? t.fs.map((f) => f[1]) : t.ts;
      const offs: number[] = [];
      let o = 0;
      for (const f of fs) {
        o = alignTo(o, alignment(f));
        offs.push(o);
        o += size(f);
      }
      const st = fs.map(compileStore);
      return (cx, v, p) => {
        const r = v as Record<string | number, unknown>;
        for (let i = 0; i < st.length; i++) st[i]!(cx, r[keys[i]!], p + offs[i]!);
      };
    }
    case 'result': case 'option': case 'variant': case 'enum': {
      const cs = cases(t);
      const d = discSize(cs.length);
      const off = payloadOffset(t);
      const st = cs.map((c) => (c ? compileStore(c) : undefined));
      const setDisc = (cx: Ctx, p: number, n: number): void => {
        const dv = view(cx);
        if (d === 1) dv.setUint8(p, n);
        else if (d === 2) dv.setUint16(p, n, true);
        else dv.setUint32(p, n, true);
      };
      if (t.k === 'result') {
        return (cx, v, p) => {
          const r = v as { tag: string; val: unknown };
          const n = r.tag === 'ok' ? 0 : 1;
          setDisc(cx, p, n);
          st[n]?.(cx, r.val, p + off);
        };
      }
      if (t.k === 'option') {
        return (cx, v, p) => {
          const n = v === undefined || v === null ? 0 : 1;
          setDisc(cx, p, n);
          if (n) st[1]!(cx, v, p + off);
        };
      }
      const index = new Map<string, number>(t.k === 'enum' ? t.cs.map((c, i) => [c, i]) : t.cs.map((c, i) => [c[0], i]));
      if (t.k === 'enum') {
        return (cx, v, p) => {
          const n = index.get(v as string);
          if (n === undefined) throw new TypeError(`invalid enum value ${String(v)}`);
          setDisc(cx, p, n);
        };
      }
      return (cx, v, p) => {
        const r = v as { tag: string; val: unknown };
        const n = index.get(r?.tag);
        if (n === undefined) throw new TypeError(`invalid variant tag ${String(r?.tag)}`);
        setDisc(cx, p, n);
        st[n]?.(cx, r.val, p + off);
      };
    }
    default:
      return (cx, v, p) => store(cx, t, v, p);
  }
}

/**
 * For a function returning result<T, E> at a return pointer: the stores of
 * an ok value and of an err payload, so the call need not wrap its value in
 * a {tag, val} object first.
 */
export function compileResultStores(t: WitType & { k: 'result' }): { ok: Storer; err: Storer } {
  const d = discSize(2);
  const off = payloadOffset(t);
  const okS = t.ok ? compileStore(t.ok) : undefined;
  const errS = t.err ? compileStore(t.err) : undefined;
  if (d !== 1) throw new Error('canon: a result has a one-byte discriminant');
  return {
    ok: (cx, v, p) => {
      view(cx).setUint8(p, 0);
      okS?.(cx, v, p + off);
    },
    err: (cx, v, p) => {
      view(cx).setUint8(p, 1);
      errS?.(cx, v, p + off);
    },
  };
}

/** lowerFlat1, compiled: a result that flattens to one core value. */
export function compileLowerFlat1(t: WitType): (cx: Ctx, v: unknown) => number | bigint {
  switch (t.k) {
    case 'u8': case 'u16': case 'u32': return (_cx, v) => Number(v) >>> 0 | 0;
    case 's8': case 's16': case 's32': return (_cx, v) => Number(v) | 0;
    case 'u64': case 's64': return (_cx, v) => BigInt.asIntN(64, BigInt(v as bigint));
    case 'own': {
      const r = t.r;
      return (cx, v) => cx.reg.own(table(cx, r), v as object);
    }
    // A result with no payload at all is its discriminant.
    case 'result': return (_cx, v) => ((v as { tag: string }).tag === 'ok' ? 0 : 1);
    default: return (cx, v) => lowerFlat1(cx, t, v);
  }
}

/** A list<u8> parameter as a view of guest memory (compileLiftFlat's viewBytes). */
export function liftBytesView(cx: Ctx, p: number, n: number): Uint8Array {
  const end = p + n;
  const m = bytes(cx);
  if (end > m.byteLength) throw new WebAssembly.RuntimeError('list out of bounds');
  return m.subarray(p, end);
}

/**
 * Source of a JS expression lifting a parameter of type t from its flat
 * core values, the variables named in `slots` (direct.ts generates one
 * function per signature from these, so each call runs straight-line code
 * with no lifter closures or argument arrays). i32 slots hold numbers, i64
 * ones bigints, as V8 passes them. `dep` names a value the code needs (the
 * generated function gets it as a constant). Does what compileLiftFlat does.
 */
export function liftSource(t: WitType, slots: string[], viewBytes: boolean, dep: (v: unknown) => string): string {
  const [x, y] = slots;
  switch (t.k) {
    case 'bool': return `((${x} | 0) !== 0)`;
    case 'u8': return `(${x} & 0xff)`;
    case 'u16': return `(${x} & 0xffff)`;
    case 'u32': return `(${x} >>> 0)`;
    case 's32': return `(${x} | 0)`;
    case 'u64': return `(${x} >= 0n ? ${x} : BigInt.asUintN(64, ${x}))`;
    case 's64': return x!;
    case 'string': return `${dep(liftString)}(cx, ${x} >>> 0, ${y} >>> 0)`;
    case 'list':
      if (viewBytes && t.e.k === 'u8') return `${dep(liftBytesView)}(cx, ${x} >>> 0, ${y} >>> 0)`;
      return `${dep(liftList)}(cx, ${dep(t.e)}, ${x} >>> 0, ${y} >>> 0)`;
    // The table is looked up when the function is made: ${dep} of the resource name stands for it (direct.ts).
    case 'borrow': return `reg.borrow(${dep({ table: t.r })}, ${x} | 0)`;
    case 'own': return `reg.take(${dep({ table: t.r })}, ${x} | 0)`;
    default:
      // Records, variants, ... (addresses): the compiled lifter, from an array of the slots.
      return `${dep(compileLiftFlat(t, viewBytes))}(cx, [${slots.join(', ')}], 0)`;
  }
}
