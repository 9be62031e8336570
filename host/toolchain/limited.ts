// Compiling untrusted sources (a grader's submissions) under a wall-time and
// a memory limit: a macro bomb, an #include recursion or a giant initialised
// array makes clang run for minutes or take gigabytes. A native compiler runs
// in its own process group under an address-space limit (prlimit, else the
// shell's ulimit -v) and the whole group is killed at the time limit (clang's
// driver starts wasm-ld and may start cc1 as children). @yowasp/clang is
// WebAssembly, asc JavaScript: each runs in a child Node process
// (yowasp-child.ts, asc-child.ts) whose
// resident memory is watched (an address-space limit cannot work there: V8
// reserves guard regions of many GiB for each wasm memory) and which is killed
// at either limit. asc's child does one build; @yowasp/clang's is kept for the
// next job of its thread (loading LLVM is most of a small compile's cost).
import { fork, type ChildProcess } from 'node:child_process';
import { spawnLight } from './spawner.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CompileLimits {
  /** Wall-clock seconds for one compiler run. */
  seconds: number;
  /** Memory of the compiler, MiB: address space (native) or resident set (@yowasp/clang). */
  memoryMb: number;
}

/** Why a run was stopped, as the feedback says it: "compile exceeded 20 s". */
export type LimitStop = { kind: 'time' | 'memory'; message: string };

export const timeMessage = (l: CompileLimits): string => `compile exceeded ${l.seconds} s`;
export const memoryMessage = (l: CompileLimits): string => `compile exceeded ${l.memoryMb} MiB of memory`;

/** What clang says when an allocation fails under the address-space limit. */
const OUT_OF_MEMORY = /LLVM ERROR: out of memory|Allocation failed|std::bad_alloc|Cannot allocate memory|Out of memory/;

export interface LimitedResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stop?: LimitStop;
}

const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p));
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/**
 * A CPU-time limit as a backstop for the wall-time one: should whoever started the compiler go away (a
 * grading thread terminated at its submission's budget) before its timer fires, the kernel still ends it.
 * Looser than the timer, so a run that has its timer is stopped by that.
 */
const cpuSeconds = (l: CompileLimits): number => Math.ceil(l.seconds * 2) + 5;

/** The command line that runs `cmd` under the memory limit (and the CPU backstop). */
function limitedArgv(cmd: string, args: readonly string[], l: CompileLimits): [string, string[]] {
  if (PRLIMIT) return [PRLIMIT, [`--as=${l.memoryMb * 1024 * 1024}`, `--cpu=${cpuSeconds(l)}`, '--', cmd, ...args]];
  return ['/bin/sh', ['-c', `ulimit -v ${l.memoryMb * 1024} && ulimit -t ${cpuSeconds(l)} && exec "$0" "$@"`, cmd, ...args]];
}

