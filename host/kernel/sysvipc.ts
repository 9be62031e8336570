// System V message queues and semaphores (ipc/msg.c, ipc/sem.c, ipc/util.c),
// one IPC namespace per kernel (a run). Ids are Linux's: a slot index from a
// cyclic allocator (idr_alloc_cyclic over max(in_use*3/2, 64) slots) plus its
// sequence number << 15, the sequence growing each time the index wraps, so a
// fresh namespace hands out 0, 1, 2... as Linux does after boot (docs/abi.md).
// A blocked msgrcv is handed its message by the sender (pipelined_send) and a
// blocked semop is done by whoever made it possible (update_queue), both in
// the order the waiters came: the wake order is Linux's, not the scheduler's.
// Shared memory is sysvshm.ts's, with these ids and helpers.
import { E, Errno } from '../abi/errno.js';
import { syscall, type SyscallDef } from './syscall.js';
import { onProcessExit, type Process } from './process.js';
import { WaitQueue } from './wait.js';

export const IPC_PRIVATE = 0;
export const IPC_CREAT = 0o1000;
export const IPC_EXCL = 0o2000;
export const IPC_NOWAIT = 0o4000;
export const IPC_RMID = 0;
export const IPC_SET = 1;
export const IPC_STAT = 2;
export const MSG_NOERROR = 0o10000;
export const MSG_EXCEPT = 0o20000;
export const SEM_UNDO = 0x1000;
export const GETPID = 11, GETVAL = 12, GETALL = 13, GETNCNT = 14, GETZCNT = 15, SETVAL = 16, SETALL = 17;

/** Linux's defaults (include/uapi/linux/msg.h, sem.h). */
const MSGMAX = 8192, MSGMNB = 16384, MSGMNI = 32000;
const SEMMSL = 32000, SEMMNI = 32000, SEMOPM = 500, SEMVMX = 32767, SEMAEM = SEMVMX;
/** IPCMNI_SHIFT: an id is seq << 15 | index. */
const SEQ_SHIFT = 15, IPCMNI = 1 << SEQ_SHIFT, SEQ_MAX = 0x7fffffff >> SEQ_SHIFT, MIN_CYCLE = 64;

/** struct ipc_perm's fields (wasm32's layout: docs/abi.md); socklab's processes are all uid 0. */
export interface Perm { key: number; uid: number; gid: number; cuid: number; cgid: number; mode: number; seq: number; idx: number; deleted: boolean }

/** One kind's ids (ipc_ids): objects by index, the cyclic allocator's state. */
export class Ids<T extends { perm: Perm }> {
  readonly byIdx = new Map<number, T>();
  private seq = 0;
  private lastIdx = -1;
  private next = 0;
  constructor(private readonly max: number) {}
  /** ipc_idr_alloc: the next free index at or after the last one, wrapping within max(in_use*3/2, 64). */
  alloc(obj: T): number {
    if (this.byIdx.size >= this.max) return -E.ENOSPC;
    const limit = Math.min(Math.max(Math.floor(this.byIdx.size * 3 / 2), MIN_CYCLE), IPCMNI);
    let idx = this.free(Math.max(this.next, 0), limit);
    if (idx < 0) idx = this.free(0, limit);
    if (idx < 0) return -E.ENOSPC;
    this.next = idx + 1;
    if (idx <= this.lastIdx && ++this.seq >= SEQ_MAX) this.seq = 0;
    this.lastIdx = idx;
    obj.perm.seq = this.seq;
    obj.perm.idx = idx;
    this.byIdx.set(idx, obj);
    return (this.seq << SEQ_SHIFT) + idx;
  }
  private free(from: number, limit: number): number {
    for (let i = from; i < limit; i++) if (!this.byIdx.has(i)) return i;
    return -1;
  }
  /** ipc_obtain_object_check: EINVAL for an id that names nothing (or an older object in its slot). */
  get(id: number): T {
    const o = id < 0 ? undefined : this.byIdx.get(id % IPCMNI);
    if (!o || o.perm.seq !== Math.floor(id / IPCMNI)) throw new Errno(E.EINVAL);
    return o;
  }
  byKey(key: number): T | undefined {
    for (const o of this.byIdx.values()) if (o.perm.key === key) return o;
    return undefined;
  }
  remove(o: T): void {
    o.perm.deleted = true;
    this.byIdx.delete(o.perm.idx);
  }
}

