// One run of one or more guests in this thread: loads the modules, builds
// the kernel with its filesystem and network, wires stdio to the caller's
// sinks, and runs to completion. The worker (runner/worker.ts) wraps this so
// a guest that never yields cannot hang the host; tests and embedders may
// use it directly.
import { NETWORK, NETWORK_CONFIG } from '../net/virtual/index.js';
import { PCAP } from '../net/virtual/capture.js';
import { REAL_NETWORK } from '../net/real/network.js';
import { basename } from 'node:path';
import { totalmem } from 'node:os';
import { Kernel, type RunResult } from '../kernel/kernel.js';
import { OutputFile, StdinFile } from '../kernel/stdio.js';
import { loadModule, loadModuleFile, type LoadedModule } from '../loader/module.js';
import { loadComponentLazily } from '../component/lazy.js';
import { ASYNC_IMPORTS, KNOWN_IMPORTS, SYSCALLS } from '../syscalls.js';
import type { RunSpec } from '../scenario/spec.js';
import type { Process } from '../kernel/process.js';
import type { SyscallObserver } from '../kernel/kernel.js';
import { DEFAULT_FS_SPACE, FsSpace, Vfs } from '../fs/memfs.js';
import { Killed } from '../kernel/signals.js';
import { Creds } from '../kernel/creds.js';

/** Who creates a file outside any process's call (set-up): root. */
const ROOT_CREDS = new Creds();
import { installPreopen } from '../wasi/files.js';
import type { createTextTracer } from '../trace/strace.js';
import type { ByteTarget } from '../trace/linebuf.js';
import type { Rng } from '../kernel/rng.js';
import { RealNetwork } from '../net/real/network.js';
import { defaultEtcHosts, installEtcHosts, machineEtcHosts } from '../net/etchosts.js';
import { installEtcUsers } from '../fs/etcusers.js';
import { kernelNetwork, type NetworkConfig } from '../net/virtual/index.js';

/**
 * The run's default budget of guest linear memory: half of this machine's memory. Every guest's memory is the
 * host's, and 4096 processes may each grow to 4 GiB: without a budget, a fork-and-malloc loop takes the host down.
 */
export function defaultTotalMemory(): number {
  return Math.floor(totalmem() / 2);
}
import type { Publisher } from '../net/publish.js';
// The tracer, the fault injector and --publish load when a run asks for them (attach(), run()).

export interface SessionIO {
  output(pid: number, fd: 1 | 2, bytes: Uint8Array): void;
  /** A process wants host stdin ('inherit'): start feeding it. */
  stdinDemand?(pid: number): void;
  /** A process has started (pid, argv[0], host, whether it is a service). */
  spawned?(pid: number, name: string, host: string, service: boolean): void;
  /** Trace text, when the run is traced. */
  trace?(text: string, pid?: number): void;
  /** The same stream as trace(), as bytes the tracer writes its lines into in place (a trace file's shared tail). */
  traceTarget?: ByteTarget;
  /** Trivial calls' lines as binary records in traceTarget, formatted by whoever reads it (TextTraceOptions.defer). */
  traceDefer?: boolean;
  /** The --summary table when it cannot go into the trace (a JSONL trace): stderr's stream. */
  summary?(text: string): void;
  /** A line for socklab's stderr (a --net=real policy refusal, ...). */
  notice?(text: string): void;
  /** A --publish port is listening on the real loopback. */
  published?(realPort: number, host: string, port: number): void;
}

export class Session {
  readonly kernel: Kernel;
  private readonly stdins = new Map<number, StdinFile>();
  private modules: LoadedModule[] = [];
  private tracer: ReturnType<typeof createTextTracer> | undefined;
  private realnet: RealNetwork | undefined;
  private publishers: Publisher[] = [];
  /** One filesystem per virtual host, shared by the processes on it. */
  private readonly filesystems = new Map<string, Vfs>();
  /** One space for every host's files: the limit is the run's. */
  private readonly space: FsSpace;
  /** The fault injector's generator, forked when the session is made (as the seed's state is then). */
  private readonly injectRng: Rng | undefined;
  private attached = false;

