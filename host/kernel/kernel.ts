// The kernel: processes, the scheduler, the clock and the event queue.
// Many guests run in one host thread; a guest runs until it suspends in a
// syscall, exits or yields, then the scheduler picks the next runnable one
// with the run's seeded RNG. When none is runnable the virtual clock jumps
// to the next timer; when nothing at all can wake anyone, the run stops
// with a deadlock report naming each process and the call it waits in.
import { Slots } from './slots.js';
import { Rng } from './rng.js';
import { RealClock, VirtualClock, type Clock } from './clock.js';
import { Timers } from './timers.js';
import { InstancePool, Process, summariseFootprints, type ExitInfo, type GuestImage, type MemorySummary } from './process.js';
import type { SyscallDef } from './syscall.js';
import { Killed, SIGNALS, CLD_EXITED, CLD_KILLED, SI_KERNEL, SI_USER, type SigInfo, type SignalName } from './signals.js';
import { newReaper } from './taskattrs.js';
import type { OpenFile } from './file.js';

/** Processes one run may hold (scenario files are checked against it before anything is built). */
export const DEFAULT_MAX_PROCESSES = 4096;

export interface Limits {
  /** Bytes of linear memory per process. */
  maxMemory?: number;
  /** Bytes of linear memory all live processes of the run may hold together (the host's memory, not a guest's). */
  maxTotalMemory?: number;
  /** Bytes a process may write to stdout+stderr. */
  maxOutput?: number;
  /** Open fds per process (RLIMIT_NOFILE). */
  maxFds: number;
  /** Processes per run: the ones it starts, and at once in the process table (forked ones and zombies too) for fork's EAGAIN. */
  maxProcesses: number;
  /** Fuel units (function entries + loop iterations) each process may use: RLIMIT_CPU, counted deterministically. */
  fuel?: number;
  /** Virtual ns the run may last: past it every live process is stopped (status 124). */
  maxVirtualNs?: number;
}

/** Sees every syscall at the boundary: tracing and fault injection attach here. */
export interface SyscallObserver {
  onSyscall(p: Process, def: SyscallDef, args: readonly unknown[], result: number, start: number): void;
  onSuspend?(p: Process, def: SyscallDef, args: readonly unknown[]): void;
  /** A call begins (not called again when a blocked call re-runs): its inputs as they were, before the handler changes them. */
  onEnter?(p: Process, def: SyscallDef, args: readonly unknown[]): void;
  onExit?(p: Process): void;
  /** A signal was delivered to p (strace's `--- SIGTERM {...} ---`). */
  onSignal?(p: Process, sig: SignalName, info?: SigInfo): void;
  /** A handler returned (strace's rt_sigreturn): the mask put back; how the call it interrupted, if any, goes on (EINTR, restarted). */
  onSigreturn?(p: Process, mask: bigint, how: 'eintr' | 'restart' | undefined, call: SyscallDef | undefined): void;
  /** A call interrupted with ERESTART_RESTARTBLOCK goes on through its restart block (strace's `restart_syscall(<... resuming interrupted poll ...>`). */
  onRestart?(p: Process, def: SyscallDef, args: readonly unknown[]): void;
}

/**
 * Stands between a guest and a syscall's handler: fault injection (strace's
 * --inject: errors, return values, delays, short reads/writes) lives here.
 * intercept() may return a result without calling invoke(), call it (after
 * adjusting guest memory, say), or suspend with p.block() like a handler.
 */
export interface SyscallInterceptor {
  /** Cheap filter, so calls nobody intercepts take the direct path. */
  wants(def: SyscallDef): boolean;
  /** invoke() runs the real handler; invoke(args) runs it with changed arguments. */
  intercept(p: Process, def: SyscallDef, args: readonly number[], invoke: (args?: readonly number[]) => number): number;
}

