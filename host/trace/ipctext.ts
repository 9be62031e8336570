// strace's rendering of the System V IPC calls' arguments (ipc.c, ipc_msg.c,
// ipc_msgctl.c, ipc_sem.c, ipc_semctl.c, ipc_shm.c, ipc_shmctl.c in strace), from wasm32's layouts
// (docs/abi.md): struct msgbuf's mtype is a 32-bit long.
import type { GuestMemory } from '../abi/memory.js';
import type { ParamKind } from '../kernel/syscall.js';
import { GETALL, GETNCNT, GETPID, GETVAL, GETZCNT, IPC_RMID, IPC_SET, IPC_STAT, SETALL, SETVAL } from '../kernel/sysvipc.js';

const hexp = (v: number): string => (v ? `0x${(v >>> 0).toString(16)}` : 'NULL');

function flags(v: number, names: readonly [string, number][]): string[] {
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [n, b] of names) if (rest & b) { out.push(n); rest &= ~b; }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}
const GET_FLAGS: readonly [string, number][] = [['IPC_CREAT', 0o1000], ['IPC_EXCL', 0o2000], ['IPC_NOWAIT', 0o4000]];
const MSG_FLAGS: readonly [string, number][] = [['MSG_NOERROR', 0o10000], ['MSG_EXCEPT', 0o20000], ['MSG_COPY', 0o40000], ['IPC_NOWAIT', 0o4000]];
const SEM_FLAGS: readonly [string, number][] = [['SEM_UNDO', 0x1000], ['IPC_NOWAIT', 0o4000]];
const IPC_CMDS: Record<number, string> = { [IPC_RMID]: 'IPC_RMID', [IPC_SET]: 'IPC_SET', [IPC_STAT]: 'IPC_STAT', 3: 'IPC_INFO' };
const MSG_CMDS: Record<number, string> = { ...IPC_CMDS, 11: 'MSG_STAT', 12: 'MSG_INFO', 13: 'MSG_STAT_ANY' };
const SHM_FLAGS: readonly [string, number][] = [['SHM_RDONLY', 0o10000], ['SHM_RND', 0o20000], ['SHM_REMAP', 0o40000], ['SHM_EXEC', 0o100000]];
const SHM_CMDS: Record<number, string> = { ...IPC_CMDS, 11: 'SHM_LOCK', 12: 'SHM_UNLOCK', 13: 'SHM_STAT', 14: 'SHM_INFO', 15: 'SHM_STAT_ANY' };
const SEM_CMDS: Record<number, string> = { ...IPC_CMDS, [GETPID]: 'GETPID', [GETVAL]: 'GETVAL', [GETALL]: 'GETALL', [GETNCNT]: 'GETNCNT', [GETZCNT]: 'GETZCNT', [SETVAL]: 'SETVAL', [SETALL]: 'SETALL', 18: 'SEM_STAT', 19: 'SEM_INFO', 20: 'SEM_STAT_ANY' };

/** A mode as strace's print_numeric_umode_t: 0600, 000. */
const mode = (m: number): string => `0${(m & 0o777).toString(8).padStart(2, '0')}`;
const cmd = (names: Record<number, string>, v: number, unknown: string): string => names[v] ?? `0x${(v >>> 0).toString(16)} /* ${unknown} */`;

function perm(mem: GuestMemory, v: number, full: boolean): string {
  // The whole mode: a removed shm segment's has SHM_DEST (01640).
  const base = `uid=${mem.u32(v + 4)}, gid=${mem.u32(v + 8)}, mode=0${mem.u32(v + 20).toString(8).padStart(2, '0')}`;
  return full ? `{${base}, key=${mem.i32(v)}, cuid=${mem.u32(v + 12)}, cgid=${mem.u32(v + 16)}}` : `{${base}}`;
}

/**
 * One argument of kind `kind` as strace prints it. `ok`: the call succeeded; `args`: all of the call's; `q`: the
 * trace's string quoting at its -s size.
 */
