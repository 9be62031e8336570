// Bounds-checked access to a guest's linear memory. Every syscall reads and
// writes guest memory only through this class, so a bad pointer or length
// becomes EFAULT and never a host exception.
import { E, Errno } from './errno.js';

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8enc = new TextEncoder();
/** GuestMemory's view cache: 2^VIEW_BITS slots. */
const VIEW_BITS = 4;
const VIEW_SLOTS = 1 << VIEW_BITS;

export class GuestMemory {
  private buf: ArrayBuffer;
  /**
   * The current views and length, read directly by the tracer's generated
   * recorders (host/trace/strace.ts), which inline valid() as
   * `ptr > 0 && ptr + len <= bytes && u8.length !== 0`: a stale view (the
   * memory grew) reads length 0, and they leave that rare call to the
   * checked path. Only fresh() assigns them.
   * @internal
   */
  dv: DataView;
  /** @internal see dv */
  u8: Uint8Array;
  /**
   * buf's length, kept as a number: ArrayBuffer's byteLength getter is a
   * builtin call even in optimised code (a sixth of a trivial syscall when
   * fresh and check each read it), where a typed array's length is inlined.
   * @internal see dv
   */
  bytes: number;
  /**
   * The views handed out lately, direct-mapped by pointer: a guest reading or
   * writing the same buffer call after call gets the same view back, with no
   * typed array made per call. Dropped when the memory grows (fresh).
   */
  private readonly vPtr = new Int32Array(VIEW_SLOTS).fill(-1);
  private readonly vLen = new Int32Array(VIEW_SLOTS);
  private vCache: Uint8Array[] = [];
  /** iovecs' array, reused by every call (see iovecs). */
  private readonly iov: Uint8Array[] = [];
  /** single's array. */
  private readonly one: Uint8Array[] = [];

  constructor(readonly memory: WebAssembly.Memory) {
    this.buf = memory.buffer;
    this.dv = new DataView(this.buf);
    this.u8 = new Uint8Array(this.buf);
    this.bytes = this.buf.byteLength;
    this.vCache = new Array<Uint8Array>(VIEW_SLOTS).fill(this.u8);
  }

  /**
   * Views go stale when the guest grows its memory; refresh lazily. Growing
   * a (non-shared) wasm memory detaches its old ArrayBuffer, whose views
   * then read length 0: checking that is inlined, where reading
   * memory.buffer on every access cost a third of a trivial syscall.
   */
  private fresh(): void {
    if (this.u8.length === 0 && this.memory.buffer !== this.buf) {
      this.buf = this.memory.buffer;
      this.dv = new DataView(this.buf);
      this.u8 = new Uint8Array(this.buf);
      this.bytes = this.buf.byteLength;
      this.vPtr.fill(-1);
      this.vCache.fill(this.u8);
    }
  }

  get size(): number {
    this.fresh();
    return this.bytes;
  }

  /** Throws EFAULT unless [ptr, ptr+len) lies inside memory. */
  // No byte of a zero-length range is touched, so no address is wrong for it: Linux's copies of 0 bytes never
  // fault (write(fd, bad, 0) is 0, an empty iovec's base is not looked at).
  check(ptr: number, len: number): void {
    this.fresh();
    if (len !== 0 && (ptr < 0 || len < 0 || ptr + len > this.bytes)) throw new Errno(E.EFAULT);
  }
  valid(ptr: number, len: number): boolean {
    this.fresh();
    return len === 0 || (ptr >= 0 && len >= 0 && ptr + len <= this.bytes);
  }

  u8At(ptr: number): number { this.check(ptr, 1); return this.u8[ptr]!; }
  u16(ptr: number): number { this.check(ptr, 2); return this.dv.getUint16(ptr, true); }
  u16be(ptr: number): number { this.check(ptr, 2); return this.dv.getUint16(ptr, false); }
  u32(ptr: number): number { this.check(ptr, 4); return this.dv.getUint32(ptr, true); }
  i32(ptr: number): number { this.check(ptr, 4); return this.dv.getInt32(ptr, true); }
  u64(ptr: number): bigint { this.check(ptr, 8); return this.dv.getBigUint64(ptr, true); }
  i64(ptr: number): bigint { this.check(ptr, 8); return this.dv.getBigInt64(ptr, true); }

  setU8(ptr: number, v: number): void { this.check(ptr, 1); this.u8[ptr] = v; }
  setU16(ptr: number, v: number): void { this.check(ptr, 2); this.dv.setUint16(ptr, v, true); }
  setU16be(ptr: number, v: number): void { this.check(ptr, 2); this.dv.setUint16(ptr, v, false); }
  setU32(ptr: number, v: number): void { this.check(ptr, 4); this.dv.setUint32(ptr, v >>> 0, true); }
  setI32(ptr: number, v: number): void { this.check(ptr, 4); this.dv.setInt32(ptr, v, true); }
  setU64(ptr: number, v: bigint | number): void {
    this.check(ptr, 8);
    // A safe integer goes as two halves: no BigInt made per call (clock_gettime's hot path).
    if (typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v) {
      const lo = v >>> 0;
      this.dv.setUint32(ptr, lo, true);
      this.dv.setUint32(ptr + 4, (v - lo) / 4294967296, true);
    } else this.dv.setBigUint64(ptr, BigInt(v), true);
  }
  /**
   * A u64 known to be a safe non-negative integer (a clock's nanoseconds): small enough for V8 to
   * inline into clock_gettime's handler, so the number is never boxed on the way.
   */
  setU64Safe(ptr: number, v: number): void {
    this.check(ptr, 8);
    const lo = v >>> 0;
    this.dv.setUint32(ptr, lo, true);
    this.dv.setUint32(ptr + 4, (v - lo) / 4294967296, true);
  }
  setI64(ptr: number, v: bigint | number): void { this.check(ptr, 8); this.dv.setBigInt64(ptr, BigInt(v), true); }