export interface KernelOptions {
  seed?: number;
  realTime?: boolean;
  /** Virtual nanoseconds each syscall costs (default 1000). */
  syscallCostNs?: number;
  limits?: Partial<Limits>;
  syscalls: readonly SyscallDef[];
  observer?: SyscallObserver;
  interceptor?: SyscallInterceptor;
  /** Completed syscalls before a process yields to others (default 64). */
  sliceBudget?: number;
}

export interface SpawnOptions {
  argv: string[];
  env?: string[];
  host?: string;
  name?: string;
  /** Called once the process exists, to install fds 0.. and preopens. */
  setupFds?: (p: Process) => void;
  /** A service (a server) may run forever: the run ends when the other processes are done. */
  service?: boolean;
}

/** Virtual ns services may go on finishing their work once the other processes are done, before SIGTERM. */
export const SERVICE_SETTLE_NS = 100e6;
/** Virtual ns a service has between SIGTERM and SIGKILL when the run ends. */
export const SERVICE_GRACE_NS = 100e6;
/** socklab's status when only services are left, all waiting, and no other process ever ran: nothing to serve. */
export const IDLE_STATUS = 123;

export interface RunResult {
  processes: { pid: number; name: string; host: string; exit: ExitInfo }[];
  /** Set when the run stopped because nothing could make progress. */
  deadlock?: string;
  /** Set when only services were left, all waiting, with no other process to serve (status IDLE_STATUS). */
  idle?: string;
  /** Set when a run-wide limit (virtual time) stopped it. */
  limit?: string;
  /** socklab's exit status: the first failure's status, or 0. */
  status: number;
  /** Virtual (or real) ns elapsed. */
  elapsedNs: number;
  /** Counters of the virtual network, when the run used it. */
  network?: Record<string, number>;
  /** What the processes held as each exited (Process.memoryFootprint): totals and the largest. */
  memory?: MemorySummary;
}

/** How long the run queue grows before its membership is kept in a Set (see Kernel.queued). */
const QUEUED_SET_AT = 16;

export class Kernel {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly timers = new Timers();
  readonly limits: Limits;
  readonly syscalls: readonly SyscallDef[];
  observer: SyscallObserver | undefined;
  interceptor: SyscallInterceptor | undefined;
  readonly sliceBudget: number;
  readonly processes: Process[] = [];
  private readonly schedRng: Rng;
  /** Exited processes' instances, for the next fork of the same module. */
  readonly instances = new InstancePool();
  private runnable: Process[] = [];
  /**
   * The members of `runnable` once it is long, so requeue stays O(1) with
   * ten thousand processes (the array keeps the seeded pick order); a short
   * one (a pair of processes waking each other) is scanned instead, which
   * spares a Set insert and delete on every wake.
   */
  private queued: Set<Process> | undefined;
  private nextPid = 1;
  private live = 0;
  /** Processes scheduled to start later (scenario start times): the run is not over while any remain. */
  private pendingStarts = 0;
  /**
   * Whether files may hold state outside the simulation (a real network is attached): only then do
   * zero-timeout poll and select ask each file's hostSync, a pass a virtual run need not pay for.
   */
  hostSyncs = false;
  /** Sources outside the simulation (host stdin, real sockets) that may still wake a process. */
  private external = 0;
  /**
   * Host work the whole simulation waits for (execve loading its new image): while any is under way no process
   * runs and no virtual time passes, so how long the host took changes nothing a guest can see.
   */
  private stalls = 0;
  /**
   * Loads a module file's bytes as a GuestImage, with the run's options (the loader is a layer above: the
   * session that made the kernel sets this). Unset: execve finds no way to run a module (ENOEXEC).
   */
  loadImage: ((bytes: Uint8Array, name: string) => Promise<GuestImage>) | undefined;
  /** Set while run()'s loop waits on the host's event loop for a kick (or its timer). */
  private waiting = false;
  /** The timer of the current idle wait (the next kernel timer's deadline), cleared by the kick that ends the wait first. */
  private kickTimer: NodeJS.Timeout | undefined;
  /** run()'s outcome, settled when the loop ends. */
  private runSettle: { resolve: (r: RunResult) => void; reject: (e: unknown) => void } | undefined;
  /** The loop's continuation after a wait or a yield to the host (made once: a wait allocates nothing). */
  private readonly resume = (): void => this.loop();
  private readonly timerKick = (): void => {
    this.kickTimer = undefined;
    this.kick();
  };
  private deadlockReport: string | undefined;
  private idleReport: string | undefined;
  private stopped = false;
  /** Non-service processes alive, waiting to start, and ever declared: services run until the first two reach 0. */
  private liveClients = 0;
  private pendingClients = 0;
  private anyClient = false;
  /** Set once the services are being stopped (every other process is done). */
  private ending = false;
  /** Per-run state higher layers attach (the virtual network, its configuration, the real network): see slots.ts. */
  readonly slots = new Slots();
  /** The virtual network's counters for the run's result, once it exists. */
  networkStats: (() => Record<string, number>) | undefined;
  current: Process | undefined;
  /** Called before each slice (the worker publishes the running pid for timeout reports). */
  onSlice: ((p: Process) => void) | undefined;
  /** Called before the kernel waits on the host's event loop (the worker flushes output). */
  onIdle: (() => void) | undefined;

