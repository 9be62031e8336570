// The credential syscalls on the model of host/kernel/creds.ts, with
// Linux's rules (kernel/sys.c __sys_setuid..., kernel/groups.c): get/set
// uid, gid, re-, res- forms, getgroups/setgroups. The SDK's seteuid and
// setegid are setresuid(-1, e, -1) and setresgid(-1, e, -1), as glibc's.
import { E } from '../abi/errno.js';
import { syscall, type SyscallDef } from './syscall.js';
import { NGROUPS_MAX, type Creds } from './creds.js';
import type { Process } from './process.js';

/** (uid_t)-1: "unchanged" for setre*id and setres*id, invalid for setuid and setgid. */
const NONE = 0xffff_ffff;

type Which = 'u' | 'g';
const ids = (c: Creds, w: Which): [number, number, number] => (w === 'u' ? [c.ruid, c.euid, c.suid] : [c.rgid, c.egid, c.sgid]);
function set(p: Process, w: Which, r: number, e: number, s: number): void {
  const c = p.creds;
  // commit_creds: a new effective (so fs) id leaves the process undumpable and without its parent-death signal.
  if (e !== ids(c, w)[1]) p.task.credsChanged();
  if (w === 'u') [c.ruid, c.euid, c.suid] = [r, e, s];
  else [c.rgid, c.egid, c.sgid] = [r, e, s];
}

/** setuid/setgid (__sys_setuid): privileged sets all three; else only the effective one, to the real or saved id. */
function setId(p: Process, w: Which, id: number): number {
  id >>>= 0;
  if (id === NONE) return E.EINVAL;
  const c = p.creds;
  const [r, , s] = ids(c, w);
  if (c.privileged) set(p, w, id, id, id);
  else if (id === r || id === s) set(p, w, r, id, s);
  else return E.EPERM;
  return 0;
}

/** setreuid/setregid (__sys_setreuid): the saved id follows the new effective one when the real one is set or the effective one leaves the old real id. */
function setReId(p: Process, w: Which, rid: number, eid: number): number {
  rid >>>= 0;
  eid >>>= 0;
  const c = p.creds;
  const [r, e, s] = ids(c, w);
  if (rid !== NONE && !c.privileged && rid !== r && rid !== e) return E.EPERM;
  if (eid !== NONE && !c.privileged && eid !== r && eid !== e && eid !== s) return E.EPERM;
  const nr = rid !== NONE ? rid : r;
  const ne = eid !== NONE ? eid : e;
  const ns = rid !== NONE || (eid !== NONE && eid !== r) ? ne : s;
  set(p, w, nr, ne, ns);
  return 0;
}

/** setresuid/setresgid (__sys_setresuid): unprivileged, each id given must be one of the three current ones. */
function setResId(p: Process, w: Which, rid: number, eid: number, sid: number): number {
  const want = [rid >>> 0, eid >>> 0, sid >>> 0];
  const c = p.creds;
  const cur = ids(c, w);
  if (!c.privileged && want.some((v) => v !== NONE && !cur.includes(v))) return E.EPERM;
  const [r, e, s] = want.map((v, i) => (v === NONE ? cur[i]! : v));
  set(p, w, r!, e!, s!);
  return 0;
}

function getResId(p: Process, w: Which, ro: number, eo: number, so: number): number {
  const v = ids(p.creds, w);
  for (const o of [ro, eo, so]) p.mem.check(o, 4);
  [ro, eo, so].forEach((o, i) => p.mem.setU32(o, v[i]!));
  return 0;
}

function getId(p: Process, v: number, out: number): number {
  p.mem.check(out, 4);
  p.mem.setU32(out, v);
  return 0;
}

/** getgroups(size, list): the count when size is 0, EINVAL when size is negative or too small. */
function getgroups(p: Process, size: number, list: number, out: number): number {
  p.mem.check(out, 4);
  const g = p.creds.groups;
  if (size < 0) return E.EINVAL;
  if (size > 0) {
    if (size < g.length) return E.EINVAL;
    p.mem.check(list, g.length * 4);
    g.forEach((v, i) => p.mem.setU32(list + 4 * i, v));
  }
  p.mem.setI32(out, g.length);
  return 0;
}

/** setgroups(size, list): EPERM unprivileged (may_setgroups) before EINVAL past NGROUPS_MAX; Linux keeps them sorted (groups_sort). */
function setgroups(p: Process, size: number, list: number): number {
  if (!p.creds.privileged) return E.EPERM;
  if (size >>> 0 > NGROUPS_MAX) return E.EINVAL;
  const g: number[] = [];
  if (size > 0) {
    p.mem.check(list, size * 4);
    for (let i = 0; i < size; i++) g.push(p.mem.u32(list + 4 * i));
  }
  p.creds.groups = g.sort((a, b) => a - b);
  return 0;
}

const c = (name: string, params: string[], h: (p: Process, ...a: number[]) => number): SyscallDef =>
  syscall('socklab', name, { strace: name, classes: [], params }, h as never);

export const credSyscalls: readonly SyscallDef[] = [
  c('getuid', ['uid:ret'], (p, o) => getId(p, p.creds.ruid, o!)),
  c('geteuid', ['uid:ret'], (p, o) => getId(p, p.creds.euid, o!)),
  c('getgid', ['gid:ret'], (p, o) => getId(p, p.creds.rgid, o!)),
  c('getegid', ['gid:ret'], (p, o) => getId(p, p.creds.egid, o!)),
  c('setuid', ['uid:i32'], (p, id) => setId(p, 'u', id!)),
  c('setgid', ['gid:i32'], (p, id) => setId(p, 'g', id!)),
  c('setreuid', ['ruid:i32', 'euid:i32'], (p, r, e) => setReId(p, 'u', r!, e!)),
  c('setregid', ['rgid:i32', 'egid:i32'], (p, r, e) => setReId(p, 'g', r!, e!)),
  c('setresuid', ['ruid:i32', 'euid:i32', 'suid:i32'], (p, r, e, s) => setResId(p, 'u', r!, e!, s!)),
  c('setresgid', ['rgid:i32', 'egid:i32', 'sgid:i32'], (p, r, e, s) => setResId(p, 'g', r!, e!, s!)),
  c('getresuid', ['ruid:out', 'euid:out', 'suid:out'], (p, r, e, s) => getResId(p, 'u', r!, e!, s!)),
  c('getresgid', ['rgid:out', 'egid:out', 'sgid:out'], (p, r, e, s) => getResId(p, 'g', r!, e!, s!)),
  c('getgroups', ['size:i32', 'list:gid_list_out', 'n:ret'], (p, s, l, o) => getgroups(p, s!, l!, o!)),
  c('setgroups', ['size:i32', 'list:gid_list'], (p, s, l) => setgroups(p, s!, l!)),
];
