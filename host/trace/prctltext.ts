// prctl(2)'s arguments as strace prints them (strace's prctl.c): the option
// by name, then per option only what it takes: PR_SET_NAME's string (at most
// TASK_COMM_LEN bytes), PR_GET_NAME's once written, PR_SET_PDEATHSIG's
// signal, the int out-parameters in brackets, SUID_DUMP_* values; any other
// option's four arguments in hex.
import type { GuestMemory } from '../abi/memory.js';
import { PR } from '../kernel/prctl.js';
import { signalName } from '../kernel/signals.js';

/** Linux's option names strace knows (the ones socklab keeps and the rest, which it refuses with EINVAL). */
const NAMES: Readonly<Record<number, string>> = {
  ...Object.fromEntries(Object.entries(PR).map(([k, v]) => [v, k])),
  5: 'PR_GET_UNALIGN', 6: 'PR_SET_UNALIGN', 9: 'PR_GET_FPEMU', 10: 'PR_SET_FPEMU', 11: 'PR_GET_FPEXC', 12: 'PR_SET_FPEXC', 13: 'PR_GET_TIMING',
  14: 'PR_SET_TIMING', 19: 'PR_GET_ENDIAN', 20: 'PR_SET_ENDIAN', 21: 'PR_GET_SECCOMP', 22: 'PR_SET_SECCOMP', 23: 'PR_CAPBSET_READ',
  24: 'PR_CAPBSET_DROP', 25: 'PR_GET_TSC', 26: 'PR_SET_TSC', 27: 'PR_GET_SECUREBITS', 28: 'PR_SET_SECUREBITS', 29: 'PR_SET_TIMERSLACK',
  30: 'PR_GET_TIMERSLACK', 31: 'PR_TASK_PERF_EVENTS_DISABLE', 32: 'PR_TASK_PERF_EVENTS_ENABLE', 33: 'PR_MCE_KILL', 34: 'PR_MCE_KILL_GET',
  35: 'PR_SET_MM', 40: 'PR_GET_TID_ADDRESS', 41: 'PR_SET_THP_DISABLE', 42: 'PR_GET_THP_DISABLE',
};
const DUMP = ['SUID_DUMP_DISABLE', 'SUID_DUMP_USER', 'SUID_DUMP_ROOT'];
const TASK_COMM_LEN = 16;

/** strace's PRINT_VAL_X: 0 as 0. */
const hex = (v: number): string => (v ? `0x${(v >>> 0).toString(16)}` : '0');
const ptr = (v: number): string => (v ? hex(v) : 'NULL');

export function prctlOptionText(op: number): string {
  return NAMES[op] ?? `${hex(op)} /* PR_??? */`;
}

/** printstr_ex(addr, TASK_COMM_LEN, QUOTE_0_TERMINATED): up to the NUL, or 15 bytes and "..." when the 16 hold none. */
function commText(mem: GuestMemory, v: number, max: number, q: (b: Uint8Array, m: number) => string): string {
  const avail = Math.min(TASK_COMM_LEN, mem.size - (v >>> 0));
  if (v === 0 || avail <= 0) return ptr(v);
  const raw = mem.view(v, avail);
  const end = raw.indexOf(0);
  if (end < 0 && avail < TASK_COMM_LEN) return ptr(v);
  return end < 0 ? `${q(raw.subarray(0, TASK_COMM_LEN - 1), Math.min(max, TASK_COMM_LEN - 1))}...` : q(raw.subarray(0, end), max);
}

/**
 * Argument `n` (2 to 5) of a prctl with this option, as strace prints it; undefined where it prints nothing.
 * `ok`: the call succeeded (the out-parameters are shown then, else their address).
 */
export function prctlArgText(op: number, n: number, v: number, mem: GuestMemory, ok: boolean, max: number, q: (b: Uint8Array, m: number) => string): string | undefined {
  const u = v >>> 0;
  switch (op) {
    case PR.PR_GET_DUMPABLE: case PR.PR_GET_KEEPCAPS: return undefined;
    case PR.PR_SET_NAME: return n === 2 ? commText(mem, u, max, q) : undefined;
    case PR.PR_GET_NAME: return n === 2 ? (ok ? commText(mem, u, max, q) : ptr(u)) : undefined;
    case PR.PR_SET_PDEATHSIG: return n === 2 ? (u === 0 || u > 128 ? String(u) : signalName(u)) : undefined;
    case PR.PR_GET_PDEATHSIG: return n === 2 ? (ok ? `[${mem.i32(u) ? signalName(mem.i32(u)) : '0'}]` : ptr(u)) : undefined;
    case PR.PR_GET_CHILD_SUBREAPER: return n === 2 ? (ok ? `[${mem.i32(u)}]` : ptr(u)) : undefined;
    case PR.PR_SET_CHILD_SUBREAPER: case PR.PR_SET_KEEPCAPS: return n === 2 ? String(u) : undefined;
    case PR.PR_SET_DUMPABLE: return n === 2 ? (DUMP[u] ?? `${hex(u)} /* SUID_DUMP_??? */`) : undefined;
    case PR.PR_SET_NO_NEW_PRIVS: return n === 2 ? String(u) : hex(u);
    default: return hex(u);
  }
}

/** The result: PR_GET_DUMPABLE's names its value. */
export function prctlResultText(op: number, r: number): string {
  return op === PR.PR_GET_DUMPABLE && DUMP[r] !== undefined ? `${r} (${DUMP[r]})` : String(r);
}