  constructor(opts: KernelOptions) {
    const seed = opts.seed ?? 1;
    this.rng = new Rng(seed);
    this.schedRng = this.rng.fork('scheduler');
    this.clock = opts.realTime ? new RealClock() : new VirtualClock(opts.syscallCostNs ?? 1000);
    this.limits = { maxFds: 1024, maxProcesses: DEFAULT_MAX_PROCESSES, ...opts.limits };
    this.syscalls = opts.syscalls;
    this.observer = opts.observer;
    this.interceptor = opts.interceptor;
    this.sliceBudget = opts.sliceBudget ?? 64;
  }

  spawn(module: GuestImage, opts: SpawnOptions): Process {
    // The scenario's own processes are checked before the run (a fork never makes a later start fail).
    if (this.processes.length - this.forkedCount >= this.limits.maxProcesses) {
      throw new Error(`process limit reached (${this.limits.maxProcesses})`);
    }
    const pid = this.nextPid++;
    const p = new (module.component ? module.component.processClass : Process)(this, pid, module, {
      argv: opts.argv,
      env: opts.env ?? [],
      host: opts.host ?? 'localhost',
      name: opts.name ?? opts.argv[0] ?? `pid${pid}`,
    });
    p.instantiate();
    p.service = opts.service === true;
    opts.setupFds?.(p);
    this.processes.push(p);
    this.inTable++;
    this.live++;
    if (!p.service) {
      this.liveClients++;
      this.anyClient = true;
    }
    this.enqueue(p);
    return p;
  }

  /** Processes in the process table (running or zombies): what the process limit counts. */
  private inTable = 0;
  private forkedCount = 0;
  /** The footprints of forked processes reaped (and dropped from `processes`). */
  private reapedFootprints: MemorySummary = summariseFootprints([]);
  /** Called when fork() made a process (the runner reports it like a started one). */
  onFork: ((child: Process, parent: Process) => void) | undefined;

  /** Bytes of linear memory the live processes hold, as last accounted (Process.accountMemory). */
  memoryHeld = 0;

  /** Whether `bytes` more of linear memory fit under the run's budget (limits.maxTotalMemory). */
  memoryFits(bytes: number): boolean {
    const max = this.limits.maxTotalMemory;
    return max === undefined || this.memoryHeld + bytes <= max;
  }

  /** Whether one more process fits under the process limit (fork fails with EAGAIN otherwise). */
  canFork(): boolean {
    return this.inTable < this.limits.maxProcesses;
  }

