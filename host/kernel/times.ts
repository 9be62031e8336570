// times(2): the process's CPU in clock ticks (USER_HZ, sysconf(_SC_CLK_TCK) =
// 100) and the ticks since boot as Linux returns them. Linux counts jiffies
// from INITIAL_JIFFIES, (unsigned int)(-300 * HZ) on a 64-bit kernel, so the
// value is about 2^32 jiffies past a fresh boot, not 0: socklab boots at the
// run's start with the HZ of the reference machine's (and Debian's, Ubuntu's)
// kernel, 250, on the run's clock (virtual, or real with --real-time).
import { FUEL_NS, type Process } from './process.js';
import { syscall, type SyscallDef } from './syscall.js';

/** CONFIG_HZ of the kernel socklab's numbers follow. */
export const HZ = 250;
/** USER_HZ: the unit of clock_t. */
export const USER_HZ = 100;
/** Linux's INITIAL_JIFFIES on a 64-bit kernel. */
const INITIAL_JIFFIES = 2n ** 32n - BigInt(300 * HZ);

/** jiffies_64_to_clock_t(get_jiffies_64()) at virtual time `ns` since the run began. */
export function ticksSinceBoot(ns: number): bigint {
  const jiffies = INITIAL_JIFFIES + BigInt(Math.floor((ns * HZ) / 1e9));
  return (jiffies * BigInt(USER_HZ)) / BigInt(HZ);
}

/**
 * The process's user CPU in ticks: what socklab accounts per process is the guest's own work counted
 * as fuel (run --fuel), FUEL_NS of virtual time per unit; without fuel, none. A syscall's cost goes to
 * the run's clock, not to a process, so the system time is 0, as are the children's (socklab keeps no
 * account of a reaped child's CPU).
 */
function userTicks(p: Process): bigint {
  const fuel = p.fuelUsed;
  return fuel === undefined ? 0n : BigInt(Math.floor((fuel * FUEL_NS * USER_HZ) / 1e9));
}

function times(p: Process, buf: number, out: number): number {
  p.mem.check(out, 8);
  if (buf !== 0) {
    // struct tms: four clock_t (long long on wasm32).
    p.mem.check(buf, 32);
    p.mem.setU64(buf, userTicks(p));
    p.mem.setU64(buf + 8, 0n);
    p.mem.setU64(buf + 16, 0n);
    p.mem.setU64(buf + 24, 0n);
  }
  p.mem.setU64(out, ticksSinceBoot(p.kernel.clock.now()));
  return 0;
}

/** strace has times in no class (not %clock). */
export const timesSyscalls: SyscallDef[] = [
  syscall('socklab', 'times', { strace: 'times', classes: [], params: ['buf:tms_out', 'ticks:ret_u64'] }, times),
];