interface Msg { type: number; data: Uint8Array }
/** A msgrcv asleep (msg_receiver): what it takes, and what a sender handed it. */
interface Receiver { p: Process; type: number; mode: number; flags: number; size: number; got?: Msg; err?: number }
class MsgQueue {
  perm: Perm;
  msgs: Msg[] = [];
  cbytes = 0;
  qbytes = MSGMNB;
  lspid = 0;
  lrpid = 0;
  stime = 0n;
  rtime = 0n;
  ctime: bigint;
  readonly receivers: Receiver[] = [];
  /** Senders waiting for room: woken to look again. */
  readonly senders = new WaitQueue();
  constructor(key: number, mode: number, now: bigint) {
    this.perm = { key, uid: 0, gid: 0, cuid: 0, cgid: 0, mode: mode & 0o777, seq: 0, idx: 0, deleted: false };
    this.ctime = now;
  }
}

interface Sem { val: number; pid: number }
interface SemOp { num: number; op: number; flg: number }
/** A semop asleep (sem_queue): done by another process's call once it can be, in arrival order. */
interface Pending { p: Process; ops: SemOp[]; undo: boolean; blocking: SemOp; done?: number }
class SemSet {
  perm: Perm;
  sems: Sem[];
  otime = 0n;
  ctime: bigint;
  readonly pending: Pending[] = [];
  readonly waitq = new WaitQueue();
  constructor(key: number, mode: number, n: number, now: bigint) {
    this.perm = { key, uid: 0, gid: 0, cuid: 0, cgid: 0, mode: mode & 0o777, seq: 0, idx: 0, deleted: false };
    this.sems = Array.from({ length: n }, () => ({ val: 0, pid: 0 }));
    this.ctime = now;
  }
}

/** One namespace: the two kinds' ids, and each process's semadj values (sem_undo_list: not inherited by fork). */
class IpcNs {
  readonly msg = new Ids<MsgQueue>(MSGMNI);
  readonly sem = new Ids<SemSet>(SEMMNI);
  readonly undo = new Map<Process, Map<SemSet, Int32Array>>();
  readonly receiving = new Map<Process, { q: MsgQueue; r: Receiver }>();
  readonly semWaits = new Map<Process, { s: SemSet; w: Pending }>();
  /** msgsnd callers waiting for room, and on which queue (EIDRM if it goes). */
  readonly sending = new Map<Process, MsgQueue>();
}
const SPACES = new WeakMap<object, IpcNs>();
function ns(p: Process): IpcNs {
  let n = SPACES.get(p.kernel);
  if (!n) SPACES.set(p.kernel, (n = new IpcNs()));
  return n;
}
/** The virtual clock's time of day in seconds (time_t fields). */
export const now = (p: Process): bigint => p.kernel.clock.wall() / 1_000_000_000n;

/** ipcget: a new object for IPC_PRIVATE or an unknown key with IPC_CREAT; the existing one for its key. */
export function get<T extends { perm: Perm }>(ids: Ids<T>, key: number, flags: number, make: () => T | number, check: (o: T) => number, creator: { euid: number; egid: number; groups: readonly number[] }): number {
  if (key !== IPC_PRIVATE) {
    const o = ids.byKey(key);
    if (o) {
      if ((flags & IPC_CREAT) && (flags & IPC_EXCL)) return -E.EEXIST;
      const r = check(o);
      if (r) return -r;
      if (!ipcAllowed(creator, o.perm, flags & 0o777)) return -E.EACCES;
      return (o.perm.seq << SEQ_SHIFT) + o.perm.idx;
    }
    if (!(flags & IPC_CREAT)) return -E.ENOENT;
  }
  const o = make();
  if (typeof o === 'number') return -o;
  // Linux's newque/newary/newseg: owner and creator are the caller's effective ids.
  o.perm.uid = o.perm.cuid = creator.euid;
  o.perm.gid = o.perm.cgid = creator.egid;
  return ids.alloc(o);
}