  /**
   * fork(): a copy of `parent`, suspended where the parent is (its stack
   * already unwound); `init` adjusts the child's memory (fork's result, 0)
   * before it first runs. The next pid, the parent's host, service flag.
   */
  fork(parent: Process, init: (child: Process) => void): Process {
    const pid = this.nextPid++;
    const child = new Process(this, pid, parent.module, { argv: parent.argv, env: parent.env, host: parent.host, name: parent.name });
    child.parent = parent;
    child.forked = true;
    child.pgid = parent.pgid;
    child.sid = parent.sid;
    child.service = parent.service;
    child.copyFrom(parent);
    init(child);
    parent.children.add(child);
    this.processes.push(child);
    this.forkedCount++;
    this.inTable++;
    this.live++;
    if (!child.service) this.liveClients++;
    this.enqueue(child);
    this.onFork?.(child, parent);
    return child;
  }

  /** Runs start() at virtual time `at` (ns); the run waits for it (a service due after the others are done never starts). */
  startLater(at: number, start: () => void, service = false): void {
    this.pendingStarts++;
    if (!service) {
      this.pendingClients++;
      this.anyClient = true;
    }
    this.timers.add(at, () => {
      this.pendingStarts--;
      if (!service) this.pendingClients--;
      if (service && this.ending) return;
      start();
    });
  }

  requeue(p: Process): void {
    this.enqueue(p);
  }

  private enqueue(p: Process): void {
    const q = this.queued;
    if (q !== undefined) {
      if (q.has(p)) return;
      q.add(p);
    } else if (this.runnable.includes(p)) return;
    else if (this.runnable.length >= QUEUED_SET_AT) this.queued = new Set(this.runnable).add(p);
    this.runnable.push(p);
  }
  private dequeued(p: Process): void {
    const q = this.queued;
    if (q === undefined) return;
    q.delete(p);
    if (this.runnable.length === 0) this.queued = undefined;
  }

  /** Told of each process as it ends (the worker reports exits as they happen, so a timeout later keeps them). */
  onProcessExit: ((p: Process) => void) | undefined;

  onExit(p: Process): void {
    if (p.service) {
      // A service that ends on its own while others still run left early (a child it forked ending is its business): said in the report, not an error by itself.
      if (!this.ending && !p.forked && !p.exit?.service && (this.liveClients > 0 || this.pendingClients > 0)) {
        const e = p.exit!;
        p.exit = { ...e, service: 'early', reason: `service ${p.name} exited early with status ${e.status}${e.reason ? `: ${e.reason}` : ''}` };
      }
    } else this.liveClients--;
    // The exit's line before the parent's SIGCHLD (its signal line, or the call it interrupts), as strace orders them.
    this.observer?.onExit?.(p);
    this.reparent(p);
    this.onProcessExit?.(p);
    this.live--;
    // A long queue answers from its Set before the array is searched (ten thousand processes exiting).
    const at = this.queued === undefined || this.queued.has(p) ? this.runnable.indexOf(p) : -1;
    if (at >= 0) {
      this.runnable.splice(at, 1);
      this.dequeued(p);
    }
  }

  /**
   * Process-table bookkeeping at exit: the exited process's children go to
   * the nearest child subreaper among its ancestors (prctl's
   * PR_SET_CHILD_SUBREAPER), which gets their SIGCHLD and may wait for them,
   * or else to init (ppid 1), which reaps them (its zombies at once, the
   * others when they exit); a child with a parent-death signal gets it
   * (Linux's forget_original_parent). The process itself stays a zombie for
   * its parent to wait for (SIGCHLD is marked pending, its default action
   * being to ignore it), or is reaped now when socklab started it or its
   * parent is gone.
   */
  private reparent(p: Process): void {
    const reaper = p.children.size ? newReaper(p) : undefined;
    for (const c of p.children) {
      if (reaper) reaper.children.add(c);
      else c.orphaned = true;
      c.parent = reaper;
      // Sent as the dead parent's (SEND_SIG_NOINFO: SI_USER, its pid and uid), once the child has its new parent.
      if (c.task.pdeathsig) c.post(c.task.pdeathsig, { signo: c.task.pdeathsig, code: SI_USER, pid: p.pid, uid: p.creds.ruid });
      if (c.state === 'exited') {
        if (reaper) this.notifyParent(c);
        else this.reap(c);
      }
    }
    p.children.clear();
    this.notifyParent(p);
  }