/** Runs a native compiler command under the limits; stderr is kept (bounded). Started by the spawn helper (spawner.ts): a fork of this process is costly. */
export function runNative(cmd: string, args: readonly string[], l: CompileLimits, opts: { cwd?: string; stdout?: boolean; maxBytes?: number } = {}): Promise<LimitedResult & { stdout: string }> {
  const [file, argv] = limitedArgv(cmd, args, l);
  const max = opts.maxBytes ?? 16 << 20;
  return new Promise((resolveRun, reject) => {
    // Its own process group, so the kill reaches the driver's children too.
    const child = spawnLight(file, argv, { ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}), detached: true, stdout: opts.stdout ?? false, stderr: true });
    let stderr = '';
    let stdout = '';
    let over = false;
    let stop: LimitStop | undefined;
    const take = (s: 'out' | 'err') => (b: Buffer): void => {
      const text = b.toString('latin1');
      if (s === 'err') stderr = stderr.length < max ? stderr + text : stderr;
      else if (stdout.length + text.length > max) {
        over = true;
        child.kill();
      } else stdout += text;
    };
    child.on('err', take('err'));
    child.on('out', take('out'));
    const timer = setTimeout(() => {
      stop = { kind: 'time', message: timeMessage(l) };
      child.kill();
    }, l.seconds * 1000);
    child.closed.then(({ status, signal }) => {
      clearTimeout(timer);
      if (!stop && signal === 'SIGXCPU') stop = { kind: 'time', message: timeMessage(l) };
      if (!stop && status !== 0 && OUT_OF_MEMORY.test(stderr)) stop = { kind: 'memory', message: memoryMessage(l) };
      if (!stop && over) stop = { kind: 'memory', message: `compile wrote more than ${max >> 20} MiB` };
      resolveRun({ status, signal, stderr, stdout, ...(stop ? { stop } : {}) });
    }, (e: unknown) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Resident memory of a process, bytes (Linux: /proc; elsewhere undefined, and only the time limit holds). */
function rssBytes(pid: number): number | undefined {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return pages * 4096;
  } catch {
    return undefined;
  }
}

type Tree = { [name: string]: Tree | string | Uint8Array };

export interface YowaspRun {
  /** The files after the run (on success, or a compiler error: then `code` is set). */
  files?: Tree;
  code?: number;
  stdout: string;
  stderr: string;
  stop?: LimitStop;
  /** A failure of the runner itself (not of the compile). */
  error?: string;
}

/** A child's script: beside this module, or (this module bundled into dist/bundle/) in dist/host/toolchain. */
function childScript(name = 'yowasp-child.js'): string {
  for (const rel of [`./${name}`, `../host/toolchain/${name}`]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error(`cannot find ${name} beside the toolchain modules`);
}

/** A job for yowasp-child.js. */
export interface YowaspJob {
  command: string;
  args: string[];
  tree: Tree;
  /** The job's CPU backstop, seconds from its start; prlimit, when there is one, moves the child's soft limit. */
  cpuSeconds: number;
  prlimit?: string;
}

/** What yowasp-child.js says: a job started (its limits run from here), and a job's answer with the child's resident set after it. */
export type FromYowaspChild = { t: 'start' } | { t: 'done'; run: YowaspRun; rss: number };

/** How often a lane's idle child hears from it (yowasp-child.ts exits after 20 s of silence: its lane is gone). */
const PING_MS = 2000;

/**
 * One @yowasp/clang child kept across compiles, so that LLVM is loaded once per grading lane (a worker
 * thread: this module's state is per thread), not once per compile. Jobs run one at a time; any kill (a
 * limit) or death retires it, and the next job starts a fresh one.
 */
class YowaspChild {
  readonly proc: ChildProcess;
  dead = false;
  private errText = '';
  private readonly ping: NodeJS.Timeout;
  /** The answer of the job in flight. */
  private waiter?: { onStart: () => void; onDone: (m: { run: YowaspRun; rss: number }) => void; onExit: (code: number | null, signal: NodeJS.Signals | null, stderr: string) => void };

  constructor(readonly memoryMb: number, cpuSeconds: number) {
    // The JS heap is bounded too (the file trees live there); the wasm memory is what the RSS watch sees.
    // LLVM's 75 MB of WebAssembly compiled as its functions are first called (a small compile calls few of
    // them), not all at load.
    const node = [`--max-old-space-size=${Math.max(64, memoryMb)}`, '--expose-gc', '--wasm-lazy-compilation', '--wasm-lazy-validation'];
    // Node under prlimit's CPU backstop (the IPC channel's fd passes through the execs): a soft limit the child
    // moves forward at each job's start, so the backstop holds per job.
    const argv = [...(PRLIMIT ? [PRLIMIT, `--cpu=${cpuSeconds}:unlimited`, '--'] : []), process.execPath, ...node];
    // Killed by the kernel when the thread that started it ends (a lane terminated at a submission's budget,
    // or the grader's exit), even mid-compile: its parent-death signal is the starting thread's.
    if (SETPRIV) argv.unshift(SETPRIV, '--pdeathsig', 'KILL', '--');
    const exec = { execPath: argv[0]!, execArgv: argv.slice(1) };
    this.proc = fork(childScript('yowasp-child.js'), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], ...exec });
    this.proc.stderr!.on('data', (b: Buffer) => { if (this.errText.length < 65536) this.errText += b.toString(); });
    this.proc.on('message', (m: FromYowaspChild) => {
      if (m.t === 'start') this.waiter?.onStart();
      else this.waiter?.onDone(m);
    });
    // A child that could not start reports only 'error': the job in flight ends with it.
    this.proc.on('error', (e) => {
      if (this.proc.pid !== undefined && this.proc.exitCode === null && this.proc.signalCode === null) return this.retire();
      this.errText += e.message;
      this.proc.emit('exit', null, null);
    });
    this.proc.on('exit', (code, signal) => {
      if (this.dead) return;
      this.dead = true;
      clearInterval(this.ping);
      if (pooled === this) pooled = undefined;
      this.waiter?.onExit(code, signal, this.errText);
      this.waiter = undefined;
    });
    this.ping = setInterval(() => { if (!this.dead && !this.waiter) this.proc.send({ t: 'ping' }, () => {}); }, PING_MS);
    this.ping.unref();
    this.idle();
  }

  /** An idle child keeps no one waiting: a grader (or a build) exits past it, and the child then sees its channel close. */
  private idle(): void {
    this.proc.unref();
    (this.proc.channel as { unref?: () => void } | undefined)?.unref?.();
    (this.proc.stderr as { unref?: () => void } | null)?.unref?.();
  }

  private busy(): void {
    this.proc.ref();
    (this.proc.channel as { ref?: () => void } | undefined)?.ref?.();
    (this.proc.stderr as { ref?: () => void } | null)?.ref?.();
  }

  retire(): void {
    if (pooled === this) pooled = undefined;
    if (!this.dead) this.proc.kill('SIGKILL');
  }

  run(command: string, args: string[], tree: Tree, l: CompileLimits): Promise<YowaspRun> {
    return new Promise((resolveRun) => {
      let stop: LimitStop | undefined;
      let timer: NodeJS.Timeout | undefined;
      const end = (s: LimitStop): void => {
        stop ??= s;
        this.retire();
      };
      // Memory is watched from the job's send (the load counts: a child whose LLVM alone exceeds the limit
      // cannot compile under it); the wall time from the child's start of the job (not LLVM's load).
      const watch = setInterval(() => {
        const rss = rssBytes(this.proc.pid!);
        if (rss !== undefined && rss > l.memoryMb * 1024 * 1024) end({ kind: 'memory', message: memoryMessage(l) });
      }, 50);
      const settle = (r: YowaspRun): void => {
        clearTimeout(timer);
        clearInterval(watch);
        this.waiter = undefined;
        if (!this.dead) this.idle();
        resolveRun(r);
      };
      this.waiter = {
        onStart: () => void (timer = setTimeout(() => end({ kind: 'time', message: timeMessage(l) }), l.seconds * 1000)),
        onDone: ({ run, rss }) => {
          // A child that kept much of a job's memory would count it against the next submission's limit.
          if (rss > (l.memoryMb * 1024 * 1024) / 2) this.retire();
          settle(run);
        },
        onExit: (code, signal, childErr) => {
          if (!stop && signal === 'SIGXCPU') stop = { kind: 'time', message: timeMessage(l) };
          if (stop) settle({ stdout: '', stderr: '', stop });
          // The heap limit ends the child with an abort: that too is the memory limit.
          else if (/heap out of memory|Allocation failed/.test(childErr)) settle({ stdout: '', stderr: '', stop: { kind: 'memory', message: memoryMessage(l) } });
          else settle({ stdout: '', stderr: '', error: `the compiler's process ended (${signal ?? `exit ${code}`}): ${childErr.trim().split('\n').slice(-3).join(' ')}` });
        },
      };
      this.busy();
      this.proc.send({ command, args, tree, cpuSeconds: cpuSeconds(l), ...(PRLIMIT ? { prlimit: PRLIMIT } : {}) } satisfies YowaspJob, (e) => {
        if (e && !this.dead) this.retire();
      });
    });
  }
}

