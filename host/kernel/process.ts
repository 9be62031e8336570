// A guest process: one WebAssembly instance with its own memory and fd table,
// run in slices by the kernel. A slice ends when the guest exits, traps, or
// suspends in a syscall; suspension uses Asyncify: the import starts an
// unwind, the guest's stack is saved into a region of its memory, and the
// next slice rewinds it and re-enters the same import.
import { GuestMemory } from '../abi/memory.js';
import { Slots, type Slot } from './slots.js';
import { E, Errno } from '../abi/errno.js';
import { FdTable } from './fdtable.js';
import { Rlimits } from './rlimits.js';
import { Creds } from './creds.js';
import { argList, BLOCKED, FORK, narrowsI64, type FastRecorder, type RawSyscallHooks, type SyscallDef } from './syscall.js';
import { WaitQueue, type Waiter } from './wait.js';
import { Killed, ProcExit, SIGNALS, SignalState, trapSignal, type SignalName } from './signals.js';
import { BROKEN_PIPE, SA_NODEFER, SA_RESETHAND, SI_USER, SA_RESTART, SLEEPING, UNBLOCKABLE, defaultAction, restartKind, sigbit, signalName, type SigInfo } from './signals.js';
import type { Kernel, SyscallInterceptor, SyscallObserver } from './kernel.js';
import type { Mappings } from './mman.js';
import { ASYNCIFY_PAGES, GLOBAL_EXPORT_PREFIX, NARROW_SUFFIX } from '../abi/layout.js';
import { JMP_BUF_HOST_BYTES, JMP_MAGIC, JmpPoints, type JmpPoint } from './jmppoints.js';
import { TaskAttrs, commName } from './taskattrs.js';

type Handler9 = (p: Process, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) => number;
/** A fast call's handler: at most four parameters (importFor). */
type Handler4 = (p: Process, a: number, b: number, c: number, d: number) => number;

/** Fuel units a process runs between preemptions (about a millisecond of guest work). */
export const FUEL_SLICE = 1_000_000;
/** Virtual ns one fuel unit (a function entry or loop iteration) costs: CPU-bound work moves the virtual clock the same on every machine. */
export const FUEL_NS = 2;

const PAGE = 65536;
/** A stand-in function (see the constructor). */
const NOTHING = (): void => {};
/** Thrown by dispatch once execve succeeded, to leave the old image's stack (caught in runSlice). */
const EXEC_NOW = new Error('execve');
/** Thrown by longjmp to leave the stack it runs on (caught in runSlice, which rewinds the saved one: jmp.ts). */
const LONGJMP_NOW = new Error('longjmp');

export type ProcessState = 'runnable' | 'blocked' | 'exited';

export interface ExitInfo {
  /** exit() code, when the process called exit or returned from main. */
  code?: number;
  /** Signal that ended it (trap, SIGPIPE, a limit). */
  signal?: SignalName;
  /** One line saying why, for anything but a normal exit. */
  reason?: string;
  /** The status socklab reports: code, or 128+signal, or the limit's own status. */
  status: number;
  /** Fuel units the process used, when the run counted them (RunSpec.fuel). */
  fuel?: number;
  /**
   * For a service: 'running' when it was still running once the other
   * processes were done and socklab stopped it (as expected); 'early' when
   * it ended on its own before them; 'idle' when only services were left,
   * all waiting; 'deadlock' when the other processes deadlocked.
   */
  service?: 'running' | 'early' | 'idle' | 'deadlock';
}

interface AsyncifyExports {
  _start: () => void;
  asyncify_start_unwind: (p: number) => void;
  asyncify_stop_unwind: () => void;
  asyncify_start_rewind: (p: number) => void;
  asyncify_stop_rewind: () => void;
  asyncify_get_state: () => number;
  /** The SDK's signal trampoline (guest/c/src/signal.c): runs the guest's handler for sig. */
  __socklab_sigtramp?: SigTramp;
  /** The function table, which the SDK's link exports (--export-table): where the unwrapped trampoline is. */
  __indirect_function_table?: WebAssembly.Table;
}
type SigTramp = (sig: number, code: number, pid: number, uid: number, status: number) => void;

/** How deep signal handlers may nest (each has its own Asyncify region). */
export const MAX_SIGNAL_NESTING = 8;

/** The per-call state a handler frame sets aside while it runs, and gives back when it returns. */
interface CallState {
  resumeValue: number | undefined;
  callStart: number;
  callDeadline: number;
  callBytes: number;
  currentCall: SyscallDef | undefined;
  interrupted: { restart: boolean } | undefined;
  callSigMask: bigint | undefined;
  callSlots: Slots | undefined;
}
interface HandlerFrame {
  sig: number;
  info: SigInfo;
  /** The sa_restorer of its sigaction (the SDK's trampoline's table index): see trampolineOf. */
  restorer: number;
  data: number;
  started: boolean;
  savedMask: bigint;
  saved: CallState;
  /** Which delivery this frame is (a longjmp checks its setjmp's frame is still there). */
  serial: number;
}

/**
 * What the kernel runs: a compiled guest as the loader (host/loader/module.ts)
 * hands it over. Defined here, under the loader, so that the kernel imports
 * nothing from the layers above it.
 */
export interface GuestImage {
  module: WebAssembly.Module;
  /** sha256 of the original bytes. */
  hash: string;
  name: string;
  /** Whether the transformed module came from the disk cache. */
  cached: boolean;
  /** Whether the file was found in the cache by its identity (loadModuleFile), without hashing its bytes. */
  byIdentity?: boolean;
  /** Instrumented with fuel counting (exports socklab_fuel, imports socklab_rt.fuel_exhausted). */
  fuel: boolean;
  /** The memory the module declares, in 64 KiB pages (before socklab's Asyncify pages). */
  memory: { initial: number; maximum?: number };
  /** Set for a WASI 0.2 component (host/component/load.ts LoadedComponent). */
  component?: ComponentImage;
}

/** A WASI 0.2 component as the kernel sees it: the class that runs it (host/component), so the kernel loads no component code. */
export interface ComponentImage {
  readonly processClass: new (kernel: Kernel, pid: number, module: GuestImage, opts: ProcessOptions) => Process;
}

export interface ProcessOptions {
  argv: string[];
  env: string[];
  host: string;
  name: string;
}
const EXIT_HOOKS: ((p: Process) => void)[] = [];
/** What a process holds outside its fds (System V semaphore adjustments: host/kernel/sysvipc.ts), let go as it exits. */
export function onProcessExit(hook: (p: Process) => void): void {
  EXIT_HOOKS.push(hook);
}


export class Process implements Waiter {
  readonly fds: FdTable;
  /** The current image's arguments and environment (execve replaces them). */
  argv: string[];
  env: string[];
  readonly host: string;
  readonly name: string;
  state: ProcessState = 'runnable';
  exit?: ExitInfo;
  /** Declared a service (a server that may run forever): see Kernel.stopServices. */
  service = false;
  /** Per-process state higher layers attach (the filesystem view, a pending DNS lookup): keys in slots.ts's style. */
  readonly slots = new Slots();
  /** CAP_NET_RAW (and binding ports below 1024): a scenario's `raw: false` takes it away. */
  capNetRaw = true;
  /** Why the call that just failed failed (a policy refusal, a WASI 0.2 error name): the tracer prints it and clears it. */
  note: string | undefined;
  /** The call that just returned had its result injected (--inject): the tracer marks the line and clears it. */
  injected: boolean | undefined;
  /** Dispositions, blocked mask, pending signals, ITIMER_REAL (host/kernel/signals.ts). */
  signals = new SignalState();

  mem!: GuestMemory;
  private exports!: AsyncifyExports;
  private asyncData = 0;
  private started = false;
  private rewinding = false;
  /** Result of a completed call whose return was deferred by a preemption. */
  private resumeValue: number | undefined;
  /** Syscall in progress across suspensions: its start time and deadline. */
  callStart = -1;
  callDeadline = -1;
  /** Bytes a blocking send already queued before it suspended (a re-run resumes from there). */
  callBytes = 0;
  /** State of the call in progress kept across its suspensions (a connect that started the handshake, a lingering close): see callSlot. */
  private callSlots: Slots | undefined;
  /** What the process waits for while blocked (for wake-ups and deadlock reports). */
  waitingOn: { queues: WaitQueue[]; deadline: number; call: string; timer?: number } | undefined;
  /** The syscall currently executing (for reports). */
  currentCall: SyscallDef | undefined;
  /** Completed syscalls in the current slice (for preemption). */
  sliceCalls = 0;
  outputBytes = 0;
  /** Set when the kernel wants the running guest to yield at its next syscall. */
  private preemptRequested = false;
  /** The parent, for a forked process until the parent exits. */
  parent: Process | undefined;
  /** Process group: a process socklab started leads its own (as a shell's jobs do); a child inherits its parent's. */
  pgid: number;
  /** Session: a process socklab started is in its shell's, outside the run (0, as a session outside a pid namespace reads); setsid makes one. */
  sid = 0;
  /** uids, gids and groups (host/kernel/creds.ts): inherited by fork, kept by execve. */
  creds = new Creds();
  /** getrlimit/setrlimit (host/kernel/rlimits.ts), inherited by fork. */
  readonly rlimits: Rlimits;
  /** sigaltstack's stack (ss_sp, ss_size; ss_flags' SS_AUTODISARM): recorded and reported, handlers run on the guest's own stack (docs/abi.md). */
  altstack = { sp: 0, size: 0, flags: 0 };
  /** Has called execve (setpgid from its parent is then EACCES). */
  execed = false;
  /** mmap's mappings (host/kernel/mman.ts), made at the first mmap: a process without any pays for no sharing hooks. */
  mman: Mappings | undefined;
  /** prctl's attributes (host/kernel/prctl.ts): comm, the parent-death signal, the subreaper flag... */
  task: TaskAttrs;
  /** Made by fork() rather than started by socklab. */
  forked = false;
  /** Its parent exited: init (pid 1, as on Linux) adopted it. */
  orphaned = false;
  /** getppid(): the parent's pid; 1 (init) for an orphan; 0 for a process socklab started (its parent is outside, as in another pid namespace). */
  get ppid(): number {
    return this.parent ? this.parent.pid : this.orphaned ? 1 : 0;
  }
  /** Children not yet reaped (running or zombies). */
  readonly children = new Set<Process>();
  /** Woken when a child exits (wait4 blocks on it). */
  readonly childWait = new WaitQueue();
  /** Reaped: gone from the process table (waited for, or a child of init/socklab). */
  reaped = false;
  /** Runs once the guest's stack is unwound (fork: the saved stack is then complete). */
  private afterUnwind: (() => void) | undefined;
  /** The last fast call traced, and its recorder (recorderOf). */
  private recDef: SyscallDef | undefined;
  private recFn: FastRecorder | undefined;

