// A trace line built as UTF-8 bytes in one reused buffer. Profiling the
// tracer showed most of its cost was the strings themselves: template
// literals making rope strings per call, the GC behind them, and encoding
// each line to UTF-8 on its way to the file. Writing the bytes straight away
// makes none of that, and the line goes to the trace file's shared tail with
// one copy (host/runner/trace-tail.ts), so a worker stopped by --timeout
// still leaves every line.

/**
 * Bytes made once and written into many lines (ascii()): also as 32-bit
 * words, the last one overlapping the one before it, so putBytes() writes
 * a constant of 4 bytes or more with one DataView store per 4 bytes. A byte
 * at a time cost the tracer more than anything else it did per line.
 */
export class Chunk extends Uint8Array {
  readonly words: Int32Array;
  constructor(src: Uint8Array) {
    super(src.length);
    this.set(src);
    const len = src.length;
    this.words = new Int32Array(len < 4 ? 0 : (len + 3) >> 2);
    const dv = new DataView(this.buffer, this.byteOffset, len);
    for (let k = 0; k < this.words.length; k++) this.words[k] = dv.getInt32(Math.min(4 * k, len - 4), true);
  }
}

/** Bytes of a string of printable ASCII characters (no newline): written with LineBuf.bytes(). */
export function ascii(s: string): Chunk {
  if (!/^[\x20-\x7e]*$/.test(s)) throw new Error(`trace: ${JSON.stringify(s)} is not printable ASCII`);
  return new Chunk(Buffer.from(s, 'latin1'));
}

/** UTF-8 bytes of any string without a newline (a host name, a JSON field): for putBytes() like ascii()'s. */
export function chunk(s: string): Chunk {
  if (s.includes('\n')) throw new Error(`trace: ${JSON.stringify(s)} has a newline`);
  return new Chunk(Buffer.from(s, 'utf8'));
}

/** A DataView of exactly b's bytes. */
export function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Where lines can be written in place: the trace file's shared tail
 * (host/runner/trace-tail.ts). `bytes[0, length)` is held; hold(n) holds
 * more; flush() writes what is held out and empties it.
 */
export interface ByteTarget {
  readonly bytes: Uint8Array;
  readonly length: number;
  hold(length: number): void;
  flush(): void;
}

const ZERO_SECS = ascii('0.000000');

// Unchecked writes at b[n...] that return the new end, for bytes already
// made room for (LineBuf.reserve): a line's fixed parts and numbers go in
// with no bounds check or field store per piece. LineBuf's own methods are
// these with the room checked.

/** A Chunk at dv[n...] (dv: LineBuf.dv, the view of LineBuf.buf). */
export function putBytes(dv: DataView, n: number, a: Chunk): number {
  const len = a.length;
  const w = a.words;
  const k = w.length - 1;
  if (k < 0) {
    for (let i = 0; i < len; i++) dv.setUint8(n + i, a[i]!);
    return n + len;
  }
  for (let i = 0; i < k; i++) dv.setInt32(n + 4 * i, w[i]!, true);
  dv.setInt32(n + len - 4, w[k]!, true);
  return n + len;
}

/** "00".."99" as the little-endian uint16 of their two ASCII digits: numbers go out two digits per store. */
const DIGITS2 = new Uint16Array(100);
for (let i = 0; i < 100; i++) DIGITS2[i] = (48 + ((i / 10) | 0)) | ((48 + (i % 10)) << 8);

/** Decimal digits of a non-negative integer below 2^31. */
function digitsOf(v: number): number {
  if (v < 100000) return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : 5;
  return v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
}

/** The k last digits of v (below 2^31), zero-padded, ending at dv[end]. */
function putDigitsBack(dv: DataView, end: number, v: number, k: number): void {
  let i = end;
  let t = v | 0;
  for (; k >= 2; k -= 2) {
    const q = (t / 100) | 0;
    i -= 2;
    dv.setUint16(i, DIGITS2[t - q * 100]!, true);
    t = q;
  }
  if (k === 1) dv.setUint8(i - 1, 48 + t - ((t / 10) | 0) * 10);
}

/** A non-negative integer below 2^31, as String() writes it (at most 10 bytes). */
export function putSmallUint(dv: DataView, n: number, v: number): number {
  if (v < 10) {
    dv.setUint8(n, 48 + v);
    return n + 1;
  }
  const digits = digitsOf(v);
  putDigitsBack(dv, n + digits, v, digits);
  return n + digits;
}

