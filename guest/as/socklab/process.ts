// The typed layer for processes and pipes: fork, waitpid, kill, pipe, dup. Each
// method makes exactly one raw call (named in its comment), so the trace
// shows clone(...), wait4(...), pipe2(...) as for a C program. The raw
// layer has the C names (fork, waitpid, kill, pipe2, dup2, ...).
import * as raw from "./raw";
import { Result, Socket, SocketError } from "./socket";

/** How a child ended, as waitpid reported it: the raw status and Linux's W* decoding of it. */
export class WaitStatus {
  constructor(readonly pid: i32, readonly status: i32) {}

  /** The child called exit(): `exitCode` holds its status. */
  get exited(): bool {
    return raw.WIFEXITED(this.status);
  }

  get exitCode(): i32 {
    return raw.WEXITSTATUS(this.status);
  }

  /** A signal ended it: `signal` holds its number. */
  get signaled(): bool {
    return raw.WIFSIGNALED(this.status);
  }

  get signal(): i32 {
    return raw.WTERMSIG(this.status);
  }
}

/** The two ends of a pipe; each is read, written and closed like a Socket (fd_read, fd_write, close). */
export class Pipe {
  constructor(readonly reader: Socket, readonly writer: Socket) {}
}

function checked(call: string, v: i32): Result<i32> {
  return v < 0 ? new Result<i32>(0, new SocketError(call, raw.errno)) : new Result<i32>(v, null);
}

export class Process {
  /** fork(): 0 in the child, the child's pid in the parent. */
  static fork(): Result<i32> {
    return checked("fork", raw.fork());
  }

  /** waitpid(pid, &status, options): pid -1 waits for any child; with WNOHANG a `pid` of 0 means none has ended yet. */
  static waitpid(pid: i32, options: i32 = 0): Result<WaitStatus> {
    const st = memory.data(4, 4);
    store<i32>(st, 0);
    const got = raw.waitpid(pid, st, options);
    if (got < 0) return new Result<WaitStatus>(changetype<WaitStatus>(0), new SocketError("waitpid", raw.errno));
    return new Result<WaitStatus>(new WaitStatus(got, load<i32>(st)), null);
  }

  /** pipe2(fds, flags): flags O_NONBLOCK, O_CLOEXEC. */
  static pipe(flags: i32 = 0): Result<Pipe> {
    const fds = memory.data(8, 4);
    if (raw.pipe2(fds, flags) < 0) return new Result<Pipe>(changetype<Pipe>(0), new SocketError("pipe2", raw.errno));
    return new Result<Pipe>(new Pipe(new Socket(load<i32>(fds)), new Socket(load<i32>(fds, 4))), null);
  }

  /** dup(fd): the lowest free descriptor, sharing fd's open file description. */
  static dup(fd: i32): Result<i32> {
    return checked("dup", raw.dup(fd));
  }

  /** dup2(from, to): `to` now refers to what `from` does (what `to` was is closed first). */
  static dup2(from: i32, to: i32): Result<i32> {
    return checked("dup2", raw.dup2(from, to));
  }

  /** kill(pid, sig): sends signal `sig` (SIGTERM, SIGKILL...; 0 only checks that `pid` exists); ESRCH when no such process. */
  static kill(pid: i32, sig: i32): Result<i32> {
    return checked("kill", raw.kill(pid, sig));
  }

  /** getpid(): cannot fail. */
  static pid(): i32 {
    return raw.getpid();
  }

  /** getppid(): 1 once the parent has exited (the child was re-parented to init). */
  static parentPid(): i32 {
    return raw.getppid();
  }
}
