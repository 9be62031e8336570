// futex(2)'s arguments as strace prints them (strace's futex.c): the op by
// name (FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME), then per op only
// the arguments it uses: a wait's timeout, a bitset op's val3.
import type { GuestMemory } from '../abi/memory.js';
import { FUTEX_BITSET_MATCH_ANY, FUTEX_CLOCK_REALTIME, FUTEX_CMDS, FUTEX_PRIVATE_FLAG, FUTEX_WAIT, FUTEX_WAIT_BITSET, FUTEX_WAKE, FUTEX_WAKE_BITSET } from '../kernel/futex.js';

/** strace's PRINT_VAL_X: 0 as 0. */
const hex = (v: number): string => (v ? `0x${(v >>> 0).toString(16)}` : '0');
const ptr = (v: number): string => (v ? hex(v) : 'NULL');
const known = (cmd: number): boolean => cmd === FUTEX_WAIT || cmd === FUTEX_WAKE || cmd === FUTEX_WAIT_BITSET || cmd === FUTEX_WAKE_BITSET;

export function futexOpText(op: number): string {
  const name = FUTEX_CMDS[op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)];
  if (name === undefined) return `${hex(op)} /* FUTEX_??? */`;
  return `${name}${op & FUTEX_PRIVATE_FLAG ? '_PRIVATE' : ''}${op & FUTEX_CLOCK_REALTIME ? '|FUTEX_CLOCK_REALTIME' : ''}`;
}

/** The timeout, uaddr2 or val3 argument of a futex call with this op; undefined where strace prints nothing. */
export function futexArgText(kind: 'futex_timeout' | 'futex_uaddr2' | 'futex_val3', v: number, op: number, mem: GuestMemory): string | undefined {
  const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  if (!known(cmd)) return kind === 'futex_val3' ? hex(v) : ptr(v);
  if (kind === 'futex_timeout') {
    if (cmd !== FUTEX_WAIT && cmd !== FUTEX_WAIT_BITSET) return undefined;
    return v ? `{tv_sec=${mem.i64(v)}, tv_nsec=${mem.i32(v + 8)}}` : 'NULL';
  }
  if (kind === 'futex_val3' && (cmd === FUTEX_WAIT_BITSET || cmd === FUTEX_WAKE_BITSET)) return v >>> 0 === FUTEX_BITSET_MATCH_ANY ? 'FUTEX_BITSET_MATCH_ANY' : hex(v);
  return undefined;
}