  constructor(
    readonly kernel: Kernel,
    readonly pid: number,
    /** The image it runs (execve replaces it). */
    public module: GuestImage,
    opts: ProcessOptions,
  ) {
    this.argv = opts.argv;
    this.env = opts.env;
    this.host = opts.host;
    this.name = opts.name;
    this.task = new TaskAttrs(commName(opts.name));
    this.fds = new FdTable(kernel.limits.maxFds);
    this.pgid = pid;
    this.rlimits = new Rlimits(kernel.limits.maxProcesses);
    // Fields the first slice's end changes (endOfSlice), written here as it will: a field's first change after
    // construction (V8 tracks it as constant, and resumeValue's representation widens from undefined to a number)
    // deoptimises every optimised import that read it, thousands of calls into the first run.
    this.state = 'blocked';
    this.state = 'runnable';
    this.resumeValue = 0;
    this.resumeValue = undefined;
    this.rewinding = true;
    this.rewinding = false;
    this.afterUnwind = NOTHING;
    this.afterUnwind = undefined;
  }

  /** Instantiates the module with the kernel's syscall table as imports. */
  instantiate(): void {
    // --max-memory covers the memory the module declares, plus socklab's Asyncify pages: refused before V8 allocates it.
    const max = this.kernel.limits.maxMemory;
    const declared = (this.module.memory?.initial ?? 0) * PAGE;
    if (max !== undefined && declared + ASYNCIFY_PAGES * PAGE > max) {
      const extra = declared > max ? '' : ` and socklab needs ${fmtBytes(ASYNCIFY_PAGES * PAGE)} more for suspended calls`;
      this.refused = new Killed('SIGKILL', `memory limit exceeded: the module declares ${fmtBytes(declared)} of initial memory${extra}, the limit is ${fmtBytes(max)}`);
      return;
    }
    // The imports reach this process through a slot, so the instance can serve a later fork once this process has exited (InstancePool).
    const slot: ImportSlot = { p: this };
    this.slot = slot;
    const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
    const obs = this.kernel.observer as (SyscallObserver & RawSyscallHooks) | undefined;
    for (const def of this.kernel.syscalls) {
      const m = (imports[def.module] ??= {});
      // A traced fast call with a recorder: one import of its own (tracedImportFor); else the shared ones.
      const rec = def.fast && obs?.fastRecorder !== undefined ? obs.fastRecorder(def) : undefined;
      m[def.name] = def.userspace ? userImportFor(slot, def) : rec !== undefined && !narrowsI64(def) ? tracedImportFor(slot, def, rec, false) : importFor(slot, def);
      if (narrowsI64(def)) m[`${def.name}${NARROW_SUFFIX}`] = rec !== undefined ? tracedImportFor(slot, def, rec, true) : narrowImportFor(slot, def);
    }
    imports['socklab_rt'] = {
      memory_grow_pre: (_id: number, delta: number) => slot.p.onMemoryGrow(delta),
      memory_grow_post: (_id: number, r: number) => r,
      fuel_exhausted: () => slot.p.onFuelExhausted(),
    };
    const instance = new WebAssembly.Instance(this.module.module, imports as WebAssembly.Imports);
    const ex = instance.exports as unknown as AsyncifyExports & { memory: WebAssembly.Memory; socklab_fuel?: WebAssembly.Global };
    this.exports = ex;
    this.fuelGlobal = ex.socklab_fuel;
    this.mem = new GuestMemory(ex.memory);
    // The Asyncify stack's pages are grown at the first unwind (asyncRegion), not here: an older wasi-libc's
    // malloc (Debian's 2022 one) takes all of the memory there is at its first call, from __heap_base up, as its
    // initial heap, so pages grown before the guest's first malloc would be handed out and overwritten by the
    // next unwind (tests/c/tb6_bulk.c). Grown later they are above that heap, and sbrk always returns memory
    // above the current size.
    this.asyncData = 0;
    // A new process past the run's memory budget does not start (the first slice ends it), as the per-process limit.
    const total = this.kernel.limits.maxTotalMemory;
    if (!this.kernel.memoryFits(this.mem.size)) {
      this.refused = new Killed('SIGKILL', `out of memory: the run's processes hold ${fmtBytes(this.kernel.memoryHeld)}, this one needs ${fmtBytes(this.mem.size)}, the run's limit is ${fmtBytes(total!)}`);
      return;
    }
    this.accountMemory();
  }

  /** Bytes of this process's linear memory counted in the kernel's memoryHeld. */
  private memAccounted = 0;
  /** Brings the kernel's count of live guests' memory up to this process's current size (0 once released). */
  accountMemory(): void {
    const size = this.mem === RELEASED || this.mem === undefined ? 0 : this.mem.size;
    this.kernel.memoryHeld += size - this.memAccounted;
    this.memAccounted = size;
  }

  /** The Asyncify stack of the main frames: pages grown past the guest's memory at the first unwind, kept for good. */
  private asyncRegion(): number {
    if (this.asyncData === 0) {
      this.asyncData = this.mem.memory.grow(ASYNCIFY_PAGES) * PAGE;
      this.accountMemory();
    }
    return this.asyncData;
  }

  /** Takes over an exited process's instance (copyFrom overwrites all of its memory and globals). */
  private adopt(pooled: PooledInstance): void {
    pooled.slot.p = this;
    this.slot = pooled.slot;
    const ex = pooled.exports as AsyncifyExports & { memory: WebAssembly.Memory; socklab_fuel?: WebAssembly.Global };
    this.exports = ex;
    this.fuelGlobal = ex.socklab_fuel;
    this.mem = new GuestMemory(ex.memory);
  }

  private slot: ImportSlot | undefined;

  /** Set when the module cannot start within the limits: the first slice ends it. */
  private refused: Killed | undefined;
  private fuelGlobal: WebAssembly.Global | undefined;
  /** Fuel charged up to the last refill, and the size of that refill. */
  private fuelSpent = 0;
  private fuelGrant = 0;

  /** Fuel this process has used so far (undefined when the module is not instrumented). */
  get fuelUsed(): number | undefined {
    const g = this.fuelGlobal;
    if (!g) return undefined;
    return this.fuelSpent + this.fuelGrant - Math.max(0, Number(g.value as bigint));
  }

  /**
   * The guest used up its grant of fuel: count it, charge the virtual clock,
   * stop the process past its limit (SIGXCPU, as RLIMIT_CPU does), else
   * refill and yield the CPU so a loop without syscalls cannot starve the
   * others. On the rewind after that yield, the call just returns.
   */
  /** @internal */
  onFuelExhausted(): void {
    if (this.rewinding) {
      this.exports.asyncify_stop_rewind();
      this.rewinding = false;
      return;
    }
    const k = this.kernel;
    const used = this.fuelGrant + 1;
    this.fuelSpent += used;
    k.clock.charge(used * FUEL_NS);
    const limit = k.limits.fuel ?? Number.MAX_SAFE_INTEGER;
    if (this.fuelSpent > limit) {
      this.fuelGrant = 0;
      throw new Killed('SIGXCPU', `CPU limit exceeded: used more than ${limit} fuel units`);
    }
    this.fuelGrant = Math.min(FUEL_SLICE, limit - this.fuelSpent);
    this.fuelGlobal!.value = BigInt(this.fuelGrant);
    this.state = 'runnable';
    k.requeue(this);
    this.unwind();
  }

  /** @internal */
  onMemoryGrow(delta: number): number {
    const k = this.kernel;
    const max = k.limits.maxMemory;
    if (max !== undefined && delta > 0) {
      // The whole linear memory counts, socklab's Asyncify pages included (reserved before the first unwind grows them).
      const after = this.mem.size + delta * PAGE + (this.asyncData === 0 ? ASYNCIFY_PAGES * PAGE : 0);
      if (after > max) {
        throw new Killed('SIGKILL', `memory limit exceeded: the guest asked for ${fmtBytes(after)}, the limit is ${fmtBytes(max)}`);
      }
    }
    const total = k.limits.maxTotalMemory;
    if (total !== undefined && delta > 0) {
      // The run's budget: every live guest's memory is the host's. Past it the asker is killed, as Linux's OOM killer
      // would kill some process (socklab picks the one asking: deterministic, and the one growing).
      this.accountMemory();
      if (!k.memoryFits(delta * PAGE)) {
        throw new Killed('SIGKILL', `out of memory: the run's processes would hold ${fmtBytes(k.memoryHeld + delta * PAGE)}, the run's limit is ${fmtBytes(total)}`);
      }
      // Counted now: the grow happens before any other process runs (a grow past the module's maximum fails, and the next count corrects it).
      this.memAccounted += delta * PAGE;
      k.memoryHeld += delta * PAGE;
    }
    return delta;
  }

  /** Runs the guest until it exits, traps, or suspends. */
  runSlice(): void {
    if (this.refused) return this.finishKilled(this.refused);
    this.sliceCalls = 0;
    this.preemptRequested = false;
    // A longjmp ends runStack: the stack it left is replaced and the slice goes on (a loop, not a recursion: a program may longjmp without end).
    while (this.runStack()) this.resumeAtJmp();
  }