/** S_IRUGO, S_IWUGO: what a call asks of an object's permission bits. */
export const IPC_READ = 0o444, IPC_WRITE = 0o222;

/**
 * Linux's ipcperms: a process whose euid is the object's owner's or creator's is judged by the owner bits, one in
 * its group (or creator's group) by the group bits, anyone else by the others'; root (CAP_IPC_OWNER) always may.
 */
export function ipcAllowed(c: { euid: number; egid: number; groups: readonly number[] }, perm: Perm, flag: number): boolean {
  if (c.euid === 0) return true;
  const requested = ((flag >> 6) | (flag >> 3) | flag) & 7;
  const inGroup = (g: number): boolean => c.egid === g || c.groups.includes(g);
  const granted = c.euid === perm.cuid || c.euid === perm.uid ? perm.mode >> 6 : inGroup(perm.cgid) || inGroup(perm.gid) ? perm.mode >> 3 : perm.mode;
  return (requested & ~granted & 7) === 0;
}

/** IPC_SET and IPC_RMID (ipcctl_obtain_check): the owner, the creator or root (CAP_SYS_ADMIN); EPERM for anyone else. */
export function ipcOwner(c: { euid: number }, perm: Perm): boolean {
  return c.euid === 0 || c.euid === perm.uid || c.euid === perm.cuid;
}

function msgget(p: Process, key: number, flags: number, out: number): number {
  p.mem.check(out, 4);
  const n = ns(p);
  const id = get(n.msg, key, flags, () => new MsgQueue(key, flags, now(p)), () => 0, p.creds);
  if (id < 0) return -id;
  p.mem.setI32(out, id);
  return 0;
}

/** msgsnd(id, msgp, size, flags): msgp is wasm32's struct msgbuf {long mtype; char mtext[];}. */
function msgsnd(p: Process, id: number, msgp: number, size: number, flags: number): number {
  if (size > MSGMAX || size < 0 || id < 0) return E.EINVAL;
  p.mem.check(msgp, 4 + size);
  const type = p.mem.i32(msgp);
  if (type < 1) return E.EINVAL;
  const n = ns(p);
  const was = n.sending.get(p);
  n.sending.delete(p);
  if (was?.perm.deleted) return E.EIDRM;
  const q = n.msg.get(id);
  if (!ipcAllowed(p.creds, q.perm, IPC_WRITE)) return E.EACCES;
  // Room is by bytes and by count (msg_qbytes bounds both, as Linux's msg_fits_inqueue).
  if (size + q.cbytes > q.qbytes || 1 + q.msgs.length > q.qbytes) {
    if (flags & IPC_NOWAIT) return E.EAGAIN;
    n.sending.set(p, q);
    return p.block([q.senders]);
  }
  const msg = { type, data: Uint8Array.from(p.mem.view(msgp + 4, size)) };
  q.lspid = p.pid;
  q.stime = now(p);
  // pipelined_send: the first receiver (in arrival order) that takes this type gets it, or E2BIG if it is too small.
  for (let i = 0; i < q.receivers.length; i++) {
    const r = q.receivers[i]!;
    if (n.receiving.get(r.p)?.r !== r) {
      q.receivers.splice(i--, 1);
      continue;
    }
    if (!matches(r.mode, r.type, type) || !asleep(r.p, RECEIVING)) continue;
    q.receivers.splice(i--, 1);
    if (r.size < size && !(r.flags & MSG_NOERROR)) {
      r.err = E.E2BIG;
      r.p.wake();
      continue;
    }
    r.got = msg;
    q.lrpid = r.p.pid;
    q.rtime = q.stime;
    r.p.wake();
    return 0;
  }
  q.msgs.push(msg);
  q.cbytes += size;
  return 0;
}

