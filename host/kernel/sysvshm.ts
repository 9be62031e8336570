// System V shared memory (ipc/shm.c): shmget, shmat, shmdt, shmctl, with the
// ids of sysvipc.ts (a kind of its own, as Linux's shm_ids) in one namespace
// per kernel. A segment's bytes are one shared region of mman.ts: its store,
// and the process whose memory holds the live copy, copied into whichever
// attached process runs next. An attachment is a mapping of the process
// (mman.ts's Vma with a ShmHook), so fork inherits it, exec and exit detach
// it, and shm_nattch counts mappings as Linux counts vmas.
import { E, Errno } from '../abi/errno.js';
import { syscall, type SyscallDef } from './syscall.js';
import type { Process } from './process.js';
import { Killed } from './signals.js';
import { mapsOf, PAGE, Region, type ShmHook } from './mman.js';
import { get, Ids, IPC_PRIVATE, IPC_READ, IPC_RMID, IPC_SET, IPC_STAT, IPC_WRITE, ipcAllowed, ipcOwner, now, putPerm, setPerm, type Perm } from './sysvipc.js';

export const SHM_RDONLY = 0o10000, SHM_RND = 0o20000, SHM_REMAP = 0o40000, SHM_EXEC = 0o100000;
export const SHM_LOCK = 11, SHM_UNLOCK = 12;
/** shm_perm.mode's flags: removed while attached; SHM_LOCK'd. */
const SHM_DEST = 0o1000, SHM_LOCKED = 0o2000;
/** Linux's limits: SHMMIN, SHMMNI, and a 32-bit kernel's SHMMAX (ULONG_MAX - 2^24), wasm32's size_t being 32 bits. */
const SHMMIN = 1, SHMMNI = 4096, SHMMAX = 0xffffffff - 2 ** 24;
const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
/** struct shmid_ds on wasm32 (docs/abi.md). */
const SHMID_DS = 80;

/** A segment (shmid_kernel); its region is made at the first attach (until then its bytes are zeros). */
class Segment implements ShmHook {
  perm: Perm;
  nattch = 0;
  atime = 0n;
  dtime = 0n;
  ctime: bigint;
  lpid = 0;
  private bytes: Region | undefined;
  private kernel: Process['kernel'] | undefined;
  constructor(private readonly ids: Ids<Segment>, key: number, mode: number, readonly size: number, readonly cpid: number, t: bigint) {
    this.perm = { key, uid: 0, gid: 0, cuid: 0, cgid: 0, mode: mode & 0o777, seq: 0, idx: 0, deleted: false };
    this.ctime = t;
  }
  get region(): Region {
    return this.bytes!;
  }
  /**
   * The store, made at the first attach and counted in the run's memory budget (--max-total-memory) until the
   * segment goes: host memory a segment holds with no process attached. False when it does not fit.
   */
  materialise(p: Process): boolean {
    if (this.bytes) return true;
    const n = Math.ceil(this.size / PAGE) * PAGE;
    if (!p.kernel.memoryFits(n)) return false;
    this.bytes = new Region(n);
    p.kernel.memoryHeld += n;
    this.kernel = p.kernel;
    return true;
  }
  /** IPC_RMID or the last detach after it: the id goes, and the store's bytes leave the budget. */
  destroy(): void {
    this.ids.remove(this);
    if (this.bytes && this.kernel) this.kernel.memoryHeld -= this.bytes.store.length;
    this.bytes = undefined;
  }
  /** __shm_open: an attachment made (shmat, fork, a split mapping). */
  open(p: Process): void {
    this.atime = now(p);
    this.lpid = p.pid;
    this.nattch++;
  }
  /** shm_close: one gone (shmdt, munmap, exec, exit); a removed segment goes with its last. */
  close(p: Process): void {
    this.lpid = p.pid;
    this.dtime = now(p);
    if (--this.nattch === 0 && this.perm.mode & SHM_DEST) this.destroy();
  }
}

const SPACES = new WeakMap<object, Ids<Segment>>();
function ids(p: Process): Ids<Segment> {
  let n = SPACES.get(p.kernel);
  if (!n) SPACES.set(p.kernel, (n = new Ids<Segment>(SHMMNI)));
  return n;
}

function shmget(p: Process, key: number, size: number, flags: number, out: number): number {
  p.mem.check(out, 4);
  size >>>= 0;
  const n = ids(p);
  // newseg's size rule; an existing segment smaller than asked is EINVAL (shm_more_checks).
  const id = get(n, key, flags, () => (size < SHMMIN || size > SHMMAX ? E.EINVAL : new Segment(n, key, flags, size, p.pid, now(p))), (s) => (s.size < size ? E.EINVAL : 0), p.creds);
  if (id < 0) return -id;
  p.mem.setI32(out, id);
  return 0;
}

/**
 * shmat(id, addr, flags, buf, out): do_shmat's checks in its order. Without an address the SDK's buf (page-aligned
 * heap memory of the segment's size) is where it goes. A given address is as mman.ts's MAP_FIXED: wasm's linear
 * memory has no free addresses, so without SHM_REMAP (which may not replace a mapping) it is EINVAL, and with it
 * only where mappings already cover the range (they are replaced).
 */