  /** Runs the current stack (the main one or a handler's) until the process exits, traps, or suspends; true after a longjmp. */
  private runStack(): boolean {
    try {
      for (;;) {
        // Signals: a handler runs as a new top-level call on the unwound stack (its own Asyncify region);
        // a call interrupted after partial progress first returns its count.
        // A call woken from its wait (not interrupted) runs again first, as Linux rechecks the condition before
        // signal_pending(): it completes and the handler runs after it returns, or it would sleep again and is
        // interrupted then (dispatch). So a SIGCHLD handler's waitpid(-1, WNOHANG) cannot take the child a
        // blocking waitpid was woken for.
        const woken = this.currentCall !== undefined && this.interrupted === undefined && this.resumeValue === undefined;
        if (this.started && !this.partialSignal && !woken) this.deliverSignals();
        if ((this.state as ProcessState) === 'exited') return false;
        const top = this.hframes[this.hframes.length - 1];
        if (top) {
          if (top.started) {
            this.rewinding = true;
            this.exports.asyncify_start_rewind(top.data);
          }
          top.started = true;
          const i = top.info;
          // This process's own instance's (a child forked inside a handler rewinds it in its own).
          this.trampolineOf(top.restorer)(i.signo, i.code, i.pid, i.uid, i.status ?? 0);
        } else {
          if (this.started) {
            this.rewinding = true;
            this.exports.asyncify_start_rewind(this.asyncData);
          }
          this.started = true;
          this.exports._start();
        }
        if (this.exports.asyncify_get_state() === 1) {
          this.exports.asyncify_stop_unwind();
          const after = this.afterUnwind;
          this.afterUnwind = undefined;
          after?.();
          if (this.deliverNow) {
            this.deliverNow = false;
            continue;
          }
          return false;
        }
        if (!top) break;
        this.returnFromHandler();
      }
      this.finish({ code: 0, status: 0 });
    } catch (err) {
      this.resetAsyncify();
      if (err === EXEC_NOW) this.becomeImage();
      else if (err === LONGJMP_NOW) return true;
      else if (err instanceof ProcExit) this.finish({ code: err.code, status: err.code & 0xff });
      else if (err instanceof Killed) this.finishKilled(err);
      else if (err instanceof WebAssembly.RuntimeError || err instanceof RangeError) {
        const sig = trapSignal(err);
        const where = this.currentCall ? ` in ${this.currentCall.strace}` : '';
        this.finish({ signal: sig, status: 128 + SIGNALS[sig], reason: `killed by ${sig}: wasm trap${where}: ${err.message}` });
      } else throw err;
    }
    return false;
  }

  // ---- Signal delivery (the state: host/kernel/signals.ts; the calls: sigcalls.ts) ----

  /** Handler frames above the main stack, innermost last. */
  private hframes: HandlerFrame[] = [];
  private frameSerial = 0;
  /** What setjmp saved (jmp.ts); made at the first setjmp. */
  private jmps: JmpPoints | undefined;
  /** Where a longjmp goes, between its throw and runSlice's catch. */
  private jmpTo: { point: JmpPoint; val: number } | undefined;
  /** Asyncify regions for handler frames, by depth (grown on first use). */
  private sigRegions: number[] = [];
  /** A completed call unwound so the pending signal's handler runs before it returns. */
  private deliverNow = false;
  /** The current blocked call was interrupted by a handler: restarted or EINTR once the handler returns. */
  private interrupted: { restart: boolean } | undefined;
  /** Arguments of the call that blocked (traced again if a signal interrupts it). */
  private blockedArgs: number[] | undefined;
  /** A value the call in progress keeps across its suspensions; gone once it returns (or restarts after a signal). */
  callSlot<T>(key: Slot<T>): T | undefined {
    return this.callSlots?.get(key);
  }
  setCallSlot<T>(key: Slot<T>, value: T | undefined): void {
    (this.callSlots ??= new Slots()).set(key, value);
  }

  /** A signal interrupted a call that already moved bytes: its next wait returns EINTR at once, and it returns the count (see block). */
  private partialSignal = false;
  /** sigsuspend/pause: the mask to restore once a handler ran (set on the call's first attempt). */
  callSigMask: bigint | undefined;

  /**
   * A signal sent to this process (kill, a timer, a child's exit, a broken
   * pipe). SIGKILL and an unblocked signal whose action is to end the
   * process end it now; an ignored one is discarded; otherwise it becomes
   * pending, and a blocked call is interrupted so its handler runs.
   */
  /** Whether a pending signal is delivered as a call returns (the SDK's trampoline): brokenPipe's SIGPIPE waits for that. */
  get deliversOnReturn(): boolean {
    return !!this.exports?.__socklab_sigtramp;
  }

  post(sig: number, info: SigInfo): void {
    if (this.state === 'exited') return;
    const s = this.signals;
    const name = signalName(sig);
    const blocked = (s.mask & sigbit(sig) & ~UNBLOCKABLE) !== 0n;
    const noHandler = !this.exports?.__socklab_sigtramp;
    if (sig === 9 || (!blocked && s.disposition(sig) === 'default' && defaultAction(sig) !== 'ign')) {
      if (sig !== 9) {
        // Linux interrupts a blocked call before the signal kills (strace: "= ? ERESTARTSYS", then the signal).
        this.traceInterruptedCall();
        this.kernel.observer?.onSignal?.(this, name as SignalName, info);
      }
      this.kill(new Killed(name as SignalName, `killed by ${name}`));
      return;
    }
    if (!blocked && s.ignored(sig)) {
      if (this.kernel.observer?.onSignal !== undefined) this.traceIgnored(name as SignalName, info);
      return;
    }
    // A module without the SDK's trampoline only said it handles the signal (the old sigaction import): nothing to run.
    if (noHandler && s.disposition(sig) === 'handler') return;
    if (!s.pending.has(sig)) s.pending.set(sig, info);
    s.signalfdWait?.wake();
    if (!blocked) this.interruptIfDeliverable();
  }

  /** How the current call ends if a signal interrupts it (restartKind). */
  private restartKindOf(def: SyscallDef): ReturnType<typeof restartKind> {
    return restartKind(def, this.callDeadline >= 0, this.callSlots?.get(SLEEPING) === true);
  }

  /** Ignored signals that came during this process's own call, traced once that call's line is out. */
  private ignoredSeen: { sig: SignalName; info: SigInfo }[] | undefined;

  /**
   * An ignored signal, discarded as Linux discards it, still shows in the trace as strace shows it (`--- SIGCHLD
   * {...} ---`: ptrace reports the signals a process ignores). A call the process is blocked in shows as strace
   * shows it then, ended `= ? ERESTARTSYS` (or ERESTARTNOHAND), the signal, and the same call again, which is
   * what the call is to the program: restarted without a trace of it (a sleep, or poll, goes on as
   * `restart_syscall(...)`). Where ptrace would change what the program sees (epoll_wait's EINTR, a count
   * already moved, a socket timeout), the signal's
   * line waits for the call's instead, as one that came during the process's own call (SIGPIPE from its write)
   * does: strace sees it on the way back to user space.
   */
  private traceIgnored(sig: SignalName, info: SigInfo): void {
    const obs = this.kernel.observer!;
    const def = this.currentCall;
    if (def === undefined) {
      obs.onSignal?.(this, sig, info);
      return;
    }
    if (this.state === 'blocked' && this.callStart >= 0 && this.callBytes === 0 && this.interrupted === undefined) {
      const kind = this.restartKindOf(def);
      const block = kind.errno === 'ERESTART_RESTARTBLOCK' && obs.onRestart !== undefined;
      if (kind.errno === 'ERESTARTSYS' || kind.errno === 'ERESTARTNOHAND' || block) {
        const args = this.blockedArgs ?? [];
        // What Linux writes as it interrupts the call (select's time left, a sleep's remainder): the restart sees it.
        if (def.onInterrupt && this.blockedArgs) def.onInterrupt(this, this.blockedArgs);
        obs.onSyscall(this, def, args, kind.code, this.callStart);
        obs.onSignal?.(this, sig, info);
        this.callStart = this.kernel.clock.now();
        if (block) {
          obs.onRestart!(this, def, args);
          return;
        }
        const raw = obs as SyscallObserver & RawSyscallHooks;
        if (raw.onEnterRaw !== undefined) {
          const [a, b, c, d, e, f, g, h, i] = args as number[];
          raw.onEnterRaw(this, def, a!, b!, c!, d!, e!, f!, g!, h!, i!);
        } else obs.onEnter?.(this, def, args);
        obs.onSuspend?.(this, def, args);
        return;
      }
    }
    (this.ignoredSeen ??= []).push({ sig, info });
  }
  private retraceIgnored(): void {
    const seen = this.ignoredSeen!;
    this.ignoredSeen = undefined;
    for (const x of seen) this.traceIgnored(x.sig, x.info);
  }
  private flushIgnored(): void {
    const seen = this.ignoredSeen!;
    this.ignoredSeen = undefined;
    if (this.state === 'exited') return;
    for (const x of seen) this.kernel.observer?.onSignal?.(this, x.sig, x.info);
  }

  /** Set by a handler that blocks with a signal deliverable: dispatch interrupts the call once it is recorded as blocked. */
  interruptAfterBlock = false;

  /** A blocked call with a deliverable signal: traced as interrupted (ERESTARTSYS...), woken to run the handler. */
  interruptIfDeliverable(): void {
    if (this.state !== 'blocked' || !this.exports.__socklab_sigtramp) return;
    const sig = this.signals.deliverable();
    if (sig === undefined) return;
    const def = this.currentCall;
    if (this.callBytes > 0) {
      // A send or receive that already moved bytes returns their count (Linux): the call runs again, its wait ends at once, and the handler runs after it returns.
      this.partialSignal = true;
      this.wake();
      return;
    }
    const a = this.signals.action(sig);
    const kind = def ? this.restartKindOf(def) : { errno: 'EINTR', code: E.EINTR };
    const restart = kind.errno === 'ERESTARTSYS' && a !== undefined && (a.flags & SA_RESTART) !== 0;
    if (def?.onInterrupt && this.blockedArgs) def.onInterrupt(this, this.blockedArgs);
    if (def) this.kernel.observer?.onSyscall(this, def, this.blockedArgs ?? [], kind.code, this.callStart);
    this.interrupted = { restart };
    this.wake();
  }