  /** An exited process's news to its parent: SIGCHLD and a wake-up, or its reaping when nobody will wait for it. */
  private notifyParent(p: Process): void {
    const parent = p.parent;
    const ignored = parent?.signals.disposition(SIGNALS.SIGCHLD) === 'ignore';
    if (parent && parent.state !== 'exited' && parent.children.has(p) && !ignored) {
      parent.childWait.wake();
      const e = p.exit!;
      parent.post(SIGNALS.SIGCHLD, { signo: SIGNALS.SIGCHLD, code: e.signal ? CLD_KILLED : CLD_EXITED, pid: p.pid, uid: p.creds.ruid, status: e.signal ? SIGNALS[e.signal] : (e.code ?? e.status) & 0xff });
    } else {
      this.reap(p);
      // SIGCHLD set to SIG_IGN: no zombie, but a parent blocked in wait re-checks (ECHILD once none is left).
      parent?.childWait.wake();
    }
  }

  /** Removes an exited process from the process table (wait4 collected it, or init did). */
  reap(p: Process): void {
    if (p.reaped) return;
    p.reaped = true;
    this.inTable--;
    p.parent?.children.delete(p);
    // A reaped child leaves the table as on Linux, its footprint folded into the run's: a fork-and-wait loop of
    // 100,000 children keeps the host's memory flat instead of holding every Process until the run ends.
    if (p.forked && p.footprint) {
      const i = this.processes.indexOf(p);
      if (i >= 0) {
        this.processes.splice(i, 1);
        this.forkedCount--;
        this.reapedFootprints = combineSummaries(this.reapedFootprints, summariseFootprints([p.footprint]));
      }
    }
  }

  /** Stops the simulation until `work` settles (see stalls); then `done` runs and the loop goes on. */
  stall<T>(work: Promise<T>, done: (r: { value?: T; error?: unknown }) => void): void {
    this.stalls++;
    const end = (r: { value?: T; error?: unknown }): void => {
      this.stalls--;
      done(r);
      this.kick();
    };
    work.then((value) => end({ value }), (error: unknown) => end({ error }));
  }

  /** Keeps the run alive while an outside source may still deliver; returns the release. */
  holdExternal(): () => void {
    this.external++;
    let done = false;
    return () => {
      if (!done) {
        done = true;
        this.external--;
        this.kick();
      }
    };
  }
  /** Called by outside sources after they made a process runnable. */
  kick(): void {
    if (!this.endWait()) return;
    // The loop goes on once the caller's code is done (a microtask, as an awaited Promise would).
    queueMicrotask(this.resume);
  }

  /**
   * kick() for a caller with nothing left to do after it (a real socket's
   * 'data' handler): the loop runs now, inside the caller's host event, as
   * node:net's own handler would write its reply there, with no microtask
   * hop. A kick while the loop runs (not waiting) does nothing, as kick().
   */
  kickNow(): void {
    if (this.endWait()) this.loop();
  }

  /** Ends the current idle wait, if the loop is in one. */
  private endWait(): boolean {
    if (!this.waiting) return false;
    this.waiting = false;
    if (this.kickTimer !== undefined) {
      clearTimeout(this.kickTimer);
      this.kickTimer = undefined;
    }
    return true;
  }

