// The kernel's clock in nanoseconds. Virtual by default: it moves only when
// every process waits (jumping to the next timer) and by a fixed cost per
// syscall, so a busy-wait on clock_gettime still sees time pass and the same
// run always sees the same times. With realTime it follows the wall clock.

export interface Clock {
  readonly realTime: boolean;
  /** Monotonic nanoseconds since the run started. */
  now(): number;
  /** Realtime clock (CLOCK_REALTIME) in ns since the epoch. */
  wall(): bigint;
  /** Virtual clocks jump forward to t; a real clock ignores it. */
  advanceTo(t: number): void;
  /** Charges one syscall's cost (virtual only). */
  tick(): void;
  /** Charges ns of guest computation (virtual only: counted fuel, see loader/fuel.ts). */
  charge(ns: number): void;
}

/** 2026-01-01T00:00:00Z: the fixed epoch a virtual run starts at, so dates in output are reproducible. */
export const VIRTUAL_EPOCH_NS = 1767225600n * 1_000_000_000n;

export class VirtualClock implements Clock {
  readonly realTime = false;
  private t = 0;
  // Not a double from the start: an unoptimised read of a double field boxes a new number, which made a fresh
  // worker's first thousands of calls slower than the one deoptimisation when t passes 2^30 ns (~1M calls) costs.
  constructor(private readonly syscallCostNs = 1000) {}
  now(): number {
    return this.t;
  }
  wall(): bigint {
    return VIRTUAL_EPOCH_NS + BigInt(this.t);
  }
  advanceTo(t: number): void {
    if (t > this.t) this.t = t;
  }
  tick(): void {
    this.t += this.syscallCostNs;
  }
  charge(ns: number): void {
    this.t += ns;
  }
}

export class RealClock implements Clock {
  readonly realTime = true;
  // performance.now() reads the same monotonic clock as process.hrtime, as a
  // double (ms, sub-ns resolution for days): no BigInt made per call, where
  // hrtime.bigint() made two on every syscall of a --net=real run.
  private readonly start = performance.now();
  now(): number {
    return Math.round((performance.now() - this.start) * 1e6);
  }
  wall(): bigint {
    return BigInt(Date.now()) * 1_000_000n;
  }
  advanceTo(): void {}
  tick(): void {}
  charge(): void {}
}
