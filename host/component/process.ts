// A component as a socklab process. jco's glue (sync instantiation) calls
// instantiateCore for each core module: socklab wraps the function imports of
// the Asyncified ones, so a WASI 0.2 call that must wait suspends the guest
// like a preview1 syscall does (kernel/process.ts): the implementation says
// "blocked" (Ctx.block) and returns a placeholder of the right type, jco's
// trampoline lowers it, and the wrapper then starts the unwind; on the next
// slice the rewind re-enters the same import, which runs again from the start.
import { GuestMemory } from '../abi/memory.js';
import { FUEL_NS, FUEL_SLICE, nonZeroPages, Process, type MemoryFootprint, type ProcessOptions } from '../kernel/process.js';
import { Killed, ProcExit, SIGNALS, trapSignal } from '../kernel/signals.js';
import type { Kernel } from '../kernel/kernel.js';
import type { WaitQueue } from '../kernel/wait.js';
import type { LoadedModule } from '../loader/module.js';
import type { LoadedComponent } from './load.js';
import { ResourceRegistry, WIDE_GLOBAL } from './canon.js';
import { buildImports, type Binding } from './imports.js';
import { ARITY } from './direct.js';

const PAGE = 65536;

interface AsyncifyCore {
  asyncify_start_unwind(p: number): void;
  asyncify_stop_unwind(): void;
  asyncify_start_rewind(p: number): void;
  asyncify_stop_rewind(): void;
  asyncify_get_state(): number;
}

interface CoreState {
  ex: AsyncifyCore;
  /** Undefined for a module without memory (jco's fixup module, which only fills a table): never on the stack. */
  memory?: WebAssembly.Memory;
  data: number;
  /** Its memory's size before socklab grew the Asyncify page: what the module declares, or what an earlier one left. */
  declared?: number;
  /** The module's fuel counter (socklab_fuel), when the run counts fuel. */
  fuel?: WebAssembly.Global;
  /** The last refill of that counter. */
  fuelGrant: number;
  /** The global an i64 result goes through when an f64 cannot hold it (load.ts widenI64Results). */
  wide?: WebAssembly.Global;
  /** Views of memory for the Asyncify header, renewed when memory.grow detaches their buffer (u8 then reads as empty). */
  u8?: Uint8Array;
  dv?: DataView;
}

export class ComponentProcess extends Process {
  readonly component: LoadedComponent;
  /** Every WASI 0.2 binding jco asked for, and whether socklab provided it. */
  bindings: Binding[] = [];
  /** The resources behind the guest's handles (direct bindings); forgotten when the process is released. */
  readonly resources = new ResourceRegistry();
  private entry: (() => unknown) | undefined;
  private cores: CoreState[] = [];
  /** The modules unwound by the last suspension, outermost first (a libc component: the adapter, then the program). */
  private suspended: CoreState[] | undefined;
  /** The Asyncified modules on the stack now, outermost first: entered through their exports. */
  private active: CoreState[] = [];
  /** Core exports (ours, wrapped): another module importing one calls core code, not the host. */
  private coreExports = new WeakSet<object>();
  /** The core function behind wasi:cli/run (the first export entered from outside any host call), and its module. */
  private coreEntry: { fn: () => unknown; state: CoreState } | undefined;
  private cRewinding = false;
  private cHasResume = false;
  private cResumeValue: unknown;
  /** Set by suspend() during the current call: it waits (the trace reports it when it completes). */
  blockedNow = false;
  private preempt = false;
  private begun = false;
  private startFailure: Killed | undefined;
  /**
   * Host calls in progress (a WASI binding, jco's glue calling realloc or a
   * post-return function, instantiation): a core module that runs out of
   * fuel inside one cannot be unwound there (other frames are on the stack),
   * so it is refilled and the process yields when the call returns.
   */
  private hostDepth = 0;
  /**
   * The current call is the only host call in progress, so it can wait (suspend). One the guest makes
   * inside another (its realloc, which jco calls while lowering a result, writing to stdout) cannot:
   * the other call's frames are on the stack.
   */
  get canWait(): boolean {
    return this.hostDepth <= 1;
  }
  /** Fuel charged up to each module's last refill (every core module counts into it). */
  private cFuelSpent = 0;