  /**
   * Delivers a signal from outside (si_code SI_USER), as kill(2) would:
   * SIGKILL always ends the process; another signal ends it when its
   * disposition is the default, while a process that ignores it or has a
   * handler keeps running (handlers do not run yet: only the disposition is
   * known). The trace shows the delivery as strace does. Returns whether
   * the process ended.
   */
  signal(p: Process, sig: SignalName, reason: string, extra?: Partial<ExitInfo>): boolean {
    if (p.state === 'exited') return true;
    if (sig !== 'SIGKILL') {
      const d = p.signals.disposition(SIGNALS[sig]);
      if (d === 'handler') {
        // The guest's handler runs (a module without the SDK's trampoline only records the disposition); the trace shows the delivery then.
        p.post(SIGNALS[sig], { signo: SIGNALS[sig], code: 0, pid: 0, uid: 0 });
        return (p.state as string) === 'exited';
      }
      if (d === 'ignore') {
        this.observer?.onSignal?.(p, sig);
        return false;
      }
      p.traceInterruptedCall();
      this.observer?.onSignal?.(p, sig);
    }
    p.kill(new Killed(sig, reason), extra);
    return true;
  }

  /**
   * The other processes are done, but a service may still be finishing
   * their last requests (printing a log line, reading a FIN still in
   * flight): it is left to run while it is runnable or something is due
   * within SERVICE_SETTLE_NS of that moment, and no longer.
   */
  private servicesBusy(): boolean {
    const now = this.clock.now();
    if (this.clientsDoneAt < 0) this.clientsDoneAt = now;
    const until = this.clientsDoneAt + SERVICE_SETTLE_NS;
    if (now >= until || this.live === 0) return false;
    if (this.runnable.length > 0) return true;
    const next = this.timers.next();
    return next !== undefined && next <= until;
  }
  private clientsDoneAt = -1;

  /**
   * Every other process is done: each service still running gets SIGTERM
   * now and SIGKILL SERVICE_GRACE_NS later if it is still there. Either way
   * it ran as a service should, and is reported so.
   */
  private stopServices(): void {
    this.ending = true;
    const services = this.processes.filter((p) => p.service && p.state !== 'exited');
    if (!services.length) return;
    for (const p of services) this.signal(p, 'SIGTERM', 'still running, as expected: stopped with SIGTERM once the other processes were done', { service: 'running' });
    if (services.every((p) => p.state === 'exited')) return;
    this.timers.add(this.clock.now() + SERVICE_GRACE_NS, () => {
      for (const p of services) {
        if (p.state !== 'exited') this.signal(p, 'SIGKILL', `still running, as expected: did not end on SIGTERM, stopped with SIGKILL ${SERVICE_GRACE_NS / 1e6} ms later`, { service: 'running' });
      }
    });
  }

  /**
   * Ctrl-C at the terminal: SIGINT (si_code SI_KERNEL, as the tty driver
   * sends it) to every live process, the whole run being one foreground
   * job. A process with a handler runs it, one that blocks or ignores the
   * signal goes on, the others are killed by it, as on Linux.
   */
  interrupt(): void {
    const sig = SIGNALS.SIGINT;
    for (const p of this.processes.filter((q) => q.state !== 'exited')) p.post(sig, { signo: sig, code: SI_KERNEL, pid: 0, uid: 0 });
    this.kick();
  }

  /** Stops the run, killing every live process with the given reason. */
  killAll(k: Killed): void {
    for (const p of this.processes) p.kill(k);
    this.stopped = true;
    this.kick();
  }

  private pick(): Process | undefined {
    const n = this.runnable.length;
    if (n === 0) return undefined;
    const i = n === 1 ? 0 : this.schedRng.below(n);
    const p = this.runnable[i]!;
    this.runnable[i] = this.runnable[n - 1]!;
    this.runnable.pop();
    this.dequeued(p);
    return p;
  }

  /** Slices run so far: every 256th, run() lets host I/O through. */
  private slices = 0;

