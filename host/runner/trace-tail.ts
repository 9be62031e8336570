// The trace file's tail in shared memory. The worker writes trace text into
// a SharedArrayBuffer and to the file in large chunks, instead of one write
// per syscall; the host thread can write what was still held there after it
// terminated the worker (--timeout stopping a guest that spins without
// syscalls), so a trace to a file is complete however the run ended.
//
// Layout: int32 [0] bytes held; int64 at byte 8: the file offset they belong
// at; the bytes from TAIL_DATA on. Chunks are written at their own offset, so
// writing the tail again after the worker already did changes nothing.
import { closeSync, openSync, writeSync } from 'node:fs';

/** Bytes the worker holds before it writes to the file. */
export const TRACE_TAIL_BYTES = 256 << 10;
const TAIL_DATA = 16;

export function traceTailBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(TAIL_DATA + TRACE_TAIL_BYTES);
}

/** The worker's side: text in, large writes out. */
export class TraceTail {
  private readonly held: Int32Array;
  private readonly offset: BigInt64Array;
  private readonly data: Buffer;
  private len = 0;
  private base = 0;

  constructor(shared: SharedArrayBuffer, private readonly fd: number) {
    this.held = new Int32Array(shared, 0, 1);
    this.offset = new BigInt64Array(shared, 8, 1);
    this.data = Buffer.from(shared, TAIL_DATA);
  }

  write(text: string): void {
    // At most 3 UTF-8 bytes per UTF-16 unit.
    if (this.len + text.length * 3 > this.data.length) {
      this.flush();
      if (text.length * 3 > this.data.length) {
        const b = Buffer.from(text, 'utf8');
        writeAll(this.fd, b, b.length);
        this.advance(b.length);
        return;
      }
    }
    this.len += this.data.write(text, this.len, 'utf8');
    Atomics.store(this.held, 0, this.len);
  }

  /** The tracer's lines are written in place (host/trace/linebuf.ts ByteTarget): the held bytes, their length, hold(n) to hold more. */
  get bytes(): Uint8Array {
    return this.data;
  }

  get length(): number {
    return this.len;
  }

  hold(length: number): void {
    this.len = length;
    // A plain store, once per trace line (Atomics.store's fence cost as much as writing the line): the host
    // thread reads it only once this worker is gone, as it reads the line bytes, which are plain stores too.
    this.held[0] = length;
  }

  /** Writes what is held to the file. */
  flush(): void {
    if (!this.len) return;
    writeAll(this.fd, this.data, this.len);
    const n = this.len;
    this.len = 0;
    // Held bytes drop to none before the offset moves: a worker stopped in between leaves nothing to write twice.
    Atomics.store(this.held, 0, 0);
    this.advance(n);
  }

  private advance(n: number): void {
    this.base += n;
    Atomics.store(this.offset, 0, BigInt(this.base));
  }
}

function writeAll(fd: number, b: Uint8Array, len: number): void {
  let done = 0;
  while (done < len) done += writeSync(fd, b, done, len - done);
}

/** The host thread's side, once the worker is gone: writes the bytes it still held into the trace file. */
export function recoverTraceTail(shared: SharedArrayBuffer, file: string): void {
  const len = Atomics.load(new Int32Array(shared, 0, 1), 0);
  if (len <= 0) return;
  const at = Number(Atomics.load(new BigInt64Array(shared, 8, 1), 0));
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r+');
    const b = new Uint8Array(shared, TAIL_DATA, len);
    let done = 0;
    while (done < len) done += writeSync(fd, b, done, len - done, at + done);
  } catch {
    /* the file is gone or unwritable: nothing more can be saved */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