  /**
   * A signal about to kill this process by its default action while it waits in a call: the trace shows the call
   * interrupted (`= ? ERESTARTSYS`), as Linux interrupts it before the signal is delivered and strace shows it.
   */
  traceInterruptedCall(): void {
    const def = this.currentCall;
    // Also a call woken but not yet run again (several F_SETLKW waiters woken by one unlock): Linux's would see the signal as it re-checked.
    const waiting = this.state === 'blocked' || (this.state === 'runnable' && this.blockedArgs !== undefined && this.kernel.current !== this);
    if (!waiting || def === undefined || this.callStart < 0) return;
    this.kernel.observer?.onSyscall(this, def, this.blockedArgs ?? [], this.restartKindOf(def).code, this.callStart);
    this.callStart = -1;
  }

  /** Pushes a frame for each deliverable signal with a handler (default actions and ignored ones are done here). */
  private deliverSignals(): void {
    const s = this.signals;
    for (;;) {
      if (this.hframes.length >= MAX_SIGNAL_NESTING) return;
      const sig = s.deliverable();
      if (sig === undefined) {
        // A returned call's temporary mask whose signal had no handler to run (ignored by default): it goes back now.
        if (this.currentCall === undefined && this.callSigMask !== undefined) {
          s.mask = this.callSigMask;
          this.callSigMask = undefined;
        }
        return;
      }
      const info = s.pending.get(sig)!;
      s.pending.delete(sig);
      const a = s.action(sig);
      if (!a || a.kind !== 2 || !this.exports.__socklab_sigtramp) {
        if (s.ignored(sig)) {
          // Ignored when it was unblocked: discarded, and traced as strace shows it (see traceIgnored).
          this.kernel.observer?.onSignal?.(this, signalName(sig) as SignalName, info);
          continue;
        }
        if (a?.kind === 2) continue;
        const name = signalName(sig) as SignalName;
        this.kernel.observer?.onSignal?.(this, name, info);
        const ownPipe = sig === SIGNALS.SIGPIPE && info.code === SI_USER && info.pid === this.pid;
        this.finishKilled(new Killed(name, ownPipe ? BROKEN_PIPE : `killed by ${name}`));
        return;
      }
      this.kernel.observer?.onSignal?.(this, signalName(sig) as SignalName, info);
      const depth = this.hframes.length;
      if (this.sigRegions[depth] === undefined) this.sigRegions[depth] = this.mem.memory.grow(ASYNCIFY_PAGES) * PAGE;
      const saved: CallState = {
        resumeValue: this.resumeValue, callStart: this.callStart, callDeadline: this.callDeadline, callBytes: this.callBytes,
        currentCall: this.currentCall, interrupted: this.interrupted, callSigMask: this.callSigMask, callSlots: this.callSlots,
      };
      this.hframes.push({ sig, info, restorer: a.restorer, data: this.sigRegions[depth]!, started: false, savedMask: this.callSigMask ?? s.mask, saved, serial: ++this.frameSerial });
      this.resumeValue = undefined;
      this.callStart = -1;
      this.callDeadline = -1;
      this.callBytes = 0;
      this.callSlots = undefined;
      this.currentCall = undefined;
      this.interrupted = undefined;
      this.callSigMask = undefined;
      s.mask = (s.mask | a.mask | ((a.flags & SA_NODEFER) ? 0n : sigbit(sig))) & ~UNBLOCKABLE;
      // SA_RESETHAND: the handler becomes SIG_DFL; flags and mask stay (Linux's SA_ONESHOT).
      if (a.flags & SA_RESETHAND) s.actions[sig] = { ...a, kind: 0, handler: 0 };
    }
  }

  /**
   * Where a handler is entered: the trampoline itself, the function-table entry the SDK's sigaction passed as
   * sa_restorer, when it is one. Not the export: wasm-ld wraps every export of a command module in
   * __wasm_call_ctors and __wasm_call_dtors, so entering by it ran the program's constructors, its
   * destructors and wasi-libc's __stdio_exit (which flushes stdout and seeks back stdin) around every
   * handler. A module built without the table exported (an older SDK) still enters by the export.
   */
  private trampolineOf(restorer: number): SigTramp {
    const t = this.exports.__indirect_function_table;
    const f = t !== undefined && restorer > 0 && restorer < t.length ? (t.get(restorer) as unknown) : undefined;
    if (typeof f !== 'function' || f.length !== 5) return this.exports.__socklab_sigtramp!;
    // The index is the guest's word: a function of another signature (i64 parameters) is refused at the call, a
    // TypeError before any of its code runs, which ends the process as a bad pointer would instead of the run.
    const g = f as SigTramp;
    return (sig, code, pid, uid, status) => {
      try {
        g(sig, code, pid, uid, status);
      } catch (e) {
        if (e instanceof TypeError) throw new Killed('SIGSEGV', 'killed by SIGSEGV: its sa_restorer is not the signal trampoline');
        throw e;
      }
    };
  }

  /** A handler returned: the mask and the interrupted call's state come back; that call restarts or fails with EINTR. */
  private returnFromHandler(): void {
    const f = this.hframes.pop()!;
    this.signals.mask = f.savedMask;
    const c = f.saved;
    this.resumeValue = c.resumeValue;
    this.callStart = c.callStart;
    this.callDeadline = c.callDeadline;
    this.callBytes = c.callBytes;
    this.callSlots = c.callSlots;
    this.currentCall = c.currentCall;
    this.interrupted = c.interrupted;
    this.callSigMask = undefined;
    this.kernel.observer?.onSigreturn?.(this, f.savedMask, this.interrupted ? (this.interrupted.restart ? 'restart' : 'eintr') : undefined, c.currentCall);
    if (this.interrupted) {
      const restart = this.interrupted.restart;
      this.interrupted = undefined;
      this.callDeadline = -1;
      this.callStart = -1;
      // A restarted call starts over, as Linux runs the system call again.
      this.callSlots = undefined;
      if (!restart) {
        this.resumeValue = E.EINTR;
        this.callBytes = 0;
        this.currentCall = undefined;
      }
    }
  }

  private resetAsyncify(): void {
    try {
      const s = this.exports.asyncify_get_state();
      if (s === 1) this.exports.asyncify_stop_unwind();
      else if (s === 2) this.exports.asyncify_stop_rewind();
    } catch {
      /* the instance is dead anyway */
    }
    this.rewinding = false;
  }

  /**
   * The function a guest imports for one syscall: the call goes straight to
   * dispatch. It declares exactly the import's parameters: V8 calls a JS
   * import whose arity matches the wasm signature through a faster wrapper.
   */

  /** The import wrapper: every syscall from this guest enters here. */
  /** @internal the one entry of every import (importFor). */
  dispatch(def: SyscallDef, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number): number {
    // Only the common call's steps are inline: everything else is out of line, so the function V8 compiles
    // for every syscall (a fresh worker runs its first thousands of calls before TurboFan is done with it) stays small.
    if (this.rewinding) {
      const v = this.rewound();
      if (v !== undefined) return v;
    }
    if (this.state === 'exited') throw this.killedError();
    const k = this.kernel;
    const clock = k.clock;
    clock.tick();
    // Fault injection sees the arguments as an array; an observer with raw hooks (the tracer) takes them as they are, and an untraced call makes none.
    const obs = k.observer as (SyscallObserver & RawSyscallHooks) | undefined;
    let args: number[] | undefined;
    if (this.callStart < 0) {
      this.callStart = clock.now();
      if (obs !== undefined) args = this.traceEnter(obs, def, a, b, c, d, e, f, g, h, i);
    }
    this.currentCall = def;
    // MAP_SHARED file mappings: the file sees this process's stores before the call, the mapping the file's bytes after it.
    const mm = this.mman;
    if (mm !== undefined) mm.beforeCall(def);
    let r: number;
    try {
      const ic = k.interceptor;
      if (ic !== undefined && ic.wants(def)) r = this.intercepted(ic, def, a, b, c, d, e, f, g, h, i);
      else r = (def.handler as unknown as Handler9)(this, a, b, c, d, e, f, g, h, i);
    } catch (err) {
      r = this.handlerFailed(def, err, a, b, c, d, e, f, g, h, i);
    }
    if (mm !== undefined && this.mman === mm) mm.afterCall(def);
    if (r === FORK) return this.forkAtUnwind(def, argList(def, a, b, c, d, e, f, g, h, i));
    if (r === BLOCKED) return this.suspendCall(def, obs, a, b, c, d, e, f, g, h, i);
    if (obs !== undefined) this.traceExit(obs, def, r, args, a, b, c, d, e, f, g, h, i);
    // execve succeeded (traced above, from the old image's memory): the old stack is dropped (runSlice).
    if (this.execNext !== undefined) throw EXEC_NOW;
    this.callStart = -1;
    this.callDeadline = -1;
    this.callBytes = 0;
    this.callSlots = undefined;
    this.currentCall = undefined;
    this.blockedArgs = undefined;
    // A temporary mask still installed (epoll_pwait's EINTR): the handler's sigreturn puts the saved one back, or this return does.
    const callMask = this.callSigMask;
    this.callSigMask = undefined;
    this.partialSignal = false;
    if ((this.state as ProcessState) === 'exited') throw this.killedError();
    if (def.mayBlock && this.exports.__socklab_sigtramp && this.signals.deliverable() !== undefined && this.hframes.length < MAX_SIGNAL_NESTING) return this.signalBeforeReturn(r, callMask);
    if (callMask !== undefined) this.signals.mask = callMask;
    return this.endOfCall(r);
  }

  /** A rewind reached the call that unwound: Asyncify stops rewinding; a result already decided (a slice's end, a signal's return) comes back as it is. */
  private rewound(): number | undefined {
    this.exports.asyncify_stop_rewind();
    this.rewinding = false;
    const v = this.resumeValue;
    if (v !== undefined) this.resumeValue = undefined;
    return v;
  }