export function ipcArg(kind: ParamKind, mem: GuestMemory, args: readonly unknown[], i: number, ok: boolean, max: number, q: (b: Uint8Array, m: number) => string): string | undefined {
  const v = args[i] as number;
  switch (kind) {
    case 'ipc_key': return v === 0 ? 'IPC_PRIVATE' : `0x${(v >>> 0).toString(16)}`;
    case 'ipc_getflags': return [...flags(v & ~0o777, GET_FLAGS), mode(v)].join('|');
    case 'ipc_msgflags': { const f = flags(v, MSG_FLAGS); return f.length ? f.join('|') : '0'; }
    // The text as long as the size argument says (strace prints msgsz bytes, what the call wrote or not).
    case 'ipc_msgbuf': case 'ipc_msgbuf_out': {
      if (!v || (kind === 'ipc_msgbuf_out' && !ok)) return hexp(v);
      const size = args[i + 1] as number;
      return `{mtype=${mem.i32(v)}, mtext=${q(mem.view(v + 4, Math.min(size >>> 0, max + 1)), max)}}`;
    }
    case 'ipc_msgcmd': return cmd(MSG_CMDS, v, 'MSG_???');
    case 'ipc_semcmd': return cmd(SEM_CMDS, v, 'SEM_???');
    case 'ipc_msqid': {
      const c = args[i - 1] as number;
      if (!v) return 'NULL';
      if (c === IPC_SET) return `{msg_perm=${perm(mem, v, false)}, msg_qbytes=${mem.u32(v + 64)}}`;
      if (c === IPC_STAT && ok) {
        return `{msg_perm=${perm(mem, v, true)}, msg_stime=${mem.i64(v + 32)}, msg_rtime=${mem.i64(v + 40)}, msg_ctime=${mem.i64(v + 48)}, msg_qnum=${mem.u32(v + 60)}, msg_qbytes=${mem.u32(v + 64)}, msg_lspid=${mem.i32(v + 68)}, msg_lrpid=${mem.i32(v + 72)}}`;
      }
      return hexp(v);
    }
    case 'ipc_semarg': {
      const c = args[i - 1] as number;
      if (c === IPC_SET && v) return `{sem_perm=${perm(mem, v, false)}}`;
      if (c === IPC_STAT && ok && v) return `{sem_perm=${perm(mem, v, true)}, sem_otime=${mem.i64(v + 32)}, sem_ctime=${mem.i64(v + 40)}, sem_nsems=${mem.u32(v + 48)}}`;
      return hexp(v);
    }
    case 'ipc_shmflags': { const f = flags(v, SHM_FLAGS); return f.length ? f.join('|') : '0'; }
    case 'ipc_shmcmd': return cmd(SHM_CMDS, v, 'SHM_???');
    case 'ipc_shmid': {
      const c = args[i - 1] as number;
      if (!v) return 'NULL';
      if (c === IPC_SET) return `{shm_perm=${perm(mem, v, false)}}`;
      if (c === IPC_STAT && ok) {
        return `{shm_perm=${perm(mem, v, true)}, shm_segsz=${mem.u32(v + 28)}, shm_cpid=${mem.i32(v + 56)}, shm_lpid=${mem.i32(v + 60)}, shm_nattch=${mem.u32(v + 64)}, shm_atime=${mem.i64(v + 32)}, shm_dtime=${mem.i64(v + 40)}, shm_ctime=${mem.i64(v + 48)}}`;
      }
      return hexp(v);
    }
    case 'ipc_sembuf': {
      const n = Math.min(args[i + 1] as number >>> 0, 1024);
      const parts: string[] = [];
      for (let k = 0; k < n; k++) {
        const at = v + k * 6;
        const f = flags(mem.u16(at + 4), SEM_FLAGS);
        parts.push(`{sem_num=${mem.u16(at)}, sem_op=${(mem.u16(at + 2) << 16) >> 16}, sem_flg=${f.length ? f.join('|') : '0'}}`);
      }
      return `[${parts.join(', ')}]`;
    }
    default: return undefined;
  }
}