  constructor(kernel: Kernel, pid: number, module: LoadedModule, opts: ProcessOptions) {
    super(kernel, pid, module, opts);
    // A ComponentProcess is made only for a module whose component loadComponentModule made.
    this.component = module.component as LoadedComponent;
  }

  override instantiate(): void {
    const comp = this.component;
    const { imports, bindings } = buildImports(this);
    this.bindings = bindings;
    let root: Record<string, unknown>;
    // Start functions run inside instantiate: no unwinding there.
    this.hostDepth++;
    try {
      root = comp.instantiate(
        (name) => {
          const m = comp.modules.get(name);
          if (!m) throw new Error(`jco asked for a core module ${name} that is not in its output`);
          return m;
        },
        imports,
        (m, imps) => this.instantiateCore(m, imps),
      );
    } catch (e) {
      // A binding socklab lacks (jco checks each one), or a trap in a start function.
      const missing = bindings.filter((b) => !b.provided).map((b) => `${b.iface}#${b.name}`);
      const why = missing.length ? `the component imports ${missing.join(', ')}, which socklab does not provide` : `the component could not be instantiated: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
      this.startFailure = new Killed('SIGSYS', why, 127);
      return;
    } finally {
      this.hostDepth--;
    }
    const run = (root['wasi:cli/run@0.2.0'] ?? root['run']) as { run?: () => unknown } | undefined;
    if (!run?.run) {
      this.startFailure = new Killed('SIGSYS', 'the component exports no wasi:cli/run (it is not a command)', 127);
      return;
    }
    this.entry = () => run.run!();
  }

  private instantiateCore(m: WebAssembly.Module, imps?: WebAssembly.Imports): WebAssembly.Instance {
    if (!this.component.asyncified.has(m)) {
      // jco's shim module (no function imports: its exports call through a table the fixup
      // module fills): calling one is a call into core code, not into the host. Wrapping it
      // as a host call would end a rewind there, short of the core module behind the table.
      const inst = new WebAssembly.Instance(m, imps);
      for (const v of Object.values(inst.exports)) if (typeof v === 'function') this.coreExports.add(v);
      return inst;
    }
    const state = { fuelGrant: 0 } as CoreState;
    const wrapped: WebAssembly.Imports = {};
    const wide = this.component.wide.get(m);
    let memory: WebAssembly.Memory | undefined;
    for (const [mod, obj] of Object.entries(imps ?? {})) {
      const w: Record<string, WebAssembly.ImportValue> = {};
      for (const [name, v] of Object.entries(obj as Record<string, WebAssembly.ImportValue>)) {
        if (typeof v === 'function') {
          const f = v as (...a: unknown[]) => unknown;
          const g = this.coreExports.has(v) ? f : this.wrap(state, f);
          // An i64 result the module takes as an f64 (load.ts widenI64Results).
          w[name] = wide?.has(`${mod}.${name}`) ? widen(state, g, this.coreExports.has(v) ? -1 : ((f as unknown as Record<symbol, number | undefined>)[ARITY] ?? -1)) : g;
        }
        else {
          if (v instanceof WebAssembly.Memory) memory ??= v;
          w[name] = v;
        }
      }
      wrapped[mod] = w;
    }
    const fueled = this.component.fueled.has(m);
    if (fueled) wrapped['socklab_rt'] = { fuel_exhausted: () => this.fuelExhausted(state) };
    const inst = new WebAssembly.Instance(m, wrapped);
    const ex = inst.exports as unknown as AsyncifyCore & { memory?: WebAssembly.Memory; socklab_fuel?: WebAssembly.Global };
    memory = ex.memory ?? memory;
    state.ex = ex;
    state.fuel = ex.socklab_fuel;
    state.wide = (ex as unknown as Record<string, WebAssembly.Global | undefined>)[WIDE_GLOBAL];
    this.cores.push(state);
    if (memory) {
      state.memory = memory;
      state.declared = memory.buffer.byteLength;
      state.data = memory.grow(1) * PAGE;
      this.mem ??= new GuestMemory(memory);
    }
    const exports: Record<string, unknown> = { ...inst.exports };
    for (const [k, v] of Object.entries(inst.exports)) {
      if (typeof v !== 'function') continue;
      const f = v as (...a: unknown[]) => unknown;
      if (/^cabi_post_|realloc/.test(k)) {
        // jco's glue and the direct bindings call realloc and post-return functions from JS, outside the run export's stack: host context, as above.
        if (fueled) {
          exports[k] = (...a: unknown[]) => {
            this.hostDepth++;
            try {
              return f(...a);
            } finally {
              this.hostDepth--;
            }
          };
        }
        this.coreExports.add(exports[k] as object);
        continue;
      }
      // The core function jco's run export enters first: later slices rewind into it directly.
      const g = (...a: unknown[]): unknown => {
        if (this.hostDepth === 0 && this.coreEntry === undefined && this.suspended === undefined) this.coreEntry = { fn: f, state };
        this.active.push(state);
        try {
          return f(...a);
        } finally {
          this.active.pop();
        }
      };
      this.coreExports.add(g);
      exports[k] = g;
    }
    return { exports } as unknown as WebAssembly.Instance;
  }

  /** Fuel this process has used (every core module's), undefined when the run does not count it. */
  override get fuelUsed(): number | undefined {
    const counted = this.cores.filter((c) => c.fuel);
    if (!counted.length) return undefined;
    return this.cFuelSpent + counted.reduce((n, c) => n + usedSinceRefill(c), 0);
  }

  /**
   * A core module used up its grant of fuel (kernel/process.ts does the same
   * for preview1 guests): count it, charge the virtual clock, stop the
   * process past its limit with SIGXCPU, else refill and yield the CPU — at
   * once when the module is the only one on the stack, or when the host call
   * it runs inside returns. On the rewind after that yield, the call just returns.
   */
  private fuelExhausted(state: CoreState): void {
    if (this.cRewinding) {
      this.stopRewind();
      return;
    }
    const k = this.kernel;
    // Each core module counts down its own grant; the grants together never
    // exceed what is left of the limit, so the unit past it always lands here.
    const used = usedSinceRefill(state); // its grant, and the unit that went past it
    this.cFuelSpent += used;
    state.fuelGrant = 0;
    state.fuel!.value = 0n;
    k.clock.charge(used * FUEL_NS);
    const limit = k.limits.fuel ?? Number.MAX_SAFE_INTEGER;
    const others = this.cores.filter((c) => c.fuel && c !== state);
    const total = this.cFuelSpent + others.reduce((n, c) => n + usedSinceRefill(c), 0);
    if (total > limit) throw new Killed('SIGXCPU', `CPU limit exceeded: used more than ${limit} fuel units`);
    let left = limit - total - others.reduce((n, c) => n + Math.max(0, Number(c.fuel!.value as bigint)), 0);
    if (left <= 0) {
      // The others hold the rest: take it back (they come here again at their next unit).
      for (const c of others) {
        this.cFuelSpent += usedSinceRefill(c);
        c.fuelGrant = 0;
        c.fuel!.value = 0n;
      }
      left = limit - this.cFuelSpent;
    }
    state.fuelGrant = Math.min(FUEL_SLICE, left);
    state.fuel!.value = BigInt(state.fuelGrant);
    if (this.hostDepth > 0) {
      this.preempt = true;
      return;
    }
    this.state = 'runnable';
    k.requeue(this);
    this.unwindIn(state);
  }

  /**
   * The import wrapper: every call from the component's core code into a WASI
   * 0.2 binding enters here. One closure per arity for the usual few flat
   * parameters, so a call makes no argument array (rest and spread allocate).
   */
  private wrap(state: CoreState, f: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
    type G = (a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, g?: unknown) => unknown;
    const h = f as G;
    // Only a direct binding says how many core values it takes (jco's own trampolines may read `arguments`).
    const n = (f as unknown as Record<symbol, number | undefined>)[ARITY] ?? -1;
    switch (n) {
      case 0: return () => {
        if (this.cRewinding && this.resumed()) return this.takeResume();
        this.enter();
        let r: unknown;
        try {
          r = h();
        } finally {
          this.hostDepth--;
        }
        return this.leave(state, r);
      };
      case 1: return (a) => {
        if (this.cRewinding && this.resumed()) return this.takeResume();
        this.enter();
        let r: unknown;
        try {
          r = h(a);
        } finally {
          this.hostDepth--;
        }
        return this.leave(state, r);
      };
      case 2: return (a, b) => {
        if (this.cRewinding && this.resumed()) return this.takeResume();
        this.enter();
        let r: unknown;
        try {
          r = h(a, b);
        } finally {
          this.hostDepth--;
        }
        return this.leave(state, r);
      };
      case 3: return (a, b, c) => {
        if (this.cRewinding && this.resumed()) return this.takeResume();
        this.enter();
        let r: unknown;
        try {
          r = h(a, b, c);
        } finally {
          this.hostDepth--;
        }
        return this.leave(state, r);
      };
      case 4: return (a, b, c, d) => {
        if (this.cRewinding && this.resumed()) return this.takeResume();
        this.enter();
        let r: unknown;
        try {
          r = h(a, b, c, d);
        } finally {
          this.hostDepth--;
        }
        return this.leave(state, r);
      };
      case 5: return (a, b, c, d, e) => {
        if (this.cRewinding && this.resumed()) return this.takeResume();
        this.enter();
        let r: unknown;
        try {
          r = h(a, b, c, d, e);
        } finally {
          this.hostDepth--;
        }
        return this.leave(state, r);
      };
      case 6: return (a, b, c, d, e, g) => {
        if (this.cRewinding && this.resumed()) return this.takeResume();
        this.enter();
        let r: unknown;
        try {
          r = h(a, b, c, d, e, g);
        } finally {
          this.hostDepth--;
        }
        return this.leave(state, r);
      };
      default: return (...args: unknown[]) => {
        if (this.cRewinding && this.resumed()) return this.takeResume();
        this.enter();
        let r: unknown;
        try {
          r = f(...args);
        } finally {
          this.hostDepth--;
        }
        return this.leave(state, r);
      };
    }
  }

  /** On a rewind, the call that suspended: ends the rewind; true when the call completed before (a preemption), so its result is returned again. */
  private resumed(): boolean {
    this.stopRewind();
    return this.cHasResume;
  }

  private takeResume(): unknown {
    this.cHasResume = false;
    const v = this.cResumeValue;
    this.cResumeValue = undefined;
    return v;
  }

  /** Before a call: the clock's tick and the call's start; a host call until the wrapper's finally. */
  private enter(): void {
    if (this.state === 'exited') throw new Killed(this.exit?.signal ?? 'SIGKILL', this.exit?.reason ?? 'killed');
    const k = this.kernel;
    k.clock.tick();
    if (this.callStart < 0) this.callStart = k.clock.now();
    this.blockedNow = false;
    this.hostDepth++;
  }

  /**
   * After a call: a call that waits unwinds; one that completed ends the
   * call's bookkeeping and counts against the slice. Past the budget (or
   * asked to preempt) the process yields and gets r back on rewind, unless
   * it is alone with nothing due, when the next slice would resume it at
   * once (kernel/process.ts endOfCall does the same for preview1).
   */
  private leave(state: CoreState, r: unknown): unknown {
    if (this.blockedNow) {
      this.blockedNow = false;
      this.unwindIn(state);
      return r;
    }
    this.callStart = -1;
    this.callDeadline = -1;
    this.callBytes = 0;
    if ((this.state as string) === 'exited') throw new Killed(this.exit?.signal ?? 'SIGKILL', this.exit?.reason ?? 'killed');
    const k = this.kernel;
    if (++this.sliceCalls >= k.sliceBudget || this.preempt) {
      if (!this.preempt && this.signals.pending.size === 0 && k.continues(this)) {
        this.sliceCalls = 0;
        return r;
      }
      this.cHasResume = true;
      this.cResumeValue = r;
      this.state = 'runnable';
      k.requeue(this);
      this.unwindIn(state);
    }
    return r;
  }

  /**
   * For the WASI 0.2 implementations: the current call must wait on these
   * queues (or until the deadline, absolute ns, -1 none). The caller returns
   * a placeholder of the right type; the call runs again when woken.
   */
  suspend(queues: WaitQueue[], deadline = -1): void {
    this.block(queues, deadline);
    this.blockedNow = true;
  }

  /**
   * Unwinds every Asyncified module on the stack (an adapter-built component:
   * the adapter's run, the program's _start, the adapter's fd_write again), each
   * into its own page, not only the one that called. Each page is a LIFO stack:
   * a module on the stack twice saves its inner frames first and its outer ones
   * after, and the rewind, entering outermost first, takes them back in that
   * order, so one page per module holds both stretches. What must hold is that
   * all of them unwind and rewind together, and that no call between them
   * counts as a host call (jco's shim: instantiateCore), or the rewind would
   * stop there with the inner frames still saved.
   */
  private unwindIn(s: CoreState): void {
    const all = this.active.length === 0 || (this.active.length === 1 && this.active[0] === s) ? [s] : [...new Set([...this.active, s])];
    const onStack = all.filter((c) => c.memory);
    if (!onStack.length) throw new Error('a core module of the component that calls the host has no memory for its suspended stack');
    for (const c of onStack) {
      if (c.u8 === undefined || c.u8.length === 0) {
        c.u8 = new Uint8Array(c.memory!.buffer);
        c.dv = new DataView(c.u8.buffer);
      }
      c.dv!.setUint32(c.data, c.data + 8, true);
      c.dv!.setUint32(c.data + 4, c.data + PAGE, true);
      c.ex.asyncify_start_unwind(c.data);
    }
    this.suspended = onStack;
  }

  private stopRewind(): void {
    for (const c of this.suspended ?? []) c.ex.asyncify_stop_rewind();
    this.cRewinding = false;
    this.suspended = undefined;
  }

  /** As a preview1 process's, over the component's memories (the adapter shares the program's) and one Asyncify page per core module that has one. */
  override memoryFootprint(): MemoryFootprint {
    const fp = super.memoryFootprint();
    const withMemory = this.cores.filter((c) => c.memory);
    const memories = new Set(withMemory.map((c) => c.memory!));
    const first = (m: WebAssembly.Memory): number => withMemory.find((c) => c.memory === m)!.declared!;
    for (const m of memories) {
      fp.declared += first(m);
      fp.linear += m.buffer.byteLength;
      fp.touched += nonZeroPages(m.buffer);
    }
    fp.asyncify += withMemory.length * PAGE;
    return fp;
  }

  override release(): void {
    super.release();
    if (this.state === 'exited') this.resources.clear();
  }

  override requestPreempt(): void {
    this.preempt = true;
  }

  override runSlice(): void {
    if (this.state === 'exited') return;
    if (this.startFailure) return this.end({ signal: this.startFailure.signal, status: this.startFailure.status!, reason: this.startFailure.reason });
    this.sliceCalls = 0;
    this.preempt = false;
    try {
      if (this.begun) {
        const s = this.suspended;
        if (!s) throw new Error('component resumed with no suspended core instance');
        this.cRewinding = true;
        for (const c of s) c.ex.asyncify_start_rewind(c.data);
      }
      let failed = false;
      try {
        if (this.begun && this.coreEntry?.state === this.suspended?.[0]) {
          // A rewind goes straight into the core run function (wasi:cli/run's `result` is 0 for ok):
          // jco's export glue around it would make and end a task of its own on every slice.
          // On the stack like any entered export (a later suspension unwinds it too).
          this.active.push(this.coreEntry!.state);
          let r: unknown;
          try {
            r = this.coreEntry!.fn();
          } finally {
            this.active.pop();
          }
          if (!this.stillUnwinding()) failed = r !== 0;
        } else {
          this.begun = true;
          this.entry!();
        }
      } catch (e) {
        if (!this.stillUnwinding()) {
          if (e instanceof ProcExit || e instanceof Killed || e instanceof WebAssembly.RuntimeError || e instanceof RangeError) throw e;
          // jco's ComponentError: run returned err.
          if (process.env.SOCKLAB_DEBUG) process.stderr.write(`socklab: ${this}: wasi:cli/run returned an error: ${e instanceof Error ? e.stack : String(e)}\n`);
          failed = true;
        }
      }
      if (this.stillUnwinding()) {
        for (const c of this.suspended!) c.ex.asyncify_stop_unwind();
        return;
      }
      this.end(failed ? { code: 1, status: 1 } : { code: 0, status: 0 });
    } catch (err) {
      for (const c of this.cores) resetAsyncify(c.ex);
      this.cRewinding = false;
      if (err instanceof ProcExit) this.end({ code: err.code, status: err.code & 0xff });
      else if (err instanceof Killed) this.end({ signal: err.signal, status: err.status ?? 128 + SIGNALS[err.signal], reason: err.reason });
      else if (err instanceof WebAssembly.RuntimeError || err instanceof RangeError) {
        const sig = trapSignal(err);
        this.end({ signal: sig, status: 128 + SIGNALS[sig], reason: `killed by ${sig}: wasm trap: ${err.message}` });
      } else throw err;
    }
  }

  private stillUnwinding(): boolean {
    return this.suspended !== undefined && this.suspended[0]!.ex.asyncify_get_state() === 1;
  }

  private end(info: Parameters<ComponentProcess['kill']>[1] & { status: number }): void {
    // Process.finish is private: kill() with the exit information ends the process the same way.
    this.kill(new Killed(info.signal ?? 'SIGKILL', info.reason ?? ''), { signal: undefined, reason: undefined, ...info });
  }
}

const TWO53 = 2 ** 53;

/**
 * An i64 result (a number from a direct binding, a bigint from jco's glue
 * or core code) as load.ts's shim takes it: the number when an f64 holds it
 * exactly, else NaN with the value in the module's global.
 */
function wideOf(s: CoreState, v: unknown): number {
  if (typeof v === 'number' && v <= TWO53 && v >= -TWO53 && Number.isInteger(v)) return v;
  // As V8 converts a returned value to an i64 (a number that is not an integer throws there too).
  const x = BigInt.asIntN(64, BigInt(v as bigint));
  if (x <= 9007199254740992n && x >= -9007199254740992n) return Number(x);
  s.wide!.value = x;
  return NaN;
}

/** g with its result as wideOf makes it, for the usual few arities without an argument array. */
function widen(s: CoreState, g: (...a: unknown[]) => unknown, arity: number): (...a: unknown[]) => number {
  type G = (a?: unknown, b?: unknown, c?: unknown) => unknown;
  const h = g as G;
  switch (arity) {
    case 0: return () => wideOf(s, h());
    case 1: return (a) => wideOf(s, h(a));
    case 2: return (a, b) => wideOf(s, h(a, b));
    case 3: return (a, b, c) => wideOf(s, h(a, b, c));
    default: return (...a: unknown[]) => wideOf(s, g(...a));
  }
}

/** Units a core module has used since its last refill (its counter is -1 just past its grant). */
function usedSinceRefill(c: CoreState): number {
  return c.fuelGrant - Number(c.fuel!.value as bigint);
}

function resetAsyncify(ex: AsyncifyCore): void {
  try {
    const s = ex.asyncify_get_state();
    if (s === 1) ex.asyncify_stop_unwind();
    else if (s === 2) ex.asyncify_stop_rewind();
  } catch {
    /* dead anyway */
  }
}