  /** What a call of a process already exited (killed while it ran) throws. */
  private killedError(): Killed {
    return new Killed(this.exit?.signal ?? 'SIGKILL', this.exit?.reason ?? 'killed');
  }

  /** The observer's call entry; the arguments as an array when it takes them so (onEnter), for its exit to reuse. */
  private traceEnter(obs: SyscallObserver & RawSyscallHooks, def: SyscallDef, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number): number[] | undefined {
    if (obs.onEnterRaw !== undefined) obs.onEnterRaw(this, def, a, b, c, d, e, f, g, h, i);
    else if (obs.onEnter !== undefined) {
      const args = argList(def, a, b, c, d, e, f, g, h, i);
      obs.onEnter(this, def, args);
      return args;
    }
    return undefined;
  }

  /** Fault injection's call: the interceptor runs the handler (with its own arguments, or the guest's). */
  private intercepted(ic: SyscallInterceptor, def: SyscallDef, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number): number {
    const args = argList(def, a, b, c, d, e, f, g, h, i);
    const hd = def.handler as unknown as Handler9;
    return ic.intercept(this, def, args, (x) => (x ? hd(this, x[0]!, x[1]!, x[2]!, x[3]!, x[4]!, x[5]!, x[6]!, x[7]!, x[8]!) : hd(this, a, b, c, d, e, f, g, h, i)));
  }

  /** A handler threw: an Errno is its result (with its note); exits and kills go on; anything else is a host bug. */
  private handlerFailed(def: SyscallDef, err: unknown, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number): number {
    if (err instanceof Errno) {
      if (err.note) this.note = err.note;
      return err.errno;
    }
    if (err instanceof ProcExit || err instanceof Killed) throw err;
    throw internalError(this, def, argList(def, a, b, c, d, e, f, g, h, i), err);
  }

  /** The handler said BLOCKED: the call's arguments are kept, the observer sees the suspension, and the process unwinds. */
  private suspendCall(def: SyscallDef, obs: (SyscallObserver & RawSyscallHooks) | undefined, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number): number {
    this.blockedArgs = argList(def, a, b, c, d, e, f, g, h, i);
    if (obs !== undefined && obs.onSuspend !== undefined) obs.onSuspend(this, def, this.blockedArgs);
    // Ignored signals that came while it ran (woken, or before it blocked): traced now that it waits (traceIgnored).
    if (this.ignoredSeen !== undefined) this.retraceIgnored();
    // A call that went to sleep with a signal deliverable already (ppoll's temporary mask let it through, or one that came while it was woken): interrupted at once, traced after its suspension.
    if (this.interruptAfterBlock || (this.hframes.length < MAX_SIGNAL_NESTING && this.signals.deliverable() !== undefined)) {
      this.interruptAfterBlock = false;
      this.interruptIfDeliverable();
    }
    this.unwind();
    return 0;
  }

  /** The observer's call exit (its arguments as an array if the entry made none), then the ignored signals it owes. */
  private traceExit(obs: SyscallObserver & RawSyscallHooks, def: SyscallDef, r: number, args: number[] | undefined, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number): void {
    if (obs.onSyscallRaw !== undefined) obs.onSyscallRaw(this, def, r, this.callStart, a, b, c, d, e, f, g, h, i);
    else obs.onSyscall(this, def, args ?? argList(def, a, b, c, d, e, f, g, h, i), r, this.callStart);
    if (this.ignoredSeen !== undefined) this.flushIgnored();
  }

  /** A signal the call made deliverable (kill to itself, an unblocking sigprocmask, a temporary mask): its handler runs before the call returns r. */
  private signalBeforeReturn(r: number, callMask: bigint | undefined): number {
    this.callSigMask = callMask;
    this.resumeValue = r;
    this.deliverNow = true;
    this.unwind();
    return 0;
  }

  /**
   * A completed call counts against the slice: past the budget (or asked to
   * preempt) the process yields and gets r back on rewind, unless it is
   * alone with nothing due, when the next slice would resume it at once and
   * it goes on without the unwind (a traced or fast loop takes this path).
   */
  /** @internal (tracedImportFor's code calls it too) */
  endOfCall(r: number): number {
    // Only the count is inline: what a slice's end does is out of line, so a fast call's whole path stays small enough for V8 to inline.
    if (++this.sliceCalls >= this.kernel.sliceBudget || this.preemptRequested) return this.endOfSlice(r);
    return r;
  }
  private endOfSlice(r: number): number {
    const k = this.kernel;
    if (!this.preemptRequested && this.signals.pending.size === 0 && k.continues(this)) {
      this.sliceCalls = 0;
      return r;
    }
    this.resumeValue = r;
    this.state = 'runnable';
    k.requeue(this);
    this.unwind();
    return 0;
  }

  /**
   * The import of a `fast` call (SyscallDef.fast) enters here: while no
   * injector is attached, any observer takes raw values (the tracer's
   * RawSyscallHooks, called here as dispatch calls them) and no call is
   * being resumed, it does what dispatch does for a call that returns at
   * once (the clock's tick, the errno of an Errno, the slice budget) without
   * the per-call bookkeeping only blocking calls need. Anything else takes
   * dispatch, so both paths give the same results.
   * @internal
   */
  fastReady(): boolean {
    const k = this.kernel;
    const obs = k.observer as (SyscallObserver & RawSyscallHooks) | undefined;
    return !this.rewinding && this.callStart < 0 && !this.partialSignal && this.callSigMask === undefined && (obs === undefined || obs.onSyscallRaw !== undefined) && k.interceptor === undefined && this.state !== 'exited';
  }
  /** @internal the fast path proper, once fastReady() said yes. */
  fastCall(def: SyscallDef, a: number, b: number, c: number, d: number): number {
    const k = this.kernel;
    if (k.observer !== undefined) return this.fastTraced(def, a, b, c, d);
    k.clock.tick();
    this.currentCall = def;
    let r: number;
    try {
      r = (def.handler as unknown as Handler4)(this, a, b, c, d);
    } catch (err) {
      r = this.fastFailed(def, err, a, b, c, d);
    }
    this.currentCall = undefined;
    return this.endOfCall(r);
  }
  /** A traced fast call: an observer with raw hooks (the tracer) sees it as dispatch shows it; a narrowed i64 (skip64, which it does not print) is undefined. */
  private fastTraced(def: SyscallDef, a: number, b: number, c: number, d: number): number {
    const k = this.kernel;
    const u = undefined as unknown as number;
    const obs = k.observer as SyscallObserver & RawSyscallHooks;
    k.clock.tick();
    this.callStart = k.clock.now();
    // One recorder call where the tracer has one for this call (it writes a binary record), else the two hooks.
    const rec = def === this.recDef ? this.recFn : this.recorderOf(obs, def);
    if (rec === undefined && obs.onEnterRaw !== undefined) obs.onEnterRaw(this, def, a, b, c, d, u, u, u, u, u);
    this.currentCall = def;
    let r: number;
    try {
      r = (def.handler as unknown as Handler4)(this, a, b, c, d);
    } catch (err) {
      r = this.fastFailed(def, err, a, b, c, d);
    }
    this.currentCall = undefined;
    if (rec !== undefined) rec(this, r, a, b, c, d);
    else obs.onSyscallRaw!(this, def, r, this.callStart, a, b, c, d, u, u, u, u, u);
    this.callStart = -1;
    return this.endOfCall(r);
  }
  /** The kernel's observer (set before any process runs) and its recorder for def, kept for the next call: a loop makes the same call. */
  private recorderOf(obs: RawSyscallHooks, def: SyscallDef): FastRecorder | undefined {
    this.recDef = def;
    this.recFn = obs.fastRecorder !== undefined ? obs.fastRecorder(def) : undefined;
    return this.recFn;
  }
  /** A fast handler threw: an Errno is its result, as dispatch makes it; exits and kills go on; anything else is a host bug. */
  /** @internal (tracedImportFor's code calls it too) */
  fastFailed(def: SyscallDef, err: unknown, a: number, b: number, c: number, d: number): number {
    if (err instanceof Errno) {
      if (err.note) this.note = err.note;
      return err.errno;
    }
    if (err instanceof ProcExit || err instanceof Killed) throw err;
    const u = undefined as unknown as number;
    throw internalError(this, def, argList(def, a, b, c, d, u, u, u, u, u), err);
  }

  /**
   * fork(), after its handler accepted it: the guest unwinds, and once its
   * whole stack is saved the kernel makes the child from this process's
   * memory, globals and saved stack; both resume from the same point, the
   * call returning the child's pid here and 0 there (its out-pointer is the
   * call's last parameter). The trace shows the call once the child exists.
   */
  private forkAtUnwind(def: SyscallDef, args: number[]): number {
    const k = this.kernel;
    const out = args[args.length - 1]!;
    this.afterUnwind = () => {
      const child = k.fork(this, (c) => c.mem.setI32(out, 0));
      this.mem.setI32(out, child.pid);
      k.observer?.onSyscall(this, def, args, 0, this.callStart);
      this.callStart = -1;
      this.callDeadline = -1;
      this.callSlots = undefined;
      this.currentCall = undefined;
      this.resumeValue = 0;
    };
    this.state = 'runnable';
    k.requeue(this);
    this.unwind();
    return 0;
  }