/**
 * Still asleep in the call that queued it. A wait a handled signal ended (EINTR) leaves its record until the
 * process's next call of the kind clears it; an ignored signal's restart keeps the wait as it was.
 */
function asleep(p: Process, calls: readonly string[]): boolean {
  return p.state === 'blocked' && p.currentCall !== undefined && calls.includes(p.currentCall.strace);
}
const RECEIVING = ['msgrcv'];
const SEMOPS = ['semop', 'semtimedop'];

const SEARCH_ANY = 1, SEARCH_EQUAL = 2, SEARCH_NOTEQUAL = 3, SEARCH_LESSEQUAL = 4;
function matches(mode: number, want: number, type: number): boolean {
  switch (mode) {
    case SEARCH_ANY: return true;
    case SEARCH_EQUAL: return type === want;
    case SEARCH_NOTEQUAL: return type !== want;
    default: return type <= want;
  }
}

function msgrcv(p: Process, id: number, msgp: number, size: number, type: number, flags: number, out: number): number {
  p.mem.check(out, 4);
  const n = ns(p);
  const mine = n.receiving.get(p);
  if (mine) {
    // Woken: handed a message, an error, or the queue went away (EIDRM); else asleep again.
    n.receiving.delete(p);
    if (mine.r.got) return deliver(p, msgp, size, mine.r.got, out);
    if (mine.r.err) return mine.r.err;
    if (mine.q.perm.deleted) return E.EIDRM;
    removeReceiver(mine.q, mine.r);
  }
  const q = n.msg.get(id);
  if (!ipcAllowed(p.creds, q.perm, IPC_READ)) return E.EACCES;
  let want = type;
  const mode = type === 0 ? SEARCH_ANY : type < 0 ? SEARCH_LESSEQUAL : flags & MSG_EXCEPT ? SEARCH_NOTEQUAL : SEARCH_EQUAL;
  if (type < 0) want = type === -0x80000000 ? 0x7fffffff : -type;
  // find_msg: the first match, or for SEARCH_LESSEQUAL the first of the lowest type.
  let found = -1;
  for (let i = 0; i < q.msgs.length; i++) {
    const m = q.msgs[i]!;
    if (!matches(mode, want, m.type)) continue;
    if (mode === SEARCH_LESSEQUAL) {
      if (found < 0 || m.type < q.msgs[found]!.type) found = i;
      if (m.type === 1) break;
    } else {
      found = i;
      break;
    }
  }
  if (found >= 0) {
    const m = q.msgs[found]!;
    if (m.data.length > size && !(flags & MSG_NOERROR)) return E.E2BIG;
    q.msgs.splice(found, 1);
    q.cbytes -= m.data.length;
    q.lrpid = p.pid;
    q.rtime = now(p);
    q.senders.wake();
    return deliver(p, msgp, size, m, out);
  }
  if (flags & IPC_NOWAIT) return E.ENOMSG;
  const r: Receiver = { p, type: want, mode, flags, size };
  q.receivers.push(r);
  n.receiving.set(p, { q, r });
  return p.block([]);
}

function removeReceiver(q: MsgQueue, r: Receiver): void {
  const i = q.receivers.indexOf(r);
  if (i >= 0) q.receivers.splice(i, 1);
}

function deliver(p: Process, msgp: number, size: number, m: Msg, out: number): number {
  const len = Math.min(size, m.data.length);
  p.mem.check(msgp, 4 + len);
  p.mem.setI32(msgp, m.type);
  p.mem.view(msgp + 4, len).set(m.data.subarray(0, len));
  p.mem.setI32(out, len);
  return 0;
}