  constructor(
    readonly spec: RunSpec,
    private readonly io: SessionIO,
    observer?: SyscallObserver,
  ) {
    this.space = new FsSpace(spec.maxFs ?? DEFAULT_FS_SPACE);
    this.kernel = new Kernel({
      seed: spec.seed,
      // Real peers run on the wall clock: virtual time cannot wait for them.
      realTime: spec.realTime || spec.net === 'real',
      syscalls: SYSCALLS,
      observer,
      limits: {
        maxMemory: spec.maxMemory, maxOutput: spec.maxOutput, maxTotalMemory: spec.maxTotalMemory ?? defaultTotalMemory(), ...(spec.maxFds ? { maxFds: spec.maxFds } : {}),
        ...(spec.maxProcesses ? { maxProcesses: spec.maxProcesses } : {}),
        ...(spec.fuel !== undefined ? { fuel: spec.fuel } : {}),
        ...(spec.maxVirtualMs !== undefined ? { maxVirtualNs: spec.maxVirtualMs * 1e6 } : {}),
      },
    });
    if (spec.inject?.length) this.injectRng = this.kernel.rng.fork('inject');
    if (spec.pcap) {
      const hosts = spec.pcap.hosts ?? spec.pcapOptions?.hosts;
      const format = spec.pcap.format ?? spec.pcapOptions?.format;
      this.kernel.slots.set(PCAP, { file: spec.pcap.file, ...(hosts ? { hosts } : {}), ...(format ? { format } : {}) });
    }
    // The virtual network is built on first use from this configuration (host/net/virtual/index.ts).
    this.kernel.slots.set(NETWORK_CONFIG, spec.network);
    if (spec.net === 'real') this.realnet = new RealNetwork(this.kernel, spec.policy ?? {}, (t) => io.notice?.(t));
    if (this.realnet) this.kernel.slots.set(REAL_NETWORK, this.realnet);
  }

  /**
   * Attaches the tracer (spec.trace) and the fault injector (spec.inject),
   * loading their modules only for a run that uses them. An observer given
   * to the constructor, or one or an interceptor set on the kernel before
   * this, stays. Run by load().
   */
  private async attach(): Promise<void> {
    if (this.attached) return;
    this.attached = true;
    const { spec, io } = this;
    if (spec.trace && io.trace && this.kernel.observer === undefined) {
      const t = spec.trace;
      // names.js only for --trace-only: a module less to load (about 1 ms) for every other traced run.
      const [{ createTextTracer }, classes] = await Promise.all([import('../trace/strace.js'), t.classes && import('../trace/names.js').then((m) => m.expandCallSet(t.classes!))]);
      this.tracer = createTextTracer((text, pid) => io.trace!(text, pid), {
        strSize: t.strSize, classes, format: t.format, summary: t.summary, summaryOnly: t.summaryOnly,
        onlyPids: t.pids, hosts: t.hosts, time: t.time, wall: t.wall, hex: t.hex, fds: t.fds, perProcess: t.perProcess && t.file !== undefined,
        failedOnly: t.failedOnly, successfulOnly: t.successfulOnly, library: t.library,
        ...(t.format === 'jsonl' && io.summary && !t.summaryOnly ? { summaryOut: (text: string) => io.summary!(text) } : {}),
        ...(io.traceTarget ? { target: io.traceTarget, defer: io.traceDefer === true } : {}),
      });
      this.kernel.observer = this.tracer;
    }
    if (spec.inject?.length && this.kernel.interceptor === undefined) {
      const { createInjector, parseInject } = await import('../trace/inject.js');
      this.kernel.interceptor = createInjector(spec.inject.map(parseInject), this.injectRng!);
    }
  }

  /** Loads (and Asyncify-transforms, or fetches from cache) every module. */
  async load(): Promise<void> {
    await this.attach();
    // execve's images, loaded as the run's own (a component cannot replace a core module's process: no component loader).
    this.kernel.loadImage = (bytes, name) => loadModule(bytes, name, ASYNC_IMPORTS, KNOWN_IMPORTS, { fuel: this.spec.fuel !== undefined });
    // A file named by many processes (a server and 10,000 clients) is read, checked and compiled once.
    const byPath = new Map<string, Promise<LoadedModule>>();
    this.modules = await Promise.all(
      this.spec.processes.map((ps) => {
        const opts = { fuel: this.spec.fuel !== undefined, component: loadComponentLazily };
        if (typeof ps.module !== 'string') return loadModule(ps.module, ps.name ?? 'guest.wasm', ASYNC_IMPORTS, KNOWN_IMPORTS, opts);
        const path = ps.module;
        let m = byPath.get(path);
        if (!m) byPath.set(path, (m = loadModuleFile(path, basename(path), ASYNC_IMPORTS, KNOWN_IMPORTS, opts)));
        return m;
      }),
    );
    // A rule a component's calls cannot carry (an errno WASI 0.2 has no error-code for) is refused before anything runs.
    const inj = (this.kernel.interceptor as { component?: import('../trace/inject.js').ComponentInjection } | undefined)?.component;
    const comps = this.modules.flatMap((m, i) => (m.component ? [this.spec.processes[i]!.name ?? m.name] : []));
    if (inj && comps.length) {
      const [{ componentRuleError }, { InjectError }] = await Promise.all([import('../component/inject.js'), import('../trace/inject.js')]);
      for (const r of inj.rules) {
        const why = comps.some((n) => !r.process || r.process.test(n)) ? componentRuleError(inj, r) : undefined;
        if (why) throw new InjectError(why);
      }
    }
  }

