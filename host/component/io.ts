// wasi:io (error, streams, poll) on socklab's kernel objects: a stream is a
// view of an OpenFile (stdio, a socket: host/kernel/file.ts), a pollable is a
// readiness test plus the wait queues that wake it (the same queues preview1
// poll_oneoff waits on).
import { Errno } from '../abi/errno.js';
import { POLLOUT, POLLWRBAND, POLLWRNORM, WOULD_BLOCK, type OpenFile } from '../kernel/file.js';
import type { WaitQueue } from '../kernel/wait.js';
import type { ComponentProcess } from './process.js';

/** What WASI 0.2 says of a failed stream operation (stream-error). */
export type StreamError = { tag: 'closed' } | { tag: 'last-operation-failed'; val: IoError };

/** jco turns a thrown non-Error value into the result's err payload. */
export function fail(payload: unknown): never {
  throw payload;
}

/** wasi:io/error.error */
export class IoError {
  constructor(
    readonly message: string,
    /** The errno behind it, for wasi:filesystem's filesystem-error-code. */
    readonly errno?: number,
  ) {}
  toDebugString(): string {
    return this.message;
  }
}

/** wasi:io/poll.pollable: ready() says whether a blocking call would return now. */
export class Pollable {
  constructor(
    readonly proc: ComponentProcess,
    readonly isReady: () => boolean,
    readonly queues: () => WaitQueue[],
    /** Absolute virtual ns at which it becomes ready by itself (a timer), or -1. */
    readonly deadline = -1,
  ) {}
  ready(): boolean {
    return this.isReady() || (this.deadline >= 0 && this.proc.kernel.clock.now() >= this.deadline);
  }
  block(): void {
    if (!this.ready()) this.proc.suspend(this.queues(), this.deadline);
  }
}

/** wasi:io/poll.poll: indices of the ready pollables, waiting until there is one. */
export function poll(list: Pollable[]): Uint32Array {
  if (list.length === 0) throw new Error('poll of an empty list');
  const ready: number[] = [];
  list.forEach((p, i) => {
    if (p.ready()) ready.push(i);
  });
  if (ready.length) return Uint32Array.from(ready);
  const p = list[0]!.proc;
  const deadlines = list.map((x) => x.deadline).filter((d) => d >= 0);
  p.suspend(list.flatMap((x) => x.queues()), deadlines.length ? Math.min(...deadlines) : -1);
  return new Uint32Array(0);
}

function streamError(e: unknown): never {
  if (e instanceof Errno) fail({ tag: 'last-operation-failed', val: new IoError(`errno ${e.errno}`, e.errno) } satisfies StreamError);
  throw e;
}

/** InputStream.read's buffer (one read is at most 64 KiB). */
const scratch = new Uint8Array(65536);

/** Most bytes one write is allowed to carry (check-write's answer). */
const WRITE_CHUNK = 65536;

/** Whether a read of src would not wait: bytes, the end, or an error (POLLIN, POLLHUP, POLLERR). */
function readable(src: InputStream): boolean {
  return src.eof || (src.file.poll() & ~(POLLOUT | POLLWRNORM | POLLWRBAND)) !== 0;
}

/**
 * input-stream.read. A function, not a method, for the calls that read on the
 * host side (blocking-read, splice): a method is the trace's wrapper.
 * The bytes are in a buffer shared by every stream of the thread, valid
 * until the next read: the direct binding copies them into guest memory at
 * once, and nothing else keeps them.
 */
function readNow(s: InputStream, len: bigint): Uint8Array {
  if (s.eof) fail({ tag: 'closed' });
  const want = len > 65536n ? 65536 : Number(len);
  if (want === 0) return new Uint8Array(0);
  const buf = scratch.subarray(0, want);
  let n: number;
  try {
    n = s.file.read([buf]);
  } catch (e) {
    streamError(e);
  }
  if (n === WOULD_BLOCK) return new Uint8Array(0);
  if (n === 0) {
    s.eof = true;
    fail({ tag: 'closed' });
  }
  return n === want ? buf : buf.subarray(0, n);
}

export class InputStream {
  /** The end was read (a field, not a method: the trace wraps methods only). */
  eof = false;
  constructor(
    readonly proc: ComponentProcess,
    readonly file: OpenFile,
    /** Called when the stream is dropped (a socket's read half). */
    private readonly onDrop?: () => void,
  ) {}
  read(len: bigint): Uint8Array {
    return readNow(this, len);
  }
  blockingRead(len: bigint): Uint8Array {
    if (len > 0n && !readable(this)) {
      // Nothing to read yet (no POLLIN/POLLHUP/POLLERR): wait.
      this.proc.suspend([this.file.waitq]);
      return new Uint8Array(0);
    }
    return readNow(this, len);
  }
  skip(len: bigint): bigint {
    return BigInt(readNow(this, len).length);
  }
  blockingSkip(len: bigint): bigint {
    return BigInt(this.blockingRead(len).length);
  }
  subscribe(): Pollable {
    return new Pollable(this.proc, () => readable(this), () => [this.file.waitq]);
  }
  [Symbol.dispose](): void {
    this.onDrop?.();
  }
}