  /**
   * Makes this (new) process a copy of `parent`, suspended at the same
   * point: a new instance of the same module, the parent's linear memory
   * (heap, data, shadow stack and the saved Asyncify stack) and every
   * mutable global (the loader exports them), the fd table sharing the
   * parent's open file descriptions, and the per-process state subsystems
   * keep (filesystem view, signal dispositions). Its first slice rewinds.
   */
  copyFrom(parent: Process): void {
    this.creds = parent.creds.clone();
    const pooled = this.kernel.instances.take(this.module.module, parent.mem.size);
    if (pooled) this.adopt(pooled);
    else this.instantiate();
    if (this.refused) return;
    const src = parent.exports as unknown as Record<string, unknown>;
    const dst = this.exports as unknown as Record<string, unknown>;
    const from = (src['memory'] as WebAssembly.Memory);
    const to = (dst['memory'] as WebAssembly.Memory);
    const grow = (from.buffer.byteLength - to.buffer.byteLength) / PAGE;
    if (grow > 0) to.grow(grow);
    new Uint8Array(to.buffer).set(new Uint8Array(from.buffer));
    for (const name of Object.keys(src)) {
      if (!name.startsWith(GLOBAL_EXPORT_PREFIX)) continue;
      (dst[name] as WebAssembly.Global).value = (src[name] as WebAssembly.Global).value;
    }
    // CPU time starts at zero in the child; it keeps the rest of the parent's grant.
    if (this.fuelGlobal && parent.fuelGlobal) {
      this.fuelGlobal.value = parent.fuelGlobal.value;
      this.fuelGrant = Math.max(0, Number(parent.fuelGlobal.value as bigint));
    }
    this.asyncData = parent.asyncData;
    this.started = true;
    this.resumeValue = 0;
    this.fds.copyFrom(parent.fds);
    this.mman = parent.mman?.forkInto(this);
    this.rlimits.copyFrom(parent.rlimits);
    this.altstack = { ...parent.altstack };
    this.task = parent.task.forkCopy();
    this.slots.inheritFrom(parent.slots);
    this.capNetRaw = parent.capNetRaw;
    this.signals = parent.signals.forkCopy();
    // A fork inside a handler: the child is inside the same handler, the interrupted frames below it saved alike.
    this.sigRegions = [...parent.sigRegions];
    this.hframes = parent.hframes.map((f) => ({ ...f, info: { ...f.info }, saved: { ...f.saved } }));
    this.frameSerial = parent.frameSerial;
    this.jmps = parent.jmps?.copy();
    this.interrupted = parent.interrupted;
    this.accountMemory();
  }

  // ---- setjmp and longjmp (host/kernel/jmp.ts) ----

  /** @internal the entry of an import that is no system call (SyscallDef.userspace): no trace, tick or injection. */
  userCall(def: SyscallDef, a: number, b: number): number {
    if (this.rewinding) {
      this.exports.asyncify_stop_rewind();
      this.rewinding = false;
      const v = this.resumeValue ?? 0;
      this.resumeValue = undefined;
      return v;
    }
    if (this.state === 'exited') throw new Killed(this.exit?.signal ?? 'SIGKILL', this.exit?.reason ?? 'killed');
    return (def.handler as unknown as Handler4)(this, a, b, 0, 0);
  }

  /** setjmp: the stack unwinds, what Asyncify saved is kept, and the same slice resumes it at once with 0. */
  setjmpCall(env: number): number {
    if (!this.mem.valid(env, JMP_BUF_HOST_BYTES)) throw new Killed('SIGSEGV', 'killed by SIGSEGV: setjmp with a jmp_buf outside its memory');
    const depth = this.hframes.length;
    const frame = depth ? this.hframes[depth - 1]!.serial : 0;
    this.afterUnwind = () => {
      const d = depth ? this.hframes[depth - 1]!.data : this.asyncData;
      const data = this.mem.read(d + 8, this.mem.u32(d) - (d + 8)).slice();
      const ex = this.exports as unknown as Record<string, unknown>;
      const globals = Object.keys(ex).filter((n) => n.startsWith(GLOBAL_EXPORT_PREFIX)).map((n) => [n, (ex[n] as WebAssembly.Global).value] as const);
      const old = this.mem.u32(env) === JMP_MAGIC ? this.mem.u32(env + 4) : 0;
      const id = (this.jmps ??= new JmpPoints()).save({ env, depth, frame, data, globals }, old);
      this.mem.setU32(env, JMP_MAGIC);
      this.mem.setU32(env + 4, id);
      this.resumeValue = 0;
      this.deliverNow = true;
    };
    this.unwind();
    return 0;
  }

  /** longjmp: checked here, then thrown past every frame of the stack it runs on (resumeAtJmp). */
  longjmpCall(env: number, val: number): number {
    const bad = (why: string): Killed => new Killed('SIGSEGV', `killed by SIGSEGV: longjmp ${why}`);
    if (!this.mem.valid(env, JMP_BUF_HOST_BYTES)) throw bad('with a jmp_buf outside its memory');
    const point = this.mem.u32(env) === JMP_MAGIC ? this.jmps?.get(this.mem.u32(env + 4)) : undefined;
    if (point === undefined) throw bad('with a jmp_buf that setjmp did not fill (or one of more than 1024 since overwritten)');
    const f = point.depth ? this.hframes[point.depth - 1] : undefined;
    if (point.depth > this.hframes.length || (point.depth > 0 && f?.serial !== point.frame)) throw bad('into a signal handler that has returned');
    this.jmpTo = { point, val: val === 0 ? 1 : val };
    throw LONGJMP_NOW;
  }

  /** The stack's call state as a fresh one has it (a new image's, or the one a longjmp leaves): no call in progress. */
  private noCallInProgress(): void {
    this.resumeValue = undefined;
    this.deliverNow = false;
    this.interrupted = undefined;
    this.blockedArgs = undefined;
    this.partialSignal = false;
    this.callSigMask = undefined;
    this.callStart = -1;
    this.callDeadline = -1;
    this.callBytes = 0;
    this.callSlots = undefined;
    this.currentCall = undefined;
  }

  /**
   * The stack longjmp left is gone: handler frames above its setjmp's are dropped as Linux drops them (no
   * sigreturn: the mask stays as it is, which is why siglongjmp restores one), no call is in progress at that
   * depth, and the saved stack is rewound with setjmp returning val.
   */
  private resumeAtJmp(): void {
    const { point, val } = this.jmpTo!;
    this.jmpTo = undefined;
    this.hframes.length = point.depth;
    this.noCallInProgress();
    this.resumeValue = val;
    const d = point.depth ? this.hframes[point.depth - 1]!.data : this.asyncRegion();
    this.mem.write(d + 8, point.data);
    this.mem.setU32(d, d + 8 + point.data.length);
    this.mem.setU32(d + 4, d + ASYNCIFY_PAGES * PAGE);
    const ex = this.exports as unknown as Record<string, unknown>;
    for (const [n, v] of point.globals) (ex[n] as WebAssembly.Global).value = v;
  }

  private unwind(): void {
    const d = this.hframes.length ? this.hframes[this.hframes.length - 1]!.data : this.asyncRegion();
    this.mem.setU32(d, d + 8);
    this.mem.setU32(d + 4, d + ASYNCIFY_PAGES * PAGE);
    this.exports.asyncify_start_unwind(d);
  }

  /** Asks a running guest to yield at its next syscall. */
  requestPreempt(): void {
    this.preemptRequested = true;
  }

  /**
   * Suspends the current syscall until one of the queues is woken or the
   * deadline (absolute ns, or -1 for none) passes. Returns BLOCKED for the
   * handler to return; when woken, the handler runs again from the start.
   * Returns E.EINTR instead, without waiting, when a signal interrupted a
   * call that had already moved bytes (p.callBytes): the handler returns
   * that count.
   */
  block(queues: WaitQueue[], deadline = -1): number {
    if (this.partialSignal) {
      // A signal arrived after the call moved some bytes: it ends now with them (the caller returns callBytes for EINTR).
      this.partialSignal = false;
      return E.EINTR;
    }
    this.state = 'blocked';
    this.waitingOn = { queues, deadline, call: this.currentCall?.strace ?? '?' };
    for (const q of queues) q.add(this);
    if (deadline >= 0) this.waitingOn.timer = this.kernel.timers.add(deadline, () => this.wake());
    return BLOCKED;
  }

  /** Absolute deadline for the current call, fixed at its first attempt: now + ns (ns < 0: none). */
  deadline(ns: number): number {
    if (ns < 0) return -1;
    if (this.callDeadline < 0) this.callDeadline = this.callStart + ns;
    return this.callDeadline;
  }
  /** True once the current call's deadline has passed. */
  timedOut(): boolean {
    return this.callDeadline >= 0 && this.kernel.clock.now() >= this.callDeadline;
  }

  wake(): void {
    if (this.state !== 'blocked') return;
    this.clearWait();
    this.state = 'runnable';
    this.kernel.requeue(this);
  }

  private clearWait(): void {
    const w = this.waitingOn;
    if (!w) return;
    for (const q of w.queues) q.remove(this);
    if (w.timer !== undefined) this.kernel.timers.cancel(w.timer);
    this.waitingOn = undefined;
  }

  /** Ends the process from outside a slice (or marks it, if it is running); `extra` joins its ExitInfo. */
  kill(k: Killed, extra?: Partial<ExitInfo>): void {
    if (this.state === 'exited') return;
    this.finishKilled(k, extra);
  }

  private finishKilled(k: Killed, extra?: Partial<ExitInfo>): void {
    this.finish({ signal: k.signal, status: k.status ?? 128 + SIGNALS[k.signal], reason: k.reason, ...extra });
  }

  /** Set as the process exits (finish). */
  footprint: MemoryFootprint | undefined;

  /**
   * What the process holds now: its linear memory (declared, grown, pages
   * with data), the Asyncify regions, its descriptor table and the bytes
   * waiting in its sockets. One pass over the memory, only where a page is
   * still all zeros; run once per process, as it exits.
   */
  memoryFootprint(): MemoryFootprint {
    const live = !!this.exports && this.mem !== RELEASED;
    const buf = live ? this.mem.memory.buffer : undefined;
    const regions = live ? (this.asyncData === 0 ? 0 : 1) + this.sigRegions.filter((r) => r !== undefined).length : 0;
    let socketBytes = 0;
    const seen = new Set<unknown>();
    for (const [, e] of this.fds.entries()) {
      // Sockets are the net layer's: the kernel sees their queue counters only. A dup'd one counts once.
      const f = e.file as { isSocket?: boolean; rxBytes?: number; dqBytes?: number };
      if (!f.isSocket || seen.has(f)) continue;
      seen.add(f);
      socketBytes += (f.rxBytes ?? 0) + (f.dqBytes ?? 0);
    }
    return {
      declared: (this.module.memory?.initial ?? 0) * PAGE,
      linear: buf?.byteLength ?? 0,
      touched: buf ? nonZeroPages(buf) : 0,
      asyncify: regions * ASYNCIFY_PAGES * PAGE,
      fdsPeak: this.fds.peak,
      fdsOpen: this.fds.size,
      socketBytes,
    };
  }

