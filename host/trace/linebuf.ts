// A trace line built as UTF-8 bytes in one reused buffer. Profiling the
// tracer showed most of its cost was the strings themselves: template
// literals making rope strings per call, the GC behind them, and encoding
// each line to UTF-8 on its way to the file. Writing the bytes straight away
// makes none of that, and the line goes to the trace file's shared tail with
// one copy (host/runner/trace-tail.ts), so a worker stopped by --timeout
// still leaves every line.

/** A line of the trace in progress. Text columns count UTF-16 units, as the string code this replaces did. */
export class LineBuf {
  buf: Buffer = Buffer.allocUnsafe(1024);
  n = 0;
  /** Where column 0 is (the line's start, or past the last newline written), and the bytes beyond one per UTF-16 unit since then. */
  private col0 = 0;
  private extra = 0;

  reset(): void {
    this.n = 0;
    this.col0 = 0;
    this.extra = 0;
  }

  /** The column the next character lands in. */
  column(): number {
    return this.n - this.col0 - this.extra;
  }

  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + k));
    this.buf.copy(b, 0, 0, this.n);
    this.buf = b;
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

  /** One ASCII character. */
  ch(c: number): void {
    this.room(1);
    this.buf[this.n++] = c;
  }

  /** A non-negative integer below 2^53, as String() writes it. */
  uint(v: number): void {
    this.room(16);
    const b = this.buf;
    if (v < 10) {
      b[this.n++] = 48 + v;
      return;
    }
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    let i = this.n + digits;
    this.n = i;
    for (let t = v; ; ) {
      const q = Math.floor(t / 10);
      b[--i] = 48 + (t - q * 10);
      if (q === 0) break;
      t = q;
    }
  }

  /** A number as String() (and JSON.stringify, for finite ones) writes it. */
  num(v: number): void {
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v && !Object.is(v, -0)) this.uint(v);
    else if (v < 0 && v >= -Number.MAX_SAFE_INTEGER && Math.floor(v) === v) {
      this.ch(45);
      this.uint(-v);
    } else this.str(String(v));
  }

  /** Seconds with 6 decimals, as (ns / 1e9).toFixed(6) prints them; whole microseconds without toFixed. */
  secs(ns: number): void {
    if (ns >= 0 && ns <= 9e15 && ns % 1000 === 0) {
      const us = ns / 1000;
      const s = Math.floor(us / 1e6);
      let frac = us - s * 1e6;
      this.uint(s);
      this.room(7);
      const b = this.buf;
      b[this.n] = 46;
      for (let i = this.n + 6; i > this.n; i--) {
        const q = Math.floor(frac / 10);
        b[i] = 48 + (frac - q * 10);
        frac = q;
      }
      this.n += 7;
      return;
    }
    this.str((ns / 1e9).toFixed(6));
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
    return this.buf.toString('utf8', 0, this.n);
  }
}