/** wasm32's struct ipc_perm (28 bytes) at v. */
export function putPerm(p: Process, v: number, m: Perm): void {
  p.mem.setI32(v, m.key);
  p.mem.setU32(v + 4, m.uid);
  p.mem.setU32(v + 8, m.gid);
  p.mem.setU32(v + 12, m.cuid);
  p.mem.setU32(v + 16, m.cgid);
  p.mem.setU32(v + 20, m.mode);
  p.mem.setU32(v + 24, m.seq & 0xffff);
}
/** IPC_SET: uid, gid and the mode's permission bits (ipc_update_perm). */
export function setPerm(p: Process, v: number, m: Perm): void {
  m.uid = p.mem.u32(v + 4);
  m.gid = p.mem.u32(v + 8);
  m.mode = (m.mode & ~0o777) | (p.mem.u32(v + 20) & 0o777);
}

/** msgctl(id, cmd, buf) with wasm32's struct msqid_ds (80 bytes, docs/abi.md). */
function msgctl(p: Process, id: number, cmd: number, buf: number): number {
  const n = ns(p);
  if (cmd !== IPC_STAT && cmd !== IPC_SET && cmd !== IPC_RMID) return E.EINVAL;
  if (cmd === IPC_SET) p.mem.check(buf, 80);
  const q = n.msg.get(id);
  if (cmd === IPC_STAT ? !ipcAllowed(p.creds, q.perm, IPC_READ) : false) return E.EACCES;
  if (cmd !== IPC_STAT && !ipcOwner(p.creds, q.perm)) return E.EPERM;
  if (cmd === IPC_STAT) {
    p.mem.check(buf, 80);
    putPerm(p, buf, q.perm);
    p.mem.setU32(buf + 28, 0);
    p.mem.setU64(buf + 32, q.stime);
    p.mem.setU64(buf + 40, q.rtime);
    p.mem.setU64(buf + 48, q.ctime);
    p.mem.setU32(buf + 56, q.cbytes);
    p.mem.setU32(buf + 60, q.msgs.length);
    p.mem.setU32(buf + 64, q.qbytes);
    p.mem.setI32(buf + 68, q.lspid);
    p.mem.setI32(buf + 72, q.lrpid);
    p.mem.setU32(buf + 76, 0);
    return 0;
  }
  if (cmd === IPC_SET) {
    const qbytes = p.mem.u32(buf + 64);
    setPerm(p, buf, q.perm);
    q.qbytes = qbytes;
    q.ctime = now(p);
    // Room may have opened (or closed): senders look again; receivers too big for nothing (Linux's expunge_all(-EAGAIN) re-runs them).
    q.senders.wake();
    return 0;
  }
  n.msg.remove(q);
  for (const r of q.receivers.splice(0)) {
    r.err = E.EIDRM;
    r.p.wake();
  }
  q.senders.wake();
  return 0;
}

function semget(p: Process, key: number, nsems: number, flags: number, out: number): number {
  p.mem.check(out, 4);
  if (nsems < 0 || nsems > SEMMSL) return E.EINVAL;
  const id = get(ns(p).sem, key, flags, () => (nsems === 0 ? E.EINVAL : new SemSet(key, flags, nsems, now(p))), (s) => (nsems > s.sems.length ? E.EINVAL : 0), p.creds);
  if (id < 0) return -id;
  p.mem.setI32(out, id);
  return 0;
}

/**
 * perform_atomic_semop: every operation in order on a copy, then all of them or none. 0 when done, 1 when it
 * must wait (w.blocking set), or an errno (ERANGE past SEMVMX or SEMAEM, EAGAIN for IPC_NOWAIT).
 */
