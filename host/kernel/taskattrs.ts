// What prctl(2) sets on a task (host/kernel/prctl.ts), kept per process as
// Linux keeps it: comm in the task, pdeath_signal in the task,
// is_child_subreaper and has_child_subreaper in signal_struct, the dumpable
// bits in the mm, no_new_privs in the task's atomic flags, keepcaps in the
// creds' securebits. socklab has no threads, so a process is one task.

/** TASK_COMM_LEN: comm's bytes with its NUL. */
export const TASK_COMM_LEN = 16;
/** SUID_DUMP_USER: a process's dumpable flag as fork and a plain execve leave it. */
export const SUID_DUMP_USER = 1;

/** comm as __set_task_comm makes it: the bytes up to TASK_COMM_LEN - 1. */
export function commOf(name: Uint8Array | string): Uint8Array {
  const b = typeof name === 'string' ? Buffer.from(name) : name;
  const nul = b.indexOf(0);
  return Uint8Array.from(b.subarray(0, Math.min(nul < 0 ? b.length : nul, TASK_COMM_LEN - 1)));
}

/**
 * A started program's comm: Linux's is its file's last part; a guest's file is a .wasm module, whose name without
 * the extension is the name its native build would have (server.wasm's comm is "server").
 */
export function commName(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return base.endsWith('.wasm') ? base.slice(0, -5) : base;
}

export class TaskAttrs {
  /** PR_SET_NAME's name (no NUL). */
  comm: Uint8Array;
  /** PR_SET_PDEATHSIG's signal, 0 for none. */
  pdeathsig = 0;
  /** PR_SET_CHILD_SUBREAPER: orphaned descendants come here rather than to init. */
  subreaper = false;
  /** PR_SET_DUMPABLE: SUID_DUMP_DISABLE (0) or SUID_DUMP_USER (1). */
  dumpable = SUID_DUMP_USER;
  /** PR_SET_NO_NEW_PRIVS: once set, never cleared. */
  noNewPrivs = false;
  /** PR_SET_KEEPCAPS (SECURE_KEEP_CAPS). */
  keepcaps = false;

  constructor(name: string) {
    this.comm = commOf(name);
  }

  /** copy_process: comm, dumpable, no_new_privs and keepcaps are the parent's; pdeath_signal and is_child_subreaper start cleared. */
  forkCopy(): TaskAttrs {
    const t = new TaskAttrs('');
    t.comm = this.comm;
    t.dumpable = this.dumpable;
    t.noNewPrivs = this.noNewPrivs;
    t.keepcaps = this.keepcaps;
    return t;
  }

  /**
   * commit_creds when the effective or fs uid or gid changes: dumpable becomes fs.suid_dumpable (0, Linux's default)
   * and pdeath_signal is cleared, so a process that changed identity is not signalled by its old parent.
   */
  credsChanged(): void {
    this.dumpable = 0;
    this.pdeathsig = 0;
  }

  /**
   * execve (begin_new_exec, setup_new_exec): comm becomes the file's name, the process dumpable again (socklab runs
   * no set-uid image, so pdeath_signal stays), keepcaps cleared (cap_bprm_creds_from_file); the subreaper flag and
   * no_new_privs stay.
   */
  execReset(file: string, sameIds: boolean): void {
    this.comm = commOf(commName(file));
    // Dumpable again unless the effective ids differ from the real ones (then fs.suid_dumpable, 0).
    this.dumpable = sameIds ? SUID_DUMP_USER : 0;
    this.keepcaps = false;
  }
}

/** What find_new_reaper looks at in a process. */
interface Ancestor {
  readonly parent: Ancestor | undefined;
  readonly task: TaskAttrs;
  readonly state: string;
}

/**
 * The new parent of `dead`'s children, as Linux's find_new_reaper: the nearest living ancestor that is a child
 * subreaper, or undefined for init.
 */
export function newReaper<P extends Ancestor>(dead: P): P | undefined {
  for (let a = dead.parent; a; a = a.parent) if (a.task.subreaper && a.state !== 'exited') return a as P;
  return undefined;
}
