// stdin/stdout/stderr as open files. Output goes to a sink (the terminal,
// a buffer, a worker message), counted against --max-output; stdin comes
// from a buffer (deterministic) or a host stream fed on demand.
import { E, Errno } from '../abi/errno.js';
import { FileType, POLLHUP, POLLIN, POLLOUT, WOULD_BLOCK, type FileStat, type OpenFile } from './file.js';
import { WaitQueue } from './wait.js';
import { Killed } from './signals.js';
import { fmtBytes, type Process } from './process.js';
import { runCounter } from './ids.js';

export type OutputSink = (bytes: Uint8Array) => void;

const nextIno = runCounter(1n);
function charStat(ino: bigint, tty: boolean): FileStat {
  return { dev: 1n, ino, filetype: tty ? FileType.CharacterDevice : FileType.Unknown, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
}

/** A process's stdout or stderr. tty decides line vs full buffering in wasi-libc, as on Linux. */
export class OutputFile implements OpenFile {
  readonly waitq = new WaitQueue();
  readonly readable = false;
  readonly writable = true;
  nonblock = false;
  append = true;
  refs = 0;
  private readonly ino = nextIno();
  constructor(
    private readonly proc: Process,
    private readonly sink: OutputSink,
    readonly tty: boolean,
    readonly label: string,
  ) {}
  get filetype(): FileType {
    return this.tty ? FileType.CharacterDevice : FileType.Unknown;
  }
  /** strace -yy's view: the terminal when run on one, else the pipe socklab's host end reads (as `cmd | cat` would show). */
  describe(): string {
    return (this.desc ??= this.tty ? '/dev/pts/0' : `pipe:[${this.ino}]`);
  }
  private desc: string | undefined;
  poll(): number {
    return POLLOUT;
  }
  read(): number {
    throw new Errno(E.EBADF);
  }
  write(iovs: Uint8Array[]): number {
    let n = 0;
    for (const v of iovs) n += v.length;
    if (n === 0) return 0;
    const max = this.proc.kernel.limits.maxOutput;
    const p = this.proc;
    if (max !== undefined && p.outputBytes + n > max) {
      // Deliver what fits, then stop the process as RLIMIT_FSIZE would (SIGXFSZ).
      let room = max - p.outputBytes;
      for (const v of iovs) {
        if (room <= 0) break;
        const part = v.subarray(0, room);
        this.sink(part.slice());
        room -= part.length;
      }
      p.outputBytes = max;
      throw new Killed('SIGXFSZ', `output limit exceeded: more than ${fmtBytes(max)} written to stdout/stderr`);
    }
    p.outputBytes += n;
    if (iovs.length === 1) this.sink(iovs[0]!.slice());
    else {
      const all = new Uint8Array(n);
      let o = 0;
      for (const v of iovs) {
        all.set(v, o);
        o += v.length;
      }
      this.sink(all);
    }
    return n;
  }
  stat(): FileStat {
    return charStat(this.ino, this.tty);
  }
  close(): void {}
}

/** Where stdin's bytes come from when they are not all known up front. */
export interface StdinSource {
  /** Called when a read finds no data: start delivering (feed/end). */
  demand(): void;
}

export class StdinFile implements OpenFile {
  readonly waitq = new WaitQueue();
  readonly readable = true;
  readonly writable = false;
  nonblock = false;
  append = false;
  refs = 0;
  private chunks: Uint8Array[] = [];
  private eof = false;
  private release: (() => void) | undefined;
  private readonly ino = nextIno();

  constructor(
    private readonly kernel: Process['kernel'],
    data: Uint8Array | undefined,
    private readonly source: StdinSource | undefined,
    readonly tty = false,
  ) {
    if (data) {
      if (data.length) this.chunks.push(data);
      if (!source) this.eof = true;
    } else if (!source) this.eof = true;
  }
  get filetype(): FileType {
    return this.tty ? FileType.CharacterDevice : FileType.Unknown;
  }
  /** As stdout's: the terminal, or the pipe socklab's host end writes (its buffer or the inherited stream). */
  describe(): string {
    return (this.desc ??= this.tty ? '/dev/pts/0' : `pipe:[${this.ino}]`);
  }
  private desc: string | undefined;
  feed(bytes: Uint8Array): void {
    if (bytes.length) this.chunks.push(bytes);
    this.settle();
  }
  end(): void {
    this.eof = true;
    this.settle();
  }
  private settle(): void {
    const r = this.release;
    this.release = undefined;
    this.waitq.wake();
    r?.();
    this.kernel.kick();
  }
  poll(): number {
    if (this.chunks.length) return POLLIN;
    if (this.eof) return POLLIN | POLLHUP;
    this.want();
    return 0;
  }
  private want(): void {
    if (!this.release && this.source && !this.eof) {
      this.release = this.kernel.holdExternal();
      this.source.demand();
    }
  }
  read(iovs: Uint8Array[]): number {
    if (!this.chunks.length) {
      if (this.eof) return 0;
      this.want();
      return WOULD_BLOCK;
    }
    let n = 0;
    for (const v of iovs) {
      let o = 0;
      while (o < v.length && this.chunks.length) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, v.length - o);
        v.set(c.subarray(0, k), o);
        o += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
      n += o;
      if (o < v.length) break;
    }
    return n;
  }
  write(): number {
    throw new Errno(E.EBADF);
  }
  stat(): FileStat {
    return charStat(this.ino, this.tty);
  }
  close(): void {
    this.release?.();
    this.release = undefined;
  }
}