function shmat(p: Process, id: number, addr: number, flags: number, buf: number, out: number): number {
  addr >>>= 0;
  buf >>>= 0;
  if (id < 0) return E.EINVAL;
  if (addr) {
    if (addr % PAGE) {
      if (!(flags & SHM_RND)) return E.EINVAL;
      addr -= addr % PAGE;
      if (!addr && flags & SHM_REMAP) return E.EINVAL;
    }
  } else if (flags & SHM_REMAP) return E.EINVAL;
  const prot = (flags & SHM_RDONLY ? PROT_READ : PROT_READ | PROT_WRITE) | (flags & SHM_EXEC ? PROT_EXEC : 0);
  const s = ids(p).get(id);
  if (!ipcAllowed(p.creds, s.perm, flags & SHM_RDONLY ? IPC_READ : IPC_READ | IPC_WRITE)) return E.EACCES;
  const n = Math.ceil(s.size / PAGE) * PAGE;
  const fixed = addr !== 0;
  if (fixed) {
    if (addr + n > 2 ** 32) return E.EINVAL;
    const c = p.mman?.covers(addr, addr + n) ?? { all: false, any: false };
    if (!(flags & SHM_REMAP) || !c.all) return E.EINVAL;
  }
  const start = fixed ? addr : buf;
  if (!start || start % PAGE) return E.ENOMEM;
  p.mem.check(start, n);
  p.mem.check(out, 4);
  if (!s.materialise(p)) return E.ENOMEM;
  mapsOf(p).attach(start, n, prot, s, fixed);
  p.mem.setU32(out, start);
  return 0;
}

function shmdt(p: Process, addr: number): number {
  addr >>>= 0;
  if (addr % PAGE) return E.EINVAL;
  return p.mman?.detach(addr) ? 0 : E.EINVAL;
}

/** shmctl(id, cmd, buf) with wasm32's struct shmid_ds (80 bytes, docs/abi.md). */
function shmctl(p: Process, id: number, cmd: number, buf: number): number {
  if (cmd < 0 || id < 0) return E.EINVAL;
  const n = ids(p);
  switch (cmd) {
    case IPC_STAT: {
      const s = n.get(id);
      if (!ipcAllowed(p.creds, s.perm, IPC_READ)) return E.EACCES;
      if (!buf) return E.EFAULT;
      p.mem.check(buf, SHMID_DS);
      putPerm(p, buf, s.perm);
      p.mem.setU32(buf + 28, s.size);
      p.mem.setU64(buf + 32, s.atime);
      p.mem.setU64(buf + 40, s.dtime);
      p.mem.setU64(buf + 48, s.ctime);
      p.mem.setI32(buf + 56, s.cpid);
      p.mem.setI32(buf + 60, s.lpid);
      p.mem.setU32(buf + 64, s.nattch);
      p.mem.setU32(buf + 68, 0);
      p.mem.setU32(buf + 72, 0);
      return 0;
    }
    case IPC_SET: {
      // copy_shmid_from_user comes first: EFAULT before the id is looked up.
      if (!buf) return E.EFAULT;
      p.mem.check(buf, SHMID_DS);
      const s = n.get(id);
      if (!ipcOwner(p.creds, s.perm)) return E.EPERM;
      setPerm(p, buf, s.perm);
      s.ctime = now(p);
      return 0;
    }
    case IPC_RMID: {
      // do_shm_rmid: attached, it is marked and its key made private until the last detach.
      const s = n.get(id);
      if (!ipcOwner(p.creds, s.perm)) return E.EPERM;
      if (s.nattch) {
        s.perm.mode |= SHM_DEST;
        s.perm.key = IPC_PRIVATE;
      } else s.destroy();
      return 0;
    }
    case SHM_LOCK: case SHM_UNLOCK: {
      // Nothing is ever swapped out: the flag is kept and reported (the guest is root, CAP_IPC_LOCK).
      const s = n.get(id);
      s.perm.mode = cmd === SHM_LOCK ? s.perm.mode | SHM_LOCKED : s.perm.mode & ~SHM_LOCKED;
      return 0;
    }
    default: return E.EINVAL;
  }
}

/**
 * The SDK's look-up before shmat, in the C library's stead (no system call: no trace line, no clock tick, as
 * setjmp's): the size of the segment id names, 0 for none. An out pointer outside memory is the SDK's own store
 * faulting: SIGSEGV, as setjmp's jmp_buf.
 */
function shmSize(p: Process, id: number, out: number): number {
  if (!p.mem.valid(out, 4)) throw new Killed('SIGSEGV', 'killed by SIGSEGV: shmat\'s size look-up outside its memory');
  let size = 0;
  try {
    size = ids(p).get(id).size;
  } catch (e) {
    if (!(e instanceof Errno)) throw e;
  }
  p.mem.setU32(out, size);
  return 0;
}

const S = 'socklab';
export const sysvshmSyscalls: readonly SyscallDef[] = [
  syscall(S, 'shmget', { strace: 'shmget', classes: ['ipc'], params: ['key:ipc_key', 'size:u32', 'flags:ipc_getflags', 'id:ret'] }, shmget),
  syscall(S, 'shmat', { strace: 'shmat', classes: ['ipc', 'memory'], params: ['id:i32', 'addr:ptr', 'flags:ipc_shmflags', 'buf:skip', 'addr:ret_addr'] }, shmat),
  syscall(S, 'shmdt', { strace: 'shmdt', classes: ['ipc', 'memory'], params: ['addr:ptr'] }, shmdt),
  syscall(S, 'shmctl', { strace: 'shmctl', classes: ['ipc'], params: ['id:i32', 'cmd:ipc_shmcmd', 'buf:ipc_shmid'] }, shmctl),
  syscall(S, 'shm_size', { params: ['id:i32', 'out:ptr'], userspace: true }, shmSize),
];