  private finish(info: ExitInfo): void {
    if (this.state === 'exited') return;
    this.footprint = this.memoryFootprint();
    this.clearWait();
    if (this.signals.itimer) this.kernel.timers.cancel(this.signals.itimer.id);
    this.signals.itimer = undefined;
    // Shared mappings leave their bytes in their region's store or file while the memory is still there.
    this.mman?.drop();
    this.mman = undefined;
    this.state = 'exited';
    const fuel = this.fuelUsed;
    this.exit = fuel === undefined ? info : { ...info, fuel };
    try {
      for (const h of EXIT_HOOKS) h(this);
      this.fds.closeAll();
    } finally {
      this.kernel.onExit(this);
    }
    // A process ended outside its own slice (killed while blocked) lets go of its instance now; a running one when its slice returns.
    if (this.kernel.current !== this) this.release();
  }

  /**
   * Drops the instance and its linear memory once the process has exited,
   * so a forking server's thousand finished children, or ten thousand
   * clients, do not keep a memory each until the run ends.
   */
  release(): void {
    if (this.state !== 'exited' || !this.exports) return;
    // An instance at rest (not mid-unwind) serves the next fork of the same module: no new instance, no fresh pages to fault in.
    if (this.slot && this.exports.asyncify_get_state() === 0) this.kernel.instances.give(this.module.module, { exports: this.exports, slot: this.slot });
    this.slot = undefined;
    this.exports = undefined as unknown as AsyncifyExports;
    this.mem = RELEASED;
    this.accountMemory();
    this.fuelGlobal = undefined;
    this.hframes = [];
  }

  /** execve's new image, set by its handler (execInto) and taken once the call is traced (dispatch, becomeImage). */
  private execNext: { image: GuestImage; argv: string[]; env: string[]; file: string } | undefined;

  /** @internal execve's handler: the call returns 0 to the tracer, then this process runs `image` from its start. */
  execInto(image: GuestImage, argv: string[], env: string[], file: string): void {
    this.execNext = { image, argv, env, file };
  }

  /**
   * execve's end, as Linux's begin_new_exec and setup_new_exec: the old image's instance and memory go (the
   * instance, at rest, serves a later fork of its module as release() gives it), the new one is instantiated
   * and runs from _start; the pid, parent, children, process group, fds (less FD_CLOEXEC ones), blocked mask,
   * pending signals, ignored dispositions, record locks and ITIMER_REAL stay; handled signals go back to
   * SIG_DFL (a handler's address means nothing in the new image).
   */
  private becomeImage(): void {
    const next = this.execNext!;
    this.execNext = undefined;
    // Mappings are the old image's memory (Linux's exec_mmap drops them).
    this.mman?.drop();
    this.mman = undefined;
    // CPU used so far stays counted (RLIMIT_CPU spans an exec): the new instance's fuel starts from nothing, as a spawn's.
    this.fuelSpent = this.fuelUsed ?? this.fuelSpent;
    this.fuelGrant = 0;
    this.fuelGlobal = undefined;
    if (this.slot && this.exports.asyncify_get_state() === 0) this.kernel.instances.give(this.module.module, { exports: this.exports, slot: this.slot });
    this.slot = undefined;
    this.exports = undefined as unknown as AsyncifyExports;
    this.mem = RELEASED;
    this.accountMemory();
    this.module = next.image;
    this.argv = next.argv;
    this.env = next.env;
    this.signals.execReset();
    this.task.execReset(next.file, this.creds.euid === this.creds.ruid && this.creds.egid === this.creds.rgid);
    this.fds.closeOnExec();
    // The alternate signal stack was the old image's memory (Linux clears it too).
    this.altstack = { sp: 0, size: 0, flags: 0 };
    this.execed = true;
    this.hframes = [];
    this.jmps = undefined;
    this.sigRegions = [];
    this.asyncData = 0;
    this.started = false;
    this.rewinding = false;
    this.noCallInProgress();
    this.afterUnwind = undefined;
    this.recDef = undefined;
    this.recFn = undefined;
    this.refused = undefined;
    this.instantiate();
    this.state = 'runnable';
    this.kernel.requeue(this);
  }

  /** "pid 2 (server.wasm)" */
  toString(): string {
    return `pid ${this.pid} (${this.name})`;
  }
}

/** What a process held, taken as it exits (before its descriptors close and its memory goes back to the pool). */
export interface MemoryFootprint {
  /** Linear memory the module declares (its initial pages), bytes. */
  declared: number;
  /** Linear memory at exit, bytes: the declared pages, what the guest grew, and socklab's Asyncify regions. */
  linear: number;
  /** 4 KiB pages of linear memory holding a non-zero byte, bytes: a lower bound on what the guest touched (and about what it costs in RSS). */
  touched: number;
  /** socklab's Asyncify regions (the main one, one per signal-handler depth used), bytes; part of linear. */
  asyncify: number;
  /** The most descriptors open at once. */
  fdsPeak: number;
  /** Descriptors open at exit. */
  fdsOpen: number;
  /** Bytes received on its sockets and never read (stream bytes, datagrams and messages queued). */
  socketBytes: number;
}

const OS_PAGE = 4096;
/** What nonZeroPages compares a whole wasm page against first (allocated on first use). */
const ZERO_BLOCK = 65536;
let zeros: Uint8Array | undefined;

/** The run's footprints: sums and the largest of each field (averages are total / processes). */
export interface MemorySummary {
  processes: number;
  total: MemoryFootprint;
  max: MemoryFootprint;
}

export function summariseFootprints(fps: readonly MemoryFootprint[]): MemorySummary {
  const zero = (): MemoryFootprint => ({ declared: 0, linear: 0, touched: 0, asyncify: 0, fdsPeak: 0, fdsOpen: 0, socketBytes: 0 });
  const total = zero();
  const max = zero();
  for (const f of fps) {
    for (const k of Object.keys(total) as (keyof MemoryFootprint)[]) {
      total[k] += f[k];
      if (f[k] > max[k]) max[k] = f[k];
    }
  }
  return { processes: fps.length, total, max };
}

/** Bytes of memory in 4 KiB pages with a non-zero byte; a page stops being scanned at its first. */
export function nonZeroPages(buf: ArrayBuffer): number {
  // Buffer.compare is a native memcmp, but each call costs microseconds of argument checks in code that runs
  // once per process (never optimised): a 64 KiB block is compared whole first, and only one with data page by page.
  const z = (zeros ??= new Uint8Array(ZERO_BLOCK));
  const b = Buffer.from(buf);
  let n = 0;
  for (let at = 0; at < b.length; at += ZERO_BLOCK) {
    const end = Math.min(at + ZERO_BLOCK, b.length);
    if (b.compare(z, 0, end - at, at, end) === 0) continue;
    for (let p = at; p < end; p += OS_PAGE) {
      const e = Math.min(p + OS_PAGE, end);
      if (b.compare(z, 0, e - p, p, e) !== 0) n++;
    }
  }
  return n * OS_PAGE;
}

/** An import per syscall, taking exactly its wasm parameters (V8 calls arity-matching imports through a faster wrapper). */
/** The import of a call that is no system call (SyscallDef.userspace): straight to Process.userCall. */
function userImportFor(slot: ImportSlot, def: SyscallDef): (...args: number[]) => number {
  return def.params.length === 1 ? (a: number) => slot.p.userCall(def, a, 0) : (a: number, b: number) => slot.p.userCall(def, a, b);
}