  /** A live view (no copy) of guest bytes; valid until the next memory growth. */
  view(ptr: number, len: number): Uint8Array {
    this.check(ptr, len);
    // Fibonacci hashing: buffers are 16-aligned and often a power of two apart, which low bits would map to one slot.
    const i = Math.imul(ptr, 0x9e3779b1) >>> (32 - VIEW_BITS);
    if (this.vPtr[i] === ptr && this.vLen[i] === len) return this.vCache[i]!;
    const v = this.u8.subarray(ptr, ptr + len);
    this.vPtr[i] = ptr;
    this.vLen[i] = len;
    this.vCache[i] = v;
    return v;
  }
  /** [v], in an array this memory reuses for it: valid until the next single call. */
  single(v: Uint8Array): Uint8Array[] {
    const a = this.one;
    a[0] = v;
    return a;
  }
  /** A copy of guest bytes, safe to keep. */
  read(ptr: number, len: number): Uint8Array {
    return this.view(ptr, len).slice();
  }
  write(ptr: number, data: Uint8Array): void {
    this.check(ptr, data.length);
    this.u8.set(data, ptr);
  }
  fill(ptr: number, len: number, v = 0): void {
    this.check(ptr, len);
    this.u8.fill(v, ptr, ptr + len);
  }

  /** A string of known length (WASI paths). */
  string(ptr: number, len: number): string {
    return utf8.decode(this.view(ptr, len));
  }
  /** A NUL-terminated string of at most max bytes; EFAULT if it runs off memory, ENAMETOOLONG past max. */
  cstring(ptr: number, max = 4096): string {
    this.fresh();
    if (ptr <= 0 && ptr !== 0) throw new Errno(E.EFAULT);
    const end = Math.min(this.bytes, ptr + max + 1);
    for (let i = ptr; i < end; i++) {
      if (this.u8[i] === 0) return utf8.decode(this.u8.subarray(ptr, i));
    }
    if (end === this.bytes) throw new Errno(E.EFAULT);
    throw new Errno(E.ENAMETOOLONG);
  }
  /** Writes s as NUL-terminated bytes into a buffer of cap bytes; returns bytes written without NUL. */
  writeCString(ptr: number, cap: number, s: string): number {
    const b = utf8enc.encode(s);
    if (b.length + 1 > cap) throw new Errno(E.ERANGE);
    this.write(ptr, b);
    this.setU8(ptr + b.length, 0);
    return b.length;
  }

  /**
   * Decodes a WASI/POSIX iovec array (ptr,len pairs of u32) into views. The
   * array is this memory's own, reused by the next iovecs call (a syscall
   * decodes one list and is done with it before the next call): keep a copy
   * to hold on to it.
   */
  iovecs(ptr: number, count: number): Uint8Array[] {
    if (count < 0 || count > 1024) throw new Errno(E.EINVAL);
    this.check(ptr, count * 8);
    const out = this.iov;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const base = this.dv.getUint32(ptr + i * 8, true);
      const len = this.dv.getUint32(ptr + i * 8 + 4, true);
      total += len;
      if (total > 0x7fffffff) throw new Errno(E.EINVAL);
      const v = this.view(base, len);
      // Grown by push, never by length (a holey array is slower to read).
      if (i < out.length) out[i] = v;
      else out.push(v);
    }
    // Setting length is a runtime call: only when the count shrinks (a loop of reads keeps it).
    if (out.length > count) out.length = count;
    return out;
  }

  /**
   * iovecs for a regular file's read or write: Linux copies such a list in
   * order and stops at the first byte it cannot reach, and the call moves
   * what was copied before it (readv into a buffer followed by a bad one
   * reads into the first). So the views end where the first bad iovec stops
   * being memory; EFAULT only when not one byte can be moved. Pipes and
   * sockets fail the whole call instead (iovecs), as Linux's do.
   */
  iovecsToFault(ptr: number, count: number): Uint8Array[] {
    if (count < 0 || count > 1024) throw new Errno(E.EINVAL);
    this.check(ptr, count * 8);
    // The lengths are checked first, as import_iovec does before anything is copied.
    let total = 0;
    for (let i = 0; i < count; i++) {
      total += this.dv.getUint32(ptr + i * 8 + 4, true);
      if (total > 0x7fffffff) throw new Errno(E.EINVAL);
    }
    // The same reused array as iovecs (no allocation per call).
    const out = this.iov;
    let n = 0;
    let moved = 0;
    for (let i = 0; i < count; i++) {
      const base = this.dv.getUint32(ptr + i * 8, true);
      const len = this.dv.getUint32(ptr + i * 8 + 4, true);
      const ok = this.valid(base, len);
      // A bad one: the part of it that is memory, then no more.
      const v = ok ? this.view(base, len) : base < this.bytes ? this.view(base, this.bytes - base) : undefined;
      if (v !== undefined) {
        if (n < out.length) out[n] = v;
        else out.push(v);
        n++;
        moved += v.length;
      }
      if (ok) continue;
      if (moved === 0) throw new Errno(E.EFAULT);
      break;
    }
    if (out.length > n) out.length = n;
    return out;
  }
}

export function encodeUtf8(s: string): Uint8Array {
  return utf8enc.encode(s);
}
export function decodeUtf8(b: Uint8Array): string {
  return utf8.decode(b);
}