  async run(): Promise<RunResult> {
    await this.attach();
    if (this.modules.length !== this.spec.processes.length) await this.load();
    const k = this.kernel;
    this.spec.processes.forEach((ps, i) => {
      const start = (): void => {
        const mod = this.modules[i]!;
        const argv0 = ps.name ?? mod.name;
        const p = k.spawn(mod, {
          argv: [argv0, ...(ps.args ?? [])],
          env: ps.env ?? [],
          host: ps.host ?? 'host1',
          name: argv0,
          service: ps.service === true,
          setupFds: (proc) => {
            if (ps.raw === false) proc.capNetRaw = false;
            this.setupFds(proc, ps.stdin);
          },
        });
        this.io.spawned?.(p.pid, argv0, p.host, p.service);
      };
      if (ps.startMs && ps.startMs > 0) k.startLater(ps.startMs * 1e6, start, ps.service === true);
      else start();
    });
    for (const kill of this.spec.kills ?? []) {
      k.timers.add(kill.atMs * 1e6, () => {
        for (const p of k.processes) if (p.name === kill.name) p.kill(new Killed('SIGKILL', `killed by SIGKILL: the scenario's event at ${kill.atMs} ms`));
      });
    }
    const { Publisher } = this.spec.publish?.length ? await import('../net/publish.js') : { Publisher: undefined };
    for (const pub of this.spec.publish ?? []) {
      const p = new Publisher!(k, pub);
      this.publishers.push(p);
      const port = await p.start();
      this.io.published?.(port, pub.host, pub.port);
    }
    let result: RunResult;
    try {
      result = await k.run();
    } finally {
      for (const p of this.publishers) p.stop();
      await this.realnet?.shutdown();
    }
    this.tracer?.finish();
    k.slots.get(NETWORK)?.capture?.close();
    return result;
  }

  private setupFds(p: Process, stdin: RunSpec['processes'][number]['stdin']): void {
    const tty = this.spec.tty ?? false;
    const inherit = stdin === 'inherit';
    const data = typeof stdin === 'string' && !inherit ? new TextEncoder().encode(stdin) : stdin instanceof Uint8Array ? stdin : undefined;
    const sin = new StdinFile(this.kernel, data, inherit ? { demand: () => this.io.stdinDemand?.(p.pid) } : undefined, inherit && tty);
    this.stdins.set(p.pid, sin);
    p.fds.install(sin);
    p.fds.install(new OutputFile(p, (b) => this.io.output(p.pid, 1, b), tty, 'stdout'));
    p.fds.install(new OutputFile(p, (b) => this.io.output(p.pid, 2, b), tty, 'stderr'));
    installPreopen(p, this.vfsFor(p.host));
  }

  vfsFor(host: string): Vfs {
    let v = this.filesystems.get(host);
    if (!v) {
      const mounts = [...(this.spec.mounts ?? []), ...(this.spec.hostMounts?.[host] ?? [])];
      v = new Vfs(() => this.kernel.clock.wall(), mounts, this.space);
      // Files a process creates are its euid's and egid's (host/fs/owners.ts).
      v.creator = () => this.kernel.current?.creds ?? ROOT_CREDS;
      // Debian's /etc/hosts: localhost, and every virtual host's addresses (or the scenario's etc_hosts);
      // on --net=real, this machine's own, as its resolver has it.
      const mine = (this.spec.network as NetworkConfig | undefined)?.hosts?.find((h) => h.name === host)?.etcHosts;
      installEtcHosts(v, mine ?? (this.spec.net === 'real' ? machineEtcHosts() : undefined) ?? defaultEtcHosts(this.spec.net === 'real' ? [] : [...kernelNetwork(this.kernel).hosts.values()]));
      installEtcUsers(v);
      this.filesystems.set(host, v);
    }
    return v;
  }

  feedStdin(pid: number, bytes: Uint8Array): void {
    this.stdins.get(pid)?.feed(bytes);
  }
  endStdin(pid: number): void {
    this.stdins.get(pid)?.end();
  }
}