  /**
   * Whether p, whose slice budget ran out in a fast call, can go on as if
   * it had yielded and been picked again at once, which is all run() would
   * do while nothing else is runnable, no timer is due and no limit, ending
   * or host I/O turn is due; the slice is counted as run() counts it. Saves
   * the Asyncify unwind and rewind of a lone busy process.
   */
  continues(p: Process): boolean {
    if (this.runnable.length !== 0 || this.stopped || this.ending || p.service || (this.slices + 1) % 256 === 0) return false;
    const now = this.clock.now();
    if (this.limits.maxVirtualNs !== undefined && !this.clock.realTime && now > this.limits.maxVirtualNs) return false;
    if (this.timers.size) {
      const next = this.timers.next();
      if (next !== undefined && next <= now) return false;
    }
    this.slices++;
    return true;
  }

  /** Runs until every process has exited, or a deadlock, or killAll. */
  run(): Promise<RunResult> {
    this.slices = 0;
    return new Promise<RunResult>((resolve, reject) => {
      this.runSettle = { resolve, reject };
      this.loop();
    });
  }

  /**
   * run()'s loop: returns to the host's event loop when it must wait (a
   * kick or its timer calls it again) or yield (setImmediate calls it
   * again), and settles run()'s Promise when the run ends.
   */
  private loop(): void {
    const settle = this.runSettle;
    if (settle === undefined) return;
    try {
      while ((this.live > 0 || this.pendingStarts > 0) && !this.stopped) {
        if (this.stalls > 0) {
          // No onIdle (waitKick's): the stall is host work, not a wait any guest could be seen in.
          this.waiting = true;
          return;
        }
        if (this.limits.maxVirtualNs !== undefined && !this.clock.realTime && this.clock.now() > this.limits.maxVirtualNs) {
          this.stopForVirtualTime();
          break;
        }
        // Events already due (a packet arriving now) go before the next slice, so
        // a guest polling without blocking still sees the network move.
        if (this.timers.size) this.timers.fireDue(this.clock.now());
        if (!this.ending && this.anyClient && this.liveClients === 0 && this.pendingClients === 0 && !this.servicesBusy()) {
          this.stopServices();
          if (this.live === 0) break;
        }
        const p = this.pick();
        if (p) {
          if (p.state !== 'runnable') continue;
          this.current = p;
          this.onSlice?.(p);
          // MAP_SHARED memory (host/kernel/mman.ts): in step with the other processes before the slice, with its files after.
          if (p.mman !== undefined) p.mman.enterSlice();
          p.runSlice();
          if (p.mman !== undefined) p.mman.leaveSlice();
          this.current = undefined;
          if ((p.state as string) === 'exited') p.release();
          // Let host I/O (stdout, stdin, real sockets, control messages) through now and then.
          if (++this.slices % 256 === 0) {
            this.onIdle?.();
            setImmediate(this.resume);
            return;
          }
          continue;
        }
        const next = this.timers.size ? this.timers.next() : undefined;
        if (!this.clock.realTime) {
          if (next !== undefined) {
            this.clock.advanceTo(next);
            this.timers.fireDue(this.clock.now());
            continue;
          }
          if (this.external > 0) return this.waitKick(undefined);
          this.reportDeadlock();
          break;
        }
        if (next === undefined) {
          if (this.external === 0) {
            this.reportDeadlock();
            break;
          }
          // Nothing is due: no clock read, no timer; the wait ends with a kick (the loop's top fires what came due).
          return this.waitKick(undefined);
        }
        const now = this.clock.now();
        if (next <= now) {
          this.timers.fireDue(now);
          continue;
        }
        return this.waitKick(next - now);
      }
    } catch (e) {
      this.runSettle = undefined;
      settle.reject(e);
      return;
    }
    this.runSettle = undefined;
    let result: RunResult;
    try {
      result = this.result();
    } catch (e) {
      settle.reject(e);
      return;
    }
    settle.resolve(result);
  }

