// wasi:clocks on the kernel's clock: virtual time in a deterministic run
// (host/kernel/clock.ts), so a timer wait moves virtual time, not wall time.
import { Pollable } from './io.js';
import type { ComponentProcess } from './process.js';

export function clocksImports(p: ComponentProcess): Record<string, Record<string, unknown>> {
  const clock = p.kernel.clock;
  const at = (ns: number): Pollable => new Pollable(p, () => false, () => [], Math.max(ns, clock.now()));
  return {
    'wasi:clocks/monotonic-clock': {
      // A number, not a bigint (exact: virtual and real ns stay below 2^53): the direct binding's core import takes an f64 (load.ts widenI64Results).
      now: (): number => Math.floor(clock.now()),
      resolution: (): bigint => 1n,
      subscribeInstant: (when: bigint): Pollable => at(Number(when)),
      subscribeDuration: (d: bigint): Pollable => at(clock.now() + Number(d)),
    },
    'wasi:clocks/wall-clock': {
      now: (): { seconds: bigint; nanoseconds: number } => {
        const ns = clock.wall();
        return { seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) };
      },
      resolution: (): { seconds: bigint; nanoseconds: number } => ({ seconds: 0n, nanoseconds: 1 }),
    },
  };
}
