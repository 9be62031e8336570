// statfs(2) of the filesystem a node lives on, for the SDK's statvfs and
// fstatvfs (docs/abi.md). The in-memory filesystem answers as Linux's tmpfs
// does, sized by --max-fs: 4096-byte blocks, free blocks what the space has
// left, one inode per block (socklab has no inode limit of its own: a fixed
// rule keeps runs deterministic), fsid 0. A mounted host directory answers
// with the host's numbers (node:fs.statfs).
import * as fs from 'node:fs';
import { HostNode, MemDir, MountPoint, hostErrno, readOnly, type Node, type Vfs } from './memfs.js';

export const TMPFS_MAGIC = 0x01021994;
export const SOCKFS_MAGIC = 0x534f434b;
export const PIPEFS_MAGIC = 0x50495045;
export const ANON_INODE_FS_MAGIC = 0x09041934;
/** f_flags: statfs always sets ST_VALID; socklab's mounts are relatime, as Linux's default. */
export const ST_VALID = 0x20;
export const ST_RDONLY = 1;
export const ST_RELATIME = 0x1000;
const BLOCK = 4096;

export interface StatFs {
  type: number;
  bsize: number;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
  namelen: number;
  frsize: number;
  flags: number;
}

/** Nodes in the in-memory tree (inodes in use), mounts and /dev's names aside. */
function countNodes(d: MemDir): number {
  let n = 1;
  for (const c of d.entries.values()) {
    if (c instanceof MemDir) n += c.special ? 0 : countNodes(c);
    else if (!(c instanceof MountPoint)) n++;
  }
  return n;
}

/** The in-memory filesystem as tmpfs reports it. */
export function memStatfs(vfs: Vfs): StatFs {
  const blocks = BigInt(Math.floor(vfs.space.limit / BLOCK));
  const free = BigInt(Math.floor(vfs.space.room() / BLOCK));
  const used = BigInt(countNodes(vfs.root));
  return { type: TMPFS_MAGIC, bsize: BLOCK, blocks, bfree: free, bavail: free, files: blocks, ffree: blocks > used ? blocks - used : 0n, namelen: 255, frsize: BLOCK, flags: ST_VALID | ST_RELATIME };
}

/** A pseudo filesystem's (sockfs, pipefs, anon_inodefs): no blocks, no inodes. */
export function pseudoStatfs(type: number): StatFs {
  return { type, bsize: BLOCK, blocks: 0n, bfree: 0n, bavail: 0n, files: 0n, ffree: 0n, namelen: 255, frsize: BLOCK, flags: ST_VALID };
}

/** A host directory's filesystem (Node gives no name length nor flags: 255 and socklab's own mount flags). */
export function hostStatfs(path: string, readonly: boolean): StatFs {
  let s: fs.BigIntStatsFs;
  try {
    s = fs.statfsSync(path, { bigint: true });
  } catch (e) {
    throw hostErrno(e);
  }
  return { type: Number(s.type), bsize: Number(s.bsize), blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree, namelen: 255, frsize: Number(s.bsize), flags: ST_VALID | ST_RELATIME | (readonly ? ST_RDONLY : 0) };
}

/** statfs of the filesystem holding node `n`. */
export function statfsNode(vfs: Vfs, n: Node): StatFs {
  if (n instanceof HostNode) return hostStatfs(n.path, readOnly(n));
  if (n instanceof MountPoint) return hostStatfs(n.host, n.readonly);
  return memStatfs(vfs);
}

/** Bytes of the struct the host writes (socklab's layout, docs/abi.md; the trace decodes it). */
export const STATFS_SIZE = 72;