  /** Waits on the host's event loop until a kick, or `ns` (the next kernel timer) passes. */
  private waitKick(ns: number | undefined): void {
    this.onIdle?.();
    this.waiting = true;
    if (ns !== undefined) this.kickTimer = setTimeout(this.timerKick, Math.max(0, Math.ceil(ns / 1e6)));
  }

  private stopForVirtualTime(): void {
    const limit = this.limits.maxVirtualNs!;
    this.limitReport = `virtual time limit exceeded: the run passed ${limit / 1e9} s of virtual time`;
    for (const p of this.processes) if (p.state !== 'exited') p.kill(new Killed('SIGKILL', this.limitReport, 124));
  }
  private limitReport: string | undefined;

  private reportDeadlock(): void {
    const waits = (p: Process): string => `  ${p} on ${p.host} waits in ${p.waitingOn?.call ?? '?'}`;
    const blocked = this.processes.filter((p) => p.state === 'blocked');
    const clients = blocked.filter((p) => !p.service);
    if (!clients.length) {
      // Only services are left, all waiting, and no other process ever came: not a deadlock, but nothing to serve either.
      this.idleReport = `only services are left, all waiting: nothing to serve\n${blocked.map(waits).join('\n')}`;
      for (const p of blocked) p.kill(new Killed('SIGKILL', `only services are left, all waiting: nothing to serve (waits in ${p.waitingOn?.call ?? '?'})`, IDLE_STATUS), { service: 'idle' });
      return;
    }
    // Services waiting for requests are not part of the deadlock: only the other processes are named.
    this.deadlockReport = `deadlock: every process is waiting and nothing can wake them\n${clients.map(waits).join('\n')}`;
    for (const p of this.processes) {
      if (p.state === 'exited') continue;
      if (p.service) p.kill(new Killed('SIGKILL', `stopped: the other processes deadlocked (service waiting in ${p.waitingOn?.call ?? '?'})`, 125), { service: 'deadlock' });
      else p.kill(new Killed('SIGKILL', `deadlock: waits forever in ${p.waitingOn?.call ?? '?'}`, 125));
    }
  }

  private result(): RunResult {
    const processes = this.processes.map((p) => ({ pid: p.pid, name: p.name, host: p.host, exit: p.exit ?? { status: 0 } }));
    let status = 0;
    if (this.deadlockReport) status = 125;
    else if (this.limitReport) status = 124;
    else if (this.idleReport) status = IDLE_STATUS;
    // A service stopped at the end ran as expected: the status is the other processes'.
    // Forked processes are their top-level process's business (its wait sees their statuses), as a shell sees only its job's.
    else for (const [i, p] of processes.entries()) if (p.exit.status !== 0 && !this.processes[i]!.forked && p.exit.service !== 'running') { status = p.exit.status; break; }
    const net = this.networkStats?.();
    // A process still here (the run stopped while it ran) is measured now.
    const memory = combineSummaries(this.reapedFootprints, summariseFootprints(this.processes.map((p) => p.footprint ?? p.memoryFootprint())));
    return { processes, deadlock: this.deadlockReport, ...(this.idleReport ? { idle: this.idleReport } : {}), ...(this.limitReport ? { limit: this.limitReport } : {}), status, elapsedNs: this.clock.now(), ...(net ? { network: net } : {}), memory };
  }
}

/** Two summaries as one: sums add up, the largest is the larger. */
function combineSummaries(a: MemorySummary, b: MemorySummary): MemorySummary {
  const total = { ...a.total };
  const max = { ...a.max };
  for (const k of Object.keys(total) as (keyof MemorySummary['total'])[]) {
    total[k] += b.total[k];
    if (b.max[k] > max[k]) max[k] = b.max[k];
  }
  return { processes: a.processes + b.processes, total, max };
}

export type { OpenFile };
