// strace's text of a struct statfs, from socklab's statfs record
// (host/wasi/ownercalls.ts writes it; docs/abi.md): magic numbers and
// ST_* flags by name, as strace prints them.
import type { GuestMemory } from '../abi/memory.js';

const MAGIC: Record<number, string> = {
  0x01021994: 'TMPFS_MAGIC', 0xef53: 'EXT2_SUPER_MAGIC', 0x534f434b: 'SOCKFS_MAGIC', 0x50495045: 'PIPEFS_MAGIC',
  0x09041934: 'ANON_INODE_FS_MAGIC', 0x9123683e: 'BTRFS_SUPER_MAGIC', 0x58465342: 'XFS_SUPER_MAGIC', 0x794c7630: 'OVERLAYFS_SUPER_MAGIC',
};
const ST: [number, string][] = [[0x1, 'ST_RDONLY'], [0x2, 'ST_NOSUID'], [0x4, 'ST_NODEV'], [0x8, 'ST_NOEXEC'], [0x10, 'ST_SYNCHRONOUS'], [0x20, 'ST_VALID'], [0x40, 'ST_MANDLOCK'], [0x400, 'ST_NOATIME'], [0x800, 'ST_NODIRATIME'], [0x1000, 'ST_RELATIME']];

/** strace's %#x. */
const hex0 = (v: number): string => (v ? `0x${v.toString(16)}` : '0');

export function statfsText(mem: GuestMemory, ptr: number): string {
  const type = mem.u32(ptr);
  const flags = mem.u32(ptr + 64);
  const names = ST.filter(([b]) => flags & b).map(([, n]) => n);
  const rest = flags & ~ST.reduce((a, [b]) => a | b, 0);
  if (rest) names.push(`0x${rest.toString(16)}`);
  return `{f_type=${MAGIC[type] ?? `0x${type.toString(16)}`}, f_bsize=${mem.u32(ptr + 4)}, f_blocks=${mem.u64(ptr + 8)}, f_bfree=${mem.u64(ptr + 16)}, f_bavail=${mem.u64(ptr + 24)}, f_files=${mem.u64(ptr + 32)}, f_ffree=${mem.u64(ptr + 40)}, f_fsid={val=[${hex0(mem.u32(ptr + 48))}, ${hex0(mem.u32(ptr + 52))}]}, f_namelen=${mem.u32(ptr + 56)}, f_frsize=${mem.u32(ptr + 60)}, f_flags=${names.join('|') || '0'}}`;
}

/** The *at calls' AT_* flags (fchownat): by name, unknown bits as strace shows them. */
export function atFlagsText(v: number): string {
  if (!v) return '0';
  const names: string[] = [];
  if (v & 0x100) names.push('AT_SYMLINK_NOFOLLOW');
  if (v & 0x1000) names.push('AT_EMPTY_PATH');
  const rest = v & ~0x1100;
  if (rest) names.push(`0x${(rest >>> 0).toString(16)} /* AT_??? */`);
  return names.join('|');
}