function attempt(n: IpcNs, s: SemSet, w: Pending, pid: number): number {
  const vals = s.sems.map((x) => x.val);
  const adj = w.undo ? undoOf(n, w.p, s) : undefined;
  const adjs = adj ? Int32Array.from(adj) : undefined;
  for (const o of w.ops) {
    const r = vals[o.num]! + o.op;
    if ((o.op === 0 && vals[o.num] !== 0) || r < 0) {
      w.blocking = o;
      return o.flg & IPC_NOWAIT ? E.EAGAIN : 1;
    }
    if (r > SEMVMX) return E.ERANGE;
    if (o.flg & SEM_UNDO) {
      const u = adjs![o.num]! - o.op;
      if (u < -SEMAEM - 1 || u > SEMAEM) return E.ERANGE;
      adjs![o.num] = u;
    }
    vals[o.num] = r;
  }
  for (const o of w.ops) s.sems[o.num]!.pid = pid;
  vals.forEach((v, i) => (s.sems[i]!.val = v));
  if (adj) adj.set(adjs!);
  return 0;
}

function undoOf(n: IpcNs, p: Process, s: SemSet): Int32Array {
  let m = n.undo.get(p);
  if (!m) n.undo.set(p, (m = new Map()));
  let a = m.get(s);
  if (!a) m.set(s, (a = new Int32Array(s.sems.length)));
  return a;
}

/** update_queue: waiting operations that can now be done, oldest first, again after each that changed a value. */
function update(n: IpcNs, s: SemSet, t: bigint): void {
  for (let again = true; again;) {
    again = false;
    for (let i = 0; i < s.pending.length; i++) {
      const w = s.pending[i]!;
      if (n.semWaits.get(w.p)?.w !== w) {
        s.pending.splice(i--, 1);
        continue;
      }
      if (!asleep(w.p, SEMOPS)) continue;
      const r = attempt(n, s, w, w.p.pid);
      if (r === 1) continue;
      s.pending.splice(i--, 1);
      w.done = r;
      if (r === 0) s.otime = t;
      w.p.wake();
      if (r === 0 && w.ops.some((o) => o.op !== 0)) {
        again = true;
        break;
      }
    }
  }
}

function semtimedop(p: Process, id: number, sops: number, nsops: number, timeout: number): number {
  const n = ns(p);
  const mine = n.semWaits.get(p);
  if (mine) {
    n.semWaits.delete(p);
    if (mine.w.done !== undefined) return mine.w.done;
    if (mine.s.perm.deleted) return E.EIDRM;
    const i = mine.s.pending.indexOf(mine.w);
    if (i >= 0) mine.s.pending.splice(i, 1);
    if (p.timedOut()) return E.EAGAIN;
  }
  if (nsops < 1 || nsops > 0x7fffffff) return E.EINVAL;
  if (nsops > SEMOPM) return E.E2BIG;
  p.mem.check(sops, nsops * 6);
  const ops: SemOp[] = [];
  let undo = false, max = 0;
  for (let k = 0; k < nsops; k++) {
    const o = { num: p.mem.u16(sops + k * 6), op: (p.mem.u16(sops + k * 6 + 2) << 16) >> 16, flg: (p.mem.u16(sops + k * 6 + 4) << 16) >> 16 };
    ops.push(o);
    if (o.num > max) max = o.num;
    if (o.flg & SEM_UNDO) undo = true;
  }
  let ns_ = -1;
  if (timeout) {
    p.mem.check(timeout, 16);
    const sec = p.mem.i64(timeout), nsec = p.mem.i32(timeout + 8);
    if (sec < 0n || nsec < 0 || nsec >= 1e9) return E.EINVAL;
    ns_ = Number(sec) * 1e9 + nsec;
  }
  const s = n.sem.get(id);
  if (max >= s.sems.length) return E.EFBIG;
  if (!ipcAllowed(p.creds, s.perm, ops.some((o) => o.op !== 0) ? IPC_WRITE : IPC_READ)) return E.EACCES;
  const w: Pending = { p, ops, undo, blocking: ops[0]! };
  const r = attempt(n, s, w, p.pid);
  if (r === 0) {
    s.otime = now(p);
    if (ops.some((o) => o.op !== 0)) update(n, s, s.otime);
    return 0;
  }
  if (r !== 1) return r;
  s.pending.push(w);
  n.semWaits.set(p, { s, w });
  return p.block([s.waitq], p.deadline(ns_));
}