/** A non-negative integer below 2^53, as String() writes it (at most 16 bytes). */
export function putUint(dv: DataView, n: number, v: number): number {
  if (v < 0x80000000) return putSmallUint(dv, n, v);
  // The digits above the last 9 (below 2^53 / 1e9: int32), then those 9.
  let hi = Math.floor(v / 1e9);
  let lo = v - hi * 1e9;
  // v / 1e9 rounded up to the next integer: one less.
  if (lo < 0) {
    hi -= 1;
    lo += 1e9;
  }
  const at = putSmallUint(dv, n, hi);
  putDigitsBack(dv, at + 9, lo, 9);
  return at + 9;
}

/** "." and 6 digits of frac (below 10^6). */
function putMicros(dv: DataView, at: number, frac: number): number {
  dv.setUint8(at, 46);
  putDigitsBack(dv, at + 7, frac, 6);
  return at + 7;
}

/** Seconds with 6 decimals as (ns / 1e9).toFixed(6) prints them, for whole microseconds up to 9e15 ns (at most 24 bytes); -1 for any other value. */
export function putSecs(dv: DataView, n: number, ns: number): number {
  // The virtual clock's whole microseconds below 2^31 (35 minutes): int32 arithmetic only.
  const us = ns / 1000;
  if (us >= 0 && us < 2147483648 && (us | 0) === us) {
    const s = (us / 1000000) | 0;
    return putMicros(dv, putSmallUint(dv, n, s), us - s * 1000000);
  }
  if (ns >= 0 && ns <= 9e15 && ns % 1000 === 0) {
    const s = Math.floor(us / 1e6);
    return putMicros(dv, putUint(dv, n, s), (us - s * 1e6) | 0);
  }
  return -1;
}

const PRIME_ROUNDS = 3;
// Type feedback for every branch of the number writers, made once when the module loads. A trace's
// numbers gain digits as it goes (a sequence number reaching 10000, a clock reaching 10^8 ns): a
// branch that had never run when V8 optimised the writer (and the line writers it is inlined into)
// has no feedback, so reaching it throws the optimised code away and the lines run unoptimised
// until V8 compiles it again, at every new digit count. Enough calls here for V8 to record them.
{
  const dv = viewOf(new Uint8Array(32));
  // One value per digit count, and one past int32 (putUint's, putSecs's second path).
  const values = [0, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 2147483648, 1e12];
  for (let round = 0; round < PRIME_ROUNDS; round++) {
    for (const v of values) {
      putUint(dv, 0, v);
      putSecs(dv, 0, v * 1000);
    }
  }
}

/** A line of the trace in progress. Text columns count UTF-16 units, as the string code this replaces did. */
export class LineBuf {
  buf: Uint8Array = Buffer.allocUnsafe(1024);
  /** A view of buf, for putBytes(). */
  dv: DataView = viewOf(this.buf);
  n = 0;
  /** Where the line began in buf. */
  start = 0;
  /** Where column 0 is (the line's start, or past the last newline written), and the bytes beyond one per UTF-16 unit since then. */
  private col0 = 0;
  private extra = 0;

  /** With a target, lines are written straight into its held bytes: no copy, and a stopped worker's tail still has them. */
  constructor(private readonly target?: ByteTarget) {}

  /** Starts a line. */
  reset(): void {
    const t = this.target;
    if (t !== undefined) {
      if (this.buf !== t.bytes) this.setBuf(t.bytes);
    } else if (this.buf.length > 1 << 16) this.setBuf(Buffer.allocUnsafe(1024));
    this.n = this.start = this.col0 = t !== undefined ? t.length : 0;
    this.extra = 0;
  }

  private setBuf(b: Uint8Array): void {
    this.buf = b;
    this.dv = viewOf(b);
  }

  /** Ends the line: held by the target (true), or left in buf[start, n) for the caller (false). */
  end(): boolean {
    const t = this.target;
    if (t === undefined || this.buf !== t.bytes) return false;
    t.hold(this.n);
    return true;
  }

  /** The column the next character lands in. */
  column(): number {
    return this.n - this.col0 - this.extra;
  }

  /** Makes room for k more bytes at buf[n...] (the line may move: read buf and n after). */
  reserve(k: number): void {
    if (this.n + k > this.buf.length) this.spill(k);
  }

  private room(k: number): void {
    if (this.n + k > this.buf.length) this.spill(k);
  }

