// prctl(2) as Linux's kernel/sys.c answers the options socklab keeps (the
// state is the process's TaskAttrs, host/kernel/taskattrs.ts): the task's
// name, the parent-death signal, the child subreaper (the kernel's reparent
// honours it), dumpable, no_new_privs and keepcaps. Any other option is
// EINVAL, as Linux's switch gives for one it does not know.
import { E } from '../abi/errno.js';
import { syscall, type SyscallDef } from './syscall.js';
import type { Process } from './process.js';
import { TASK_COMM_LEN, SUID_DUMP_USER } from './taskattrs.js';

export const PR = {
  PR_SET_PDEATHSIG: 1, PR_GET_PDEATHSIG: 2, PR_GET_DUMPABLE: 3, PR_SET_DUMPABLE: 4, PR_GET_KEEPCAPS: 7, PR_SET_KEEPCAPS: 8,
  PR_SET_NAME: 15, PR_GET_NAME: 16, PR_SET_CHILD_SUBREAPER: 36, PR_GET_CHILD_SUBREAPER: 37, PR_SET_NO_NEW_PRIVS: 38, PR_GET_NO_NEW_PRIVS: 39,
} as const;

/** valid_signal: 0 (none) to _NSIG. */
const NSIG = 64;

/** strncpy_from_user(comm, arg2, TASK_COMM_LEN - 1): EFAULT where the bytes run off memory before a NUL or the 15th byte. */
function readComm(p: Process, ptr: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < TASK_COMM_LEN - 1; i++) {
    const b = p.mem.u8At(ptr + i);
    if (b === 0) break;
    out.push(b);
  }
  return Uint8Array.from(out);
}

function prctl(p: Process, option: number, a2: number, a3: number, a4: number, a5: number, ret: number): number {
  p.mem.check(ret, 4);
  const t = p.task;
  let r = 0;
  a2 >>>= 0;
  switch (option) {
    case PR.PR_SET_NAME:
      t.comm = readComm(p, a2);
      break;
    case PR.PR_GET_NAME: {
      // get_task_comm pads with NULs: all TASK_COMM_LEN bytes are written.
      const buf = new Uint8Array(TASK_COMM_LEN);
      buf.set(t.comm);
      p.mem.write(a2, buf);
      break;
    }
    case PR.PR_SET_PDEATHSIG:
      if (a2 > NSIG) return E.EINVAL;
      t.pdeathsig = a2;
      break;
    case PR.PR_GET_PDEATHSIG:
      p.mem.setI32(a2, t.pdeathsig);
      break;
    case PR.PR_SET_CHILD_SUBREAPER:
      t.subreaper = a2 !== 0;
      break;
    case PR.PR_GET_CHILD_SUBREAPER:
      p.mem.setI32(a2, t.subreaper ? 1 : 0);
      break;
    case PR.PR_GET_DUMPABLE:
      r = t.dumpable;
      break;
    case PR.PR_SET_DUMPABLE:
      // SUID_DUMP_ROOT (2) is the kernel's own setting, not one prctl takes.
      if (a2 !== 0 && a2 !== SUID_DUMP_USER) return E.EINVAL;
      t.dumpable = a2;
      break;
    case PR.PR_SET_NO_NEW_PRIVS:
      if (a2 !== 1 || a3 || a4 || a5) return E.EINVAL;
      t.noNewPrivs = true;
      break;
    case PR.PR_GET_NO_NEW_PRIVS:
      if (a2 || a3 || a4 || a5) return E.EINVAL;
      r = t.noNewPrivs ? 1 : 0;
      break;
    case PR.PR_GET_KEEPCAPS:
      r = t.keepcaps ? 1 : 0;
      break;
    case PR.PR_SET_KEEPCAPS:
      // cap_task_prctl: 0 or 1 (SECURE_KEEP_CAPS_LOCKED, which would be EPERM, is never set in socklab).
      if (a2 > 1) return E.EINVAL;
      t.keepcaps = a2 === 1;
      break;
    default:
      return E.EINVAL;
  }
  p.mem.setI32(ret, r);
  return 0;
}

/** Strace prints every argument per option (host/trace/prctltext.ts); arg2..arg5 are unsigned longs. */
export const prctlSyscalls: SyscallDef[] = [
  syscall('socklab', 'prctl', { strace: 'prctl', classes: [], params: ['option:prctl_option', 'arg2:prctl_arg', 'arg3:prctl_arg', 'arg4:prctl_arg', 'arg5:prctl_arg', 'r:prctl_ret'] }, prctl),
];
