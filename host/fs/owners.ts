// File owners (st_uid, st_gid) and chown's rules, as Linux's chown_common,
// setattr_prepare (chown_ok, chgrp_ok) and notify_change apply them. Nodes
// get their owner when made (Vfs.adopt); mounted host files and /dev's
// devices have none of their own here: they show 0/0 (the guest is root
// over them), and only a chown that keeps 0/0 succeeds on them (docs/abi.md).
import { E, Errno } from '../abi/errno.js';
import type { Creds } from '../kernel/creds.js';
import { MemDir, MemFile, MemSymlink, SockNode, readOnly, type Node, type Owned } from './memfs.js';

/** chown's "keep this id" (-1 as a uid_t). */
const KEEP = 0xffffffff;

/** in_group_p: the egid or a supplementary group. */
export function inGroup(c: Creds, gid: number): boolean {
  return c.egid === gid || c.groups.includes(gid);
}

/** The node's own owner record, if socklab keeps one for it. */
export function ownerOf(n: Node): MemDir | MemFile | MemSymlink | SockNode | undefined {
  return n instanceof MemDir || n instanceof MemFile || n instanceof MemSymlink || n instanceof SockNode ? n : undefined;
}

/**
 * Changes an owner record for a process with credentials `c`: uid/gid as the
 * call passed them (-1 keeps). EPERM as setattr_prepare gives it; S_ISUID and
 * S_ISGID go as notify_change drops them (not on directories). `owned`
 * undefined: a file with no owner of its own (0/0), which cannot change.
 */
export function chownOwned(c: Creds, owned: (Owned & { mode: number }) | undefined, isDir: boolean, uid: number, gid: number): void {
  uid >>>= 0;
  gid >>>= 0;
  const cur = owned ?? { uid: 0, gid: 0, mode: 0 };
  // chown_ok: the owner may "change" the uid to itself; CAP_CHOWN anything.
  if (uid !== KEEP && !c.privileged && !(c.euid === cur.uid && uid === cur.uid)) throw new Errno(E.EPERM);
  // chgrp_ok: the owner may pick the group it has or one of its groups.
  if (gid !== KEEP && !c.privileged && !(c.euid === cur.uid && (gid === cur.gid || inGroup(c, gid)))) throw new Errno(E.EPERM);
  if (!owned) {
    if ((uid !== KEEP && uid !== 0) || (gid !== KEEP && gid !== 0)) throw new Errno(E.EPERM);
    return;
  }
  if (!isDir && !(owned instanceof MemSymlink)) {
    // ATTR_KILL_SUID always; ATTR_KILL_SGID when group-executable, or when the caller is neither in the (old) group nor privileged.
    let mode = owned.mode & ~0o4000;
    if (mode & 0o2000 && (mode & 0o010 || !(c.privileged || inGroup(c, cur.gid)))) mode &= ~0o2000;
    owned.mode = mode;
  }
  if (uid !== KEEP) owned.uid = uid;
  if (gid !== KEEP) owned.gid = gid;
}

/** chown of a node reached by path: EROFS on a read-only mount first (mnt_want_write), then chownOwned; ctime moves. */
export function chownNode(c: Creds, n: Node, uid: number, gid: number, now: bigint): void {
  if (readOnly(n)) throw new Errno(E.EROFS);
  const o = ownerOf(n);
  chownOwned(c, o, n instanceof MemDir, uid, gid);
  if (o) o.times.ctim = now;
}
