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
// at either limit.
import { spawn, fork, type ChildProcess } from 'node:child_process';
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

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Runs a native compiler command under the limits; stderr is kept (bounded). */
export function runNative(cmd: string, args: readonly string[], l: CompileLimits, opts: { cwd?: string; stdout?: boolean; maxBytes?: number } = {}): Promise<LimitedResult & { stdout: string }> {
  const [file, argv] = limitedArgv(cmd, args, l);
  const max = opts.maxBytes ?? 16 << 20;
  return new Promise((resolveRun, reject) => {
    // Its own process group, so the kill reaches the driver's children too.
    const child = spawn(file, argv, { cwd: opts.cwd, detached: true, stdio: ['ignore', opts.stdout ? 'pipe' : 'ignore', 'pipe'] });
    let stderr = '';
    let stdout = '';
    let over = false;
    let stop: LimitStop | undefined;
    const take = (s: 'out' | 'err') => (b: Buffer): void => {
      const text = b.toString('latin1');
      if (s === 'err') stderr = stderr.length < max ? stderr + text : stderr;
      else if (stdout.length + text.length > max) {
        over = true;
        killGroup(child);
      } else stdout += text;
    };
    child.stderr!.on('data', take('err'));
    child.stdout?.on('data', take('out'));
    const timer = setTimeout(() => {
      stop = { kind: 'time', message: timeMessage(l) };
      killGroup(child);
    }, l.seconds * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      if (!stop && signal === 'SIGXCPU') stop = { kind: 'time', message: timeMessage(l) };
      if (!stop && status !== 0 && OUT_OF_MEMORY.test(stderr)) stop = { kind: 'memory', message: memoryMessage(l) };
      if (!stop && over) stop = { kind: 'memory', message: `compile wrote more than ${max >> 20} MiB` };
      resolveRun({ status, signal, stderr, stdout, ...(stop ? { stop } : {}) });
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

/** Runs one @yowasp/clang command (clang, wasm-ld, ar) in a child process under the limits. */
export function runYowasp(command: string, args: string[], tree: Tree, l: CompileLimits): Promise<YowaspRun> {
  return runChild('yowasp-child.js', { command, args, tree }, l);
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