  /** No room for k more bytes: the target's held lines go out, or the line moves to a larger buffer. */
  private spill(k: number): void {
    const part = this.n - this.start;
    const t = this.target;
    if (t !== undefined && this.buf === t.bytes) {
      // The target is full: out with the lines before this one, and this one moves to the start of its bytes
      // (the same buffer, or the next slot of runner/trace-tail.ts: the one handed over is not written again).
      t.flush();
      const next = t.bytes;
      if (part + k <= next.length) {
        if (next === this.buf) next.copyWithin(0, this.start, this.n);
        else {
          next.set(this.buf.subarray(this.start, this.n), 0);
          this.setBuf(next);
        }
        this.col0 -= this.start;
        this.start = 0;
        this.n = part;
        return;
      }
    }
    // A line longer than the target (or the private buffer): in a buffer of its own.
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, part + k));
    b.set(this.buf.subarray(this.start, this.n), 0);
    this.col0 -= this.start;
    this.start = 0;
    this.n = part;
    this.setBuf(b);
  }

  /** A string, UTF-8 encoded as Buffer.from(s) would be (a lone surrogate as U+FFFD). */
  str(s: string): void {
    const len = s.length;
    this.room(len * 3);
    const b = this.buf;
    let n = this.n;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        b[n++] = c;
        if (c === 10) {
          this.col0 = n;
          this.extra = 0;
        }
      } else if (c < 0x800) {
        b[n++] = 0xc0 | (c >> 6);
        b[n++] = 0x80 | (c & 63);
        this.extra += 1;
      } else if (c >= 0xd800 && c < 0xdc00 && i + 1 < len && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
        b[n++] = 0xf0 | (cp >> 18);
        b[n++] = 0x80 | ((cp >> 12) & 63);
        b[n++] = 0x80 | ((cp >> 6) & 63);
        b[n++] = 0x80 | (cp & 63);
        this.extra += 2;
      } else {
        const u = c >= 0xd800 && c < 0xe000 ? 0xfffd : c;
        b[n++] = 0xe0 | (u >> 12);
        b[n++] = 0x80 | ((u >> 6) & 63);
        b[n++] = 0x80 | (u & 63);
        this.extra += 2;
      }
    }
    this.n = n;
  }

  /** Bytes made by ascii(): no newline, one column each. */
  bytes(a: Chunk): void {
    this.room(a.length);
    this.n = putBytes(this.dv, this.n, a);
  }

  /** One ASCII character. */
  ch(c: number): void {
    this.room(1);
    this.buf[this.n++] = c;
  }

  /** A non-negative integer below 2^53, as String() writes it (int32 arithmetic below 2^31). */
  uint(v: number): void {
    this.room(16);
    this.n = putUint(this.dv, this.n, v);
  }

  /** A number as String() (and JSON.stringify, for finite ones) writes it. */
  num(v: number): void {
    if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
      if (v >= 0) this.uint(v);
      else {
        this.ch(45);
        this.uint(-v);
      }
    } else if (v > 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v) this.uint(v);
    else this.str(String(v));
  }

  /** Seconds with 6 decimals, as (ns / 1e9).toFixed(6) prints them; whole microseconds without toFixed. */
  secs(ns: number): void {
    if (ns === 0) {
      // A call that took no virtual time: most of them.
      this.bytes(ZERO_SECS);
      return;
    }
    this.room(24);
    const at = putSecs(this.dv, this.n, ns);
    if (at >= 0) this.n = at;
    else this.str((ns / 1e9).toFixed(6));
  }

  /** A string as JSON.stringify writes it. */
  json(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) {
        this.str(JSON.stringify(s));
        return;
      }
    }
    this.room(s.length + 2);
    const b = this.buf;
    let n = this.n;
    b[n++] = 34;
    for (let i = 0; i < s.length; i++) b[n++] = s.charCodeAt(i);
    b[n++] = 34;
    this.n = n;
  }

  /** The line as a string, for a sink that takes text. */
  text(): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.length).toString('utf8', this.start, this.n);
  }
}

// The same for LineBuf.reserve()'s call to spill(), which a trace to a file first makes when its
// shared tail fills (host/runner/trace-tail.ts), long after V8 optimised the line writers it is
// inlined into: a few calls, then one that spills, on a buffer of its own.
{
  const lb = new LineBuf();
  for (let round = 0; round < 64; round++) {
    lb.reset();
    lb.reserve(8);
  }
  lb.reserve(4096);
}
