// strace's rendering of prlimit64's, sigaltstack's and set/getgroups' arguments.
import type { GuestMemory } from '../abi/memory.js';
import { RESOURCES, RLIM_INFINITY } from '../kernel/rlimits.js';

/** A resource number: its RLIMIT_* name, or strace's hex with a comment. */
export function resourceText(v: number): string {
  return RESOURCES[v]?.name ?? `0x${(v >>> 0).toString(16)} /* RLIMIT_??? */`;
}

/** strace's print_rlim64_t: RLIM64_INFINITY, a multiple of 1024 above it as N*1024, else the number. */
function rlim(v: bigint): string {
  if (v === RLIM_INFINITY) return 'RLIM64_INFINITY';
  return v > 1024n && v % 1024n === 0n ? `${v / 1024n}*1024` : String(v);
}

export function rlimitText(mem: GuestMemory, v: number): string {
  return `{rlim_cur=${rlim(mem.u64(v))}, rlim_max=${rlim(mem.u64(v + 8))}}`;
}

const SS_FLAGS: readonly [string, number][] = [['SS_ONSTACK', 1], ['SS_DISABLE', 2], ['SS_AUTODISARM', 0x8000_0000]];

/** wasm32's stack_t {ss_sp, ss_flags, ss_size}, in strace's order. */
export function stackText(mem: GuestMemory, v: number): string {
  const sp = mem.u32(v), flags = mem.u32(v + 4), size = mem.u32(v + 8);
  let rest = flags;
  const names: string[] = [];
  for (const [name, bit] of SS_FLAGS) if ((rest & bit) >>> 0 === bit) { names.push(name); rest = (rest & ~bit) >>> 0; }
  // strace's printflags: unknown bits alone carry a comment, after named ones they do not.
  if (rest) names.push(names.length ? `0x${rest.toString(16)}` : `0x${rest.toString(16)} /* SS_??? */`);
  return `{ss_sp=${sp ? `0x${sp.toString(16)}` : 'NULL'}, ss_flags=${names.length ? names.join('|') : '0'}, ss_size=${size}}`;
}

/** setgroups'/getgroups' gid_t array of `n` as strace's print_groups: NULL, or [g, ...]. */
export function gidList(mem: GuestMemory, v: number, n: number): string {
  if (!v) return 'NULL';
  const out: number[] = [];
  for (let i = 0; i < Math.max(0, n | 0); i++) out.push(mem.u32(v + 4 * i));
  return `[${out.join(', ')}]`;
}
