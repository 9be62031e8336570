// WASI preview1 rights: what fd_fdstat_get reports for each kind of fd (as
// wasmtime reports them: a directory has the path_* rights and readdir, not
// fd_read/fd_write; a file opened read-only lacks fd_write), and the rights
// a guest dropped with fd_fdstat_set_rights, which later calls enforce
// (ENOTCAPABLE). Linux has no such thing: only fds whose rights were
// dropped are ever checked, so no other program sees a difference.
import { E, Errno } from '../abi/errno.js';
import { FileType, type OpenFile } from '../kernel/file.js';

export const R = {
  FD_DATASYNC: 1n << 0n, FD_READ: 1n << 1n, FD_SEEK: 1n << 2n, FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_SYNC: 1n << 4n, FD_TELL: 1n << 5n, FD_WRITE: 1n << 6n, FD_ADVISE: 1n << 7n, FD_ALLOCATE: 1n << 8n,
  PATH_CREATE_DIRECTORY: 1n << 9n, PATH_CREATE_FILE: 1n << 10n, PATH_LINK_SOURCE: 1n << 11n,
  PATH_LINK_TARGET: 1n << 12n, PATH_OPEN: 1n << 13n, FD_READDIR: 1n << 14n, PATH_READLINK: 1n << 15n,
  PATH_RENAME_SOURCE: 1n << 16n, PATH_RENAME_TARGET: 1n << 17n, PATH_FILESTAT_GET: 1n << 18n,
  PATH_FILESTAT_SET_SIZE: 1n << 19n, PATH_FILESTAT_SET_TIMES: 1n << 20n, FD_FILESTAT_GET: 1n << 21n,
  FD_FILESTAT_SET_SIZE: 1n << 22n, FD_FILESTAT_SET_TIMES: 1n << 23n, PATH_SYMLINK: 1n << 24n,
  PATH_REMOVE_DIRECTORY: 1n << 25n, PATH_UNLINK_FILE: 1n << 26n, POLL_FD_READWRITE: 1n << 27n,
  SOCK_SHUTDOWN: 1n << 28n,
} as const;

export const ALL_RIGHTS = (1n << 29n) - 1n;
/** What a directory fd may do itself; what it opens may have any right (its inheriting set). */
const DIR_BASE = R.FD_FDSTAT_SET_FLAGS | R.FD_SYNC | R.FD_ADVISE | R.PATH_CREATE_DIRECTORY | R.PATH_CREATE_FILE |
  R.PATH_LINK_SOURCE | R.PATH_LINK_TARGET | R.PATH_OPEN | R.FD_READDIR | R.PATH_READLINK | R.PATH_RENAME_SOURCE |
  R.PATH_RENAME_TARGET | R.PATH_FILESTAT_GET | R.PATH_FILESTAT_SET_SIZE | R.PATH_FILESTAT_SET_TIMES |
  R.FD_FILESTAT_GET | R.FD_FILESTAT_SET_TIMES | R.PATH_SYMLINK | R.PATH_REMOVE_DIRECTORY | R.PATH_UNLINK_FILE |
  R.POLL_FD_READWRITE;
/** Rights that only mean something on a directory. */
const PATH_RIGHTS = DIR_BASE & ~(R.FD_FDSTAT_SET_FLAGS | R.FD_SYNC | R.FD_ADVISE | R.FD_FILESTAT_GET | R.FD_FILESTAT_SET_TIMES | R.POLL_FD_READWRITE | R.FD_READDIR);

export interface Rights { base: bigint; inheriting: bigint }

/** Rights of an fd nobody restricted: by its type and access mode. */
export function defaultRights(f: OpenFile): Rights {
  if (f.filetype === FileType.Directory) return { base: DIR_BASE, inheriting: ALL_RIGHTS };
  let base = ALL_RIGHTS & ~PATH_RIGHTS & ~R.FD_READDIR;
  // A terminal lacks seek/tell rights: that is how wasi-libc's isatty() tells. /dev/null and the other
  // devices (host/fs/devices.ts) seek, so isatty() is 0 for them, as Linux's TCGETS ENOTTY.
  if (f.filetype === FileType.CharacterDevice && !f.seek) base &= ~(R.FD_SEEK | R.FD_TELL);
  // wasi-libc's fcntl(F_GETFL) derives O_RDONLY/O_WRONLY/O_RDWR from these two.
  if (f.readable === false) base &= ~R.FD_READ;
  if (f.writable === false) base &= ~(R.FD_WRITE | R.FD_DATASYNC | R.FD_ALLOCATE | R.FD_FILESTAT_SET_SIZE);
  return { base, inheriting: base };
}

const restricted = new WeakMap<OpenFile, Rights>();
/** Whether any fd ever had rights dropped: until then checks cost one test. */
let anyRestricted = false;

export function rightsOf(f: OpenFile): Rights {
  return (anyRestricted && restricted.get(f)) || defaultRights(f);
}

/** fd_fdstat_set_rights: rights can only be dropped (ENOTCAPABLE when asked for more). */
export function setRights(f: OpenFile, base: bigint, inheriting: bigint): void {
  const cur = rightsOf(f);
  base = BigInt.asUintN(64, base);
  inheriting = BigInt.asUintN(64, inheriting);
  if ((base & ~cur.base) !== 0n || (inheriting & ~cur.inheriting) !== 0n) throw new Errno(E.ENOTCAPABLE);
  anyRestricted = true;
  restricted.set(f, { base, inheriting });
}

/** Throws ENOTCAPABLE when the guest dropped `right` from this fd. */
export function needRight(f: OpenFile, right: bigint): void {
  if (!anyRestricted) return;
  const r = restricted.get(f);
  if (r && (r.base & right) === 0n) throw new Errno(E.ENOTCAPABLE);
}

/** fdflags DSYNC | RSYNC | SYNC an fd was opened with: Linux keeps O_SYNC/O_DSYNC and F_GETFL reports them. */
export const SYNC_FDFLAGS = 2 | 8 | 16;
const syncFlags = new WeakMap<OpenFile, number>();
let anySync = false;
export function setSyncFlags(f: OpenFile, flags: number): void {
  if (!(flags & SYNC_FDFLAGS)) return;
  anySync = true;
  syncFlags.set(f, flags & SYNC_FDFLAGS);
}
export function syncFlagsOf(f: OpenFile): number {
  return anySync ? syncFlags.get(f) ?? 0 : 0;
}