/**
 * An output stream over an OpenFile. write() never blocks and never drops
 * bytes: what the file cannot take now waits in the stream, check-write says
 * 0 until it has gone, and flush / blocking-flush / subscribe see it drain.
 */
export class OutputStream {
  private closed = false;
  private pending: Uint8Array[] = [];
  constructor(
    readonly proc: ComponentProcess,
    readonly file: OpenFile,
    private readonly onDrop?: () => void,
  ) {}
  /** Moves pending bytes into the file as far as it takes them; true when none are left. */
  #drain(): boolean {
    while (this.pending.length) {
      const head = this.pending[0]!;
      let n: number;
      try {
        n = this.file.write([head]);
      } catch (e) {
        this.pending = [];
        this.closed = e instanceof Errno;
        streamError(e);
      }
      if (n === WOULD_BLOCK || n === 0) return false;
      if (n < head.length) this.pending[0] = head.subarray(n);
      else this.pending.shift();
    }
    return true;
  }
  // The WIT methods call each other through these private ones: a method is the trace's wrapper.
  #checkWrite(): bigint {
    if (this.closed) fail({ tag: 'closed' });
    return this.#drain() ? BigInt(WRITE_CHUNK) : 0n;
  }
  #write(contents: Uint8Array): void {
    if (this.closed) fail({ tag: 'closed' });
    if (contents.length) this.pending.push(contents.slice());
    this.#drain();
  }
  checkWrite(): bigint {
    return this.#checkWrite();
  }
  write(contents: Uint8Array): void {
    this.#write(contents);
  }
  blockingWriteAndFlush(contents: Uint8Array): void {
    if (this.closed) fail({ tag: 'closed' });
    const p = this.proc;
    // Earlier non-blocking writes go first.
    if (!this.#drain()) {
      p.suspend([this.file.waitq]);
      return;
    }
    // A re-run after a wait resumes after the bytes already written (Process.callBytes).
    while (p.callBytes < contents.length) {
      let n: number;
      try {
        n = this.file.write([p.callBytes === 0 ? contents : contents.subarray(p.callBytes)]);
      } catch (e) {
        streamError(e);
      }
      if (n === WOULD_BLOCK) {
        p.suspend([this.file.waitq]);
        return;
      }
      p.callBytes += n;
    }
  }
  flush(): void {
    if (this.closed) fail({ tag: 'closed' });
    this.#drain();
  }
  blockingFlush(): void {
    if (this.closed) fail({ tag: 'closed' });
    if (!this.#drain()) this.proc.suspend([this.file.waitq]);
  }
  writeZeroes(len: bigint): void {
    this.#write(new Uint8Array(Number(len)));
  }
  blockingWriteZeroesAndFlush(len: bigint): void {
    this.blockingWriteAndFlush(new Uint8Array(Number(len)));
  }
  /**
   * Moves what src has now, at most len bytes and what check-write allows,
   * into this stream (wasmtime's splice: a read then a write); the count.
   */
  splice(src: InputStream, len: bigint): bigint {
    const room = this.#checkWrite();
    const n = len < room ? len : room;
    if (n === 0n) return 0n;
    const bytes = readNow(src, n);
    if (bytes.length) this.#write(bytes);
    return BigInt(bytes.length);
  }
  /** splice, once this stream has room and src has bytes or its end. */
  blockingSplice(src: InputStream, len: bigint): bigint {
    if (this.closed) fail({ tag: 'closed' });
    if (!this.#drain()) {
      this.proc.suspend([this.file.waitq]);
      return 0n;
    }
    if (len > 0n && !readable(src)) {
      this.proc.suspend([src.file.waitq]);
      return 0n;
    }
    return this.splice(src, len);
  }
  subscribe(): Pollable {
    return new Pollable(
      this.proc,
      () => {
        if (this.closed) return true;
        try {
          return this.#drain();
        } catch {
          return true;
        }
      },
      () => [this.file.waitq],
    );
  }
  [Symbol.dispose](): void {
    this.onDrop?.();
  }
}

export function ioImports(): Record<string, Record<string, unknown>> {
  return {
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll },
    'wasi:io/streams': { InputStream, OutputStream },
  };
}