function semop(p: Process, id: number, sops: number, nsops: number): number {
  return semtimedop(p, id, sops, nsops, 0);
}

/** count_semcnt: sleepers whose blocking operation waits on semnum to grow (GETNCNT) or to be 0 (GETZCNT). */
function count(n: IpcNs, s: SemSet, num: number, zero: boolean): number {
  return s.pending.filter((w) => n.semWaits.get(w.p)?.w === w && asleep(w.p, SEMOPS) && w.blocking.num === num && (zero ? w.blocking.op === 0 : w.blocking.op < 0)).length;
}

/** SETVAL and SETALL forget every process's adjustment for the values they set. */
function clearUndo(n: IpcNs, s: SemSet, num: number): void {
  for (const m of n.undo.values()) {
    const a = m.get(s);
    if (!a) continue;
    if (num < 0) a.fill(0);
    else a[num] = 0;
  }
}

/** semctl(id, num, cmd, arg, out): arg is the caller's union semun (an int or a pointer on wasm32). */
function semctl(p: Process, id: number, num: number, cmd: number, arg: number, out: number): number {
  p.mem.check(out, 4);
  const n = ns(p);
  const s = n.sem.get(id);
  const nsems = s.sems.length;
  // semctl_main, semctl_stat: reads ask for read permission, SETVAL and SETALL for write; IPC_SET and IPC_RMID are the owner's.
  if (cmd === IPC_SET || cmd === IPC_RMID) {
    if (!ipcOwner(p.creds, s.perm)) return E.EPERM;
  } else if ([GETVAL, GETPID, GETNCNT, GETZCNT, GETALL, IPC_STAT, SETALL].includes(cmd) && !ipcAllowed(p.creds, s.perm, cmd === SETALL ? IPC_WRITE : IPC_READ)) return E.EACCES;
  const one = (): Sem => {
    if (num < 0 || num >= nsems) throw new Errno(E.EINVAL);
    return s.sems[num]!;
  };
  let r = 0;
  switch (cmd) {
    case GETVAL: r = one().val; break;
    case GETPID: r = one().pid; break;
    case GETNCNT: one(); r = count(n, s, num, false); break;
    case GETZCNT: one(); r = count(n, s, num, true); break;
    case SETVAL: {
      // semctl_setval: ERANGE, then the number (EINVAL), then write permission.
      if (arg < 0 || arg > SEMVMX) return E.ERANGE;
      const x = one();
      if (!ipcAllowed(p.creds, s.perm, IPC_WRITE)) return E.EACCES;
      clearUndo(n, s, num);
      x.val = arg;
      x.pid = p.pid;
      s.ctime = now(p);
      update(n, s, s.ctime);
      break;
    }
    case GETALL:
      p.mem.check(arg, nsems * 2);
      s.sems.forEach((x, i) => p.mem.setU16(arg + i * 2, x.val));
      break;
    case SETALL: {
      p.mem.check(arg, nsems * 2);
      const vals = Array.from({ length: nsems }, (_x, i) => p.mem.u16(arg + i * 2));
      if (vals.some((v) => v > SEMVMX)) return E.ERANGE;
      clearUndo(n, s, -1);
      vals.forEach((v, i) => { s.sems[i]!.val = v; s.sems[i]!.pid = p.pid; });
      s.ctime = now(p);
      update(n, s, s.ctime);
      break;
    }
    case IPC_STAT:
      p.mem.check(arg, 56);
      putPerm(p, arg, s.perm);
      p.mem.setU32(arg + 28, 0);
      p.mem.setU64(arg + 32, s.otime);
      p.mem.setU64(arg + 40, s.ctime);
      p.mem.setU32(arg + 48, nsems);
      p.mem.setU32(arg + 52, 0);
      break;
    case IPC_SET:
      p.mem.check(arg, 56);
      setPerm(p, arg, s.perm);
      s.ctime = now(p);
      break;
    case IPC_RMID:
      n.sem.remove(s);
      for (const m of n.undo.values()) m.delete(s);
      s.pending.splice(0);
      s.waitq.wake();
      break;
    default: return E.EINVAL;
  }
  p.mem.setI32(out, r);
  return 0;
}