function importFor(slot: ImportSlot, def: SyscallDef): (...args: number[]) => number {
  const u = undefined as unknown as number;
  if (def.fast) {
    const go = (a: number, b: number, c: number, d: number): number => {
      const p = slot.p;
      return p.fastReady() ? p.fastCall(def, a, b, c, d) : p.dispatch(def, a, b, c, d, u, u, u, u, u);
    };
    switch (def.params.length) {
      case 0: return () => go(u, u, u, u);
      case 1: return (a: number) => go(a, u, u, u);
      case 2: return (a: number, b: number) => go(a, b, u, u);
      case 3: return (a: number, b: number, c: number) => go(a, b, c, u);
      default: return go;
    }
  }
  switch (def.params.length) {
    case 0: return () => slot.p.dispatch(def, u, u, u, u, u, u, u, u, u);
    case 1: return (a: number) => slot.p.dispatch(def, a, u, u, u, u, u, u, u, u);
    case 2: return (a: number, b: number) => slot.p.dispatch(def, a, b, u, u, u, u, u, u, u);
    case 3: return (a: number, b: number, c: number) => slot.p.dispatch(def, a, b, c, u, u, u, u, u, u);
    case 4: return (a: number, b: number, c: number, d: number) => slot.p.dispatch(def, a, b, c, d, u, u, u, u, u);
    case 5: return (a: number, b: number, c: number, d: number, e: number) => slot.p.dispatch(def, a, b, c, d, e, u, u, u, u);
    case 6: return (a: number, b: number, c: number, d: number, e: number, f: number) => slot.p.dispatch(def, a, b, c, d, e, f, u, u, u);
    case 7: return (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => slot.p.dispatch(def, a, b, c, d, e, f, g, u, u);
    case 8: return (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number) => slot.p.dispatch(def, a, b, c, d, e, f, g, h, u);
    default: return (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) => slot.p.dispatch(def, a, b, c, d, e, f, g, h, i);
  }
}

/**
 * The narrowed import of a fast call (narrowsI64): its skip64 parameter, at
 * index k, arrives as two i32 halves. The general path gets the BigInt V8
 * would have made (signed); the fast path's handler does not read it, and
 * a joined number would only be boxed on the way.
 */
function narrowImportFor(slot: ImportSlot, def: SyscallDef): (...args: number[]) => number {
  const u = undefined as unknown as number;
  const call = (p: Process, a: number, b: number, c: number, d: number): number => p.dispatch(def, a, b, c, d, u, u, u, u, u);
  const k = def.params.findIndex((q) => q.kind === 'skip64');
  if (k === 1 && def.params.length === 3) {
    // clock_gettime's shape (clock, precision, out): one closure of the wasm arity, with no second layer to inline.
    return (a: number, lo: number, hi: number, c: number): number => {
      const p = slot.p;
      return p.fastReady() ? p.fastCall(def, a, u, c, u) : call(p, a, i64Of(lo, hi), c, u);
    };
  }
  const go = narrowedAt(slot, def, call, k);
  // Arity as the wasm signature's (one more than the parameters: the i64 is two), for V8's faster import wrapper.
  switch (def.params.length) {
    case 1: return (a: number, b: number) => go(a, b, u, u, u);
    case 2: return (a: number, b: number, c: number) => go(a, b, c, u, u);
    case 3: return (a: number, b: number, c: number, d: number) => go(a, b, c, d, u);
    default: return go;
  }
}

/** One closure per position k of the i64, so the hot path has no branch on it (clock_gettime's is at 1). */
type Narrowed = (x0: number, x1: number, x2: number, x3: number, x4: number) => number;

function narrowedAt(slot: ImportSlot, def: SyscallDef, call: (p: Process, a: number, b: number, c: number, d: number) => number, k: number): Narrowed {
  const u = undefined as unknown as number;
  switch (k) {
    case 0:
      return (lo: number, hi: number, b: number, c: number, d: number): number => {
        const p = slot.p;
        return p.fastReady() ? p.fastCall(def, u, b, c, d) : call(p, i64Of(lo, hi), b, c, d);
      };
    case 1:
      return (a: number, lo: number, hi: number, c: number, d: number): number => {
        const p = slot.p;
        return p.fastReady() ? p.fastCall(def, a, u, c, d) : call(p, a, i64Of(lo, hi), c, d);
      };
    case 2:
      return (a: number, b: number, lo: number, hi: number, d: number): number => {
        const p = slot.p;
        return p.fastReady() ? p.fastCall(def, a, b, u, d) : call(p, a, b, i64Of(lo, hi), d);
      };
    default:
      return (a: number, b: number, c: number, lo: number, hi: number): number => {
        const p = slot.p;
        return p.fastReady() ? p.fastCall(def, a, b, c, u) : call(p, a, b, c, i64Of(lo, hi));
      };
  }
}

/**
 * The import of a traced fast call whose tracer made it a recorder
 * (RawSyscallHooks.fastRecorder): the fast path and the record in one
 * function compiled for this call alone (new Function: code of its own has
 * feedback of its own), so that V8 sees one handler and one recorder at
 * their call sites and inlines both, where the shared path (fastCall,
 * fastTraced) calls every fast call's handler and recorder from one site.
 * Anything fastReady() refuses takes dispatch, as importFor's do.
 */
function tracedImportFor(slot: ImportSlot, def: SyscallDef, rec: FastRecorder, narrow: boolean): (...args: number[]) => number {
  const names = ['a', 'b', 'c', 'd'].slice(0, def.params.length);
  const k = narrow ? def.params.findIndex((q) => q.kind === 'skip64') : -1;
  // Wasm's parameters (a narrowed i64 is two i32 halves), the handler's (the narrowed one undefined), dispatch's.
  const wasm = names.flatMap((n, i) => (i === k ? ['lo', 'hi'] : [n]));
  const fast = [0, 1, 2, 3].map((i) => (i < names.length && i !== k ? names[i] : 'u'));
  const slow = [0, 1, 2, 3].map((i) => (i === k ? 'i64Of(lo, hi)' : i < names.length ? names[i] : 'u'));
  const body = `return function ${def.name}(${wasm.join(', ')}) {
  const p = slot.p;
  if (!p.fastReady() || p.kernel.observer === undefined) return p.dispatch(def, ${slow.join(', ')}, u, u, u, u, u);
  const clock = p.kernel.clock;
  clock.tick();
  p.callStart = clock.now();
  p.currentCall = def;
  let r;
  try {
    r = handler(p, ${fast.join(', ')});
  } catch (err) {
    r = p.fastFailed(def, err, ${fast.join(', ')});
  }
  p.currentCall = undefined;
  rec(p, r, ${fast.join(', ')});
  p.callStart = -1;
  return p.endOfCall(r);
};`;
  return new Function('slot', 'def', 'handler', 'rec', 'i64Of', 'u', body)(slot, def, def.handler, rec, i64Of, undefined) as (...args: number[]) => number;
}

/** The i64 two i32 halves make, as the BigInt V8 gives a JS import for a wasm i64 (signed). */
function i64Of(lo: number, hi: number): number {
  return ((BigInt(hi | 0) << 32n) | BigInt(lo >>> 0)) as unknown as number;
}

/** Whom an instance's imports call: its process, or the forked child that took the instance over. */
interface ImportSlot {
  p: Process;
}

interface PooledInstance {
  exports: AsyncifyExports;
  slot: ImportSlot;
}

/**
 * Instances of exited processes, kept per compiled module for the next
 * fork(): a forking server's children are copies of one parent, so the
 * instance and its already-touched memory are reused instead of a new
 * instance, a fresh memory and its page faults per child. The child's
 * copyFrom overwrites the whole memory and every mutable global; an
 * instance whose memory is larger than the parent's is not used (memory
 * cannot shrink, and its size is visible to the guest).
 */
export class InstancePool {
  private readonly byModule = new Map<WebAssembly.Module, PooledInstance[]>();
  static readonly PER_MODULE = 8;

  give(module: WebAssembly.Module, i: PooledInstance): void {
    let list = this.byModule.get(module);
    if (!list) this.byModule.set(module, (list = []));
    if (list.length < InstancePool.PER_MODULE) list.push(i);
  }

  /** An instance whose memory is at most `bytes`, or undefined. */
  take(module: WebAssembly.Module, bytes: number): PooledInstance | undefined {
    const list = this.byModule.get(module);
    if (!list) return undefined;
    for (let k = list.length - 1; k >= 0; k--) {
      const mem = (list[k]!.exports as unknown as { memory: WebAssembly.Memory }).memory;
      if (mem.buffer.byteLength <= bytes) return list.splice(k, 1)[0];
    }
    return undefined;
  }
}

/** What an exited process's memory reads as once released: nothing (any access is EFAULT). */
const RELEASED = new GuestMemory(new WebAssembly.Memory({ initial: 0 }));

export function fmtBytes(n: number): string {
  if (n >= 1 << 30 && n % (1 << 30) === 0) return `${n / (1 << 30)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(n % (1 << 20) ? 1 : 0)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(n % (1 << 10) ? 1 : 0)} KiB`;
  return `${n} B`;
}

/** Status of a process ended by a host bug in one of its syscalls: SIGSYS's 128+31, which nothing else uses. */
export const INTERNAL_ERROR_STATUS = 128 + SIGNALS.SIGSYS;
/** Reasons of processes ended by a host bug start with this. */
export const INTERNAL_ERROR = 'internal error in ';

/**
 * A handler threw something that is not an Errno: a host bug. The calling
 * process ends (SIGSYS, status 159: a call the host could not carry out)
 * with one line naming the call and its raw arguments; the run goes on.
 * Only the error's first line is kept, with host paths cut, so no stack
 * frame or file name reaches a trace or a grade; SOCKLAB_DEBUG=1 prints the
 * whole stack on the host's stderr.
 */
function internalError(p: Process, def: SyscallDef, args: readonly unknown[], err: unknown): Killed {
  const call = `${def.name}(${args.map((v, i) => fmtArg(def.params[i]?.kind, v)).join(', ')})`;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : `thrown ${typeof err}: ${String(err)}`;
  const line = hidePaths(what.split('\n')[0]!.trim()).slice(0, 200);
  if (process.env.SOCKLAB_DEBUG) process.stderr.write(`socklab: internal error in ${call}, ${p}:\n${err instanceof Error ? err.stack : String(err)}\n`);
  return new Killed('SIGSYS', `${INTERNAL_ERROR}${call}: ${line}`, INTERNAL_ERROR_STATUS);
}

const HEX_KINDS = new Set(['ptr', 'out', 'str', 'iovs', 'iovs_out', 'sockaddr', 'sockaddr_out', 'socklen_inout', 'msghdr', 'msghdr_out', 'pollfds', 'fdset', 'timeval', 'cstr', 'cstr_out',
  'buf', 'buf_out', 'ret', 'ret_fd', 'ret_u64', 'fd_pair_out', 'sockopt_val', 'sockopt_val_out', 'timespec_out', 'subscriptions', 'events_out', 'fcntl_getfl',
  'ai_hints', 'ai_result', 'ai_count', 'argv_out', 'environ_out', 'strv', 'envv']);
const FLAG_KINDS = new Set(['flags', 'socktype', 'accept_flags', 'msg_flags', 'fcntl_setfl', 'ni_flags']);
function fmtArg(kind: string | undefined, v: unknown): string {
  if (typeof v === 'bigint') return v < 0n ? String(v) : v > 0xffffn ? `0x${v.toString(16)}` : String(v);
  if (typeof v !== 'number') return String(v);
  if (kind && HEX_KINDS.has(kind)) return v === 0 ? 'NULL' : `0x${(v >>> 0).toString(16)}`;
  if (kind && FLAG_KINDS.has(kind) && v !== 0) return `0x${(v >>> 0).toString(16)}`;
  if (kind === 'u32' || kind === 'len' || kind === 'strlen' || kind === 'iovcnt') return String(v >>> 0);
  return String(v);
}

/** Absolute host paths and file: URLs in an error message become "<host path>". */
function hidePaths(s: string): string {
  return s.replace(/(?:file:\/\/)?(?:\/[\w.@+-]+){2,}\/?(?::\d+(?::\d+)?)?/g, '<host path>').replace(/[A-Za-z]:\\[^\s'"]+/g, '<host path>');
}

/** Throws EFAULT for a guest pointer that is plainly invalid. */
export function needPtr(p: Process, ptr: number, len: number): void {
  if (!p.mem.valid(ptr, len)) throw new Errno(E.EFAULT);
}
