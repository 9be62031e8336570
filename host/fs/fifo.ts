// Named pipes (mkfifo): opening one as Linux's fifo_open does. The FIFO's
// inode (memfs.ts FifoNode) holds a pipe (kernel/pipe.ts) while any end is
// open; every open of it is an end of that one pipe, and the data goes when
// the last end closes. A blocking O_RDONLY open waits until a writer has
// opened since (the writers' counter moved), O_WRONLY until a reader has;
// O_RDONLY|O_NONBLOCK opens at once, O_WRONLY|O_NONBLOCK with no reader
// fails with ENXIO, O_RDWR never waits. An end waiting in open already
// counts as a reader or writer, as on Linux (a waiting reader lets a
// non-blocking writer in). The wait goes through the FIFO's wait queue; a
// signal ends it (onInterrupt below) and the call restarts or fails EINTR.
import { E, Errno } from '../abi/errno.js';
import { Pipe, PipeEnd } from '../kernel/pipe.js';
import { POLLHUP, type FileStat } from '../kernel/file.js';
import { WaitQueue } from '../kernel/wait.js';
import { BLOCKED } from '../kernel/syscall.js';
import { onProcessExit, type Process } from '../kernel/process.js';
import { S_IFIFO, type FifoNode } from './memfs.js';

/** What Linux's pipe_inode_info keeps for a FIFO besides the buffer. */
class FifoState {
  pipe: Pipe | undefined;
  /** r_counter, w_counter: opens of each kind ever made (a waiting open waits for the other to move). */
  rCounter = 0;
  wCounter = 0;
  /** Openers sleep here until a partner opens. */
  readonly waitq = new WaitQueue();
  /** Ends made by opens still waiting for a partner, by process (the open call runs again when woken). */
  readonly pending = new Map<Process, { end: FifoEnd; start: number }>();
}

const states = new WeakMap<FifoNode, FifoState>();
/** The FIFO a process's blocked open waits on (for onInterrupt). */
const waiting = new WeakMap<Process, FifoState>();

function stateOf(node: FifoNode): FifoState {
  let s = states.get(node);
  if (!s) states.set(node, (s = new FifoState()));
  return s;
}

/** An open of a FIFO: one end (or both, O_RDWR) of the FIFO's pipe, named by its path. */
export class FifoEnd extends PipeEnd {
  /** w_counter when a non-blocking reader opened with no writer: no POLLHUP until a writer came (pipe_poll's f_version). */
  private readonly seenW: number;
  constructor(
    readonly node: FifoNode,
    private readonly state: FifoState,
    pipe: Pipe,
    end: 'read' | 'write' | 'both',
    private readonly path: string,
    seenW: number,
  ) {
    super(pipe, end);
    this.seenW = seenW;
  }
  override describe(): string {
    return this.path;
  }
  override poll(): number {
    const m = super.poll();
    return this.readable && this.pipe.writers === 0 && this.state.wCounter === this.seenW ? m & ~POLLHUP : m;
  }
  override stat(): FileStat {
    const t = this.node.times;
    return { dev: 1n, ino: this.node.ino, filetype: 0, nlink: BigInt(this.node.nlink), size: 0n, atim: t.atim, mtim: t.mtim, ctim: t.ctim, mode: S_IFIFO | this.node.mode };
  }
  override chmod(mode: number): void {
    this.node.mode = mode;
  }
  override close(): void {
    super.close();
    // The last end gone: the buffer (and anything left in it) goes with it.
    if (this.state.pipe === this.pipe && this.pipe.readers === 0 && this.pipe.writers === 0) this.state.pipe = undefined;
  }
}

/** fifo_open's result when the open must wait: the handler returns `code` (BLOCKED, or EINTR). */
export class FifoWait {
  constructor(readonly code: number) {}
}

/**
 * Opens `node` (reached as `path`): the end, ENXIO, or throws FifoWait after
 * putting the process to sleep. Without a process (exec's module file, a
 * WASI 0.2 component's open, which cannot sleep there) it never waits.
 */
export function openFifo(node: FifoNode, path: string, wantRead: boolean, wantWrite: boolean, nonblock: boolean, p: Process | undefined): FifoEnd {
  const s = stateOf(node);
  const again = p ? s.pending.get(p) : undefined;
  if (again) {
    const moved = again.end.readable ? s.wCounter !== again.start : s.rCounter !== again.start;
    if (moved) {
      s.pending.delete(p!);
      waiting.delete(p!);
      return again.end;
    }
    return sleep(p!, s);
  }
  const canWait = !nonblock && p !== undefined;
  if (wantWrite && !wantRead && nonblock && (s.pipe?.readers ?? 0) === 0) throw new Errno(E.ENXIO);
  const pipe = (s.pipe ??= new Pipe());
  if (wantRead && wantWrite) {
    s.rCounter++;
    s.wCounter++;
    s.waitq.wake();
    return new FifoEnd(node, s, pipe, 'both', path, -1);
  }
  if (wantRead) {
    s.rCounter++;
    const alone = pipe.writers === 0;
    const end = new FifoEnd(node, s, pipe, 'read', path, alone && !canWait ? s.wCounter : -1);
    s.waitq.wake();
    if (!alone || !canWait) return end;
    s.pending.set(p!, { end, start: s.wCounter });
    return sleep(p!, s);
  }
  s.wCounter++;
  const end = new FifoEnd(node, s, pipe, 'write', path, -1);
  s.waitq.wake();
  if (pipe.readers > 0 || !canWait) return end;
  s.pending.set(p!, { end, start: s.rCounter });
  return sleep(p!, s);
}

function sleep(p: Process, s: FifoState): never {
  waiting.set(p, s);
  const r = p.block([s.waitq]);
  if (r !== BLOCKED) fifoOpenInterrupted(p);
  throw new FifoWait(r === BLOCKED ? BLOCKED : E.EINTR);
}

/** A signal ended a process's wait in open: its end goes (Linux's err_rd/err_wr), the call restarts or fails. Also as it exits (killed while it waited). */
export function fifoOpenInterrupted(p: Process): void {
  const s = waiting.get(p);
  if (!s) return;
  waiting.delete(p);
  const w = s.pending.get(p);
  if (!w) return;
  s.pending.delete(p);
  w.end.close();
}

// A process killed while it waits in open lets its end go at once, as Linux's does when the open returns -EINTR
// to a dying task: the other side no longer counts it as a reader or writer.
onProcessExit(fifoOpenInterrupted);