/** An exiting process's waits: it is no longer a receiver or a sleeper to serve. */
function dropWait(p: Process): void {
  const n = SPACES.get(p.kernel);
  if (!n) return;
  n.sending.delete(p);
  const r = n.receiving.get(p);
  if (r && !r.r.got && r.r.err === undefined) {
    removeReceiver(r.q, r.r);
    n.receiving.delete(p);
  }
  const w = n.semWaits.get(p);
  if (w && w.w.done === undefined) {
    const i = w.s.pending.indexOf(w.w);
    if (i >= 0) w.s.pending.splice(i, 1);
    n.semWaits.delete(p);
  }
}

/** exit_sem: the process's semadj values given back (clamped to 0..SEMVMX), then the waiters served. */
onProcessExit((p: Process) => {
  const n = SPACES.get(p.kernel);
  if (!n) return;
  dropWait(p);
  const m = n.undo.get(p);
  if (!m) return;
  n.undo.delete(p);
  for (const [s, a] of m) {
    if (s.perm.deleted) continue;
    let changed = false;
    a.forEach((d, i) => {
      if (!d) return;
      const x = s.sems[i]!;
      x.val = Math.min(Math.max(x.val + d, 0), SEMVMX);
      x.pid = p.pid;
      changed = true;
    });
    if (changed) update(n, s, now(p));
  }
});

const S = 'socklab';
export const sysvipcSyscalls: readonly SyscallDef[] = [
  syscall(S, 'msgget', { strace: 'msgget', classes: ['ipc'], params: ['key:ipc_key', 'flags:ipc_getflags', 'id:ret'] }, msgget),
  { ...syscall(S, 'msgsnd', { strace: 'msgsnd', classes: ['ipc'], params: ['id:i32', 'msgp:ipc_msgbuf', 'size:len', 'flags:ipc_msgflags'], mayBlock: true }, msgsnd) },
  { ...syscall(S, 'msgrcv', { strace: 'msgrcv', classes: ['ipc'], params: ['id:i32', 'msgp:ipc_msgbuf_out', 'size:len', 'type:i32', 'flags:ipc_msgflags', 'n:ret'], mayBlock: true }, msgrcv) },
  syscall(S, 'msgctl', { strace: 'msgctl', classes: ['ipc'], params: ['id:i32', 'cmd:ipc_msgcmd', 'buf:ipc_msqid'] }, msgctl),
  syscall(S, 'semget', { strace: 'semget', classes: ['ipc'], params: ['key:ipc_key', 'nsems:i32', 'flags:ipc_getflags', 'id:ret'] }, semget),
  { ...syscall(S, 'semop', { strace: 'semop', classes: ['ipc'], params: ['id:i32', 'sops:ipc_sembuf', 'nsops:u32'], mayBlock: true }, semop) },
  { ...syscall(S, 'semtimedop', { strace: 'semtimedop', classes: ['ipc'], params: ['id:i32', 'sops:ipc_sembuf', 'nsops:u32', 'timeout:timespec'], mayBlock: true }, semtimedop) },
  syscall(S, 'semctl', { strace: 'semctl', classes: ['ipc'], params: ['id:i32', 'num:i32', 'cmd:ipc_semcmd', 'arg:ipc_semarg', 'r:ret'] }, semctl),
];