/** This thread's child, while it lives. */
let pooled: YowaspChild | undefined;
/** Jobs of this thread, one at a time. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs one @yowasp/clang command (clang, wasm-ld, ar) in this thread's compiler child under the limits;
 * `pid` says which child ran it.
 */
export function runYowasp(command: string, args: string[], tree: Tree, l: CompileLimits): Promise<YowaspRun & { pid?: number }> {
  const job = queue.then(async () => {
    // The JS heap's bound is the child's from its start: other limits need another child.
    if (pooled && (pooled.dead || pooled.memoryMb !== l.memoryMb)) pooled.retire();
    const child = (pooled ??= new YowaspChild(l.memoryMb, cpuSeconds(l)));
    return { ...(await child.run(command, args, tree, l)), pid: child.proc.pid };
  });
  queue = job.catch(() => {});
  return job;
}

/** Ends this thread's compiler child (the next runYowasp starts another). */
export function closeYowasp(): void {
  pooled?.retire();
}

/** The answer of asc-child.js: asc's diagnostics, and whether it failed. */
export interface AscRun {
  ok?: boolean;
  diagnostics?: string;
  stop?: LimitStop;
  error?: string;
}

/** Runs buildAs (asc.ts) in a child process under the limits (asc is JavaScript: the child's whole memory is asc's). */
export function runAsc(opts: { source: string; out: string; visible?: string[] }, l: CompileLimits): Promise<AscRun> {
  return runChild('asc-child.js', opts, l) as Promise<AscRun>;
}

function runChild(script: string, message: object, l: CompileLimits): Promise<YowaspRun> {
  return new Promise((resolveRun) => {
    // The JS heap is bounded too (the file tree lives there); the wasm memory is what the RSS watch sees.
    const heap = `--max-old-space-size=${Math.max(64, l.memoryMb)}`;
    // Node under prlimit's CPU backstop (the IPC channel's fd passes through its exec).
    const exec = PRLIMIT ? { execPath: PRLIMIT, execArgv: [`--cpu=${cpuSeconds(l)}`, '--', process.execPath, heap] } : { execArgv: [heap] };
    const child = fork(childScript(script), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], ...exec });
    let stop: LimitStop | undefined;
    let result: YowaspRun | undefined;
    let childErr = '';
    child.stderr!.on('data', (b: Buffer) => { if (childErr.length < 65536) childErr += b.toString(); });
    const end = (s: LimitStop): void => {
      stop ??= s;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => end({ kind: 'time', message: timeMessage(l) }), l.seconds * 1000);
    const watch = setInterval(() => {
      const rss = rssBytes(child.pid!);
      if (rss !== undefined && rss > l.memoryMb * 1024 * 1024) end({ kind: 'memory', message: memoryMessage(l) });
    }, 50);
    child.on('message', (m: YowaspRun) => void (result = m));
    child.on('error', (e) => void (result ??= { stdout: '', stderr: '', error: e.message }));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      if (!stop && signal === 'SIGXCPU') stop = { kind: 'time', message: timeMessage(l) };
      if (stop) resolveRun({ stdout: result?.stdout ?? '', stderr: result?.stderr ?? '', stop });
      else if (result) resolveRun(result);
      // The heap limit ends the child with an abort: that too is the memory limit.
      else if (/heap out of memory|Allocation failed/.test(childErr)) resolveRun({ stdout: '', stderr: '', stop: { kind: 'memory', message: memoryMessage(l) } });
      else resolveRun({ stdout: '', stderr: '', error: `the compiler's process ended (${signal ?? `exit ${code}`}): ${childErr.trim().split('\n').slice(-3).join(' ')}` });
    });
    child.send(message);
  });
}
