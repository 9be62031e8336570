// run(): the public way to run guests. The kernel runs in a worker thread;
// this thread relays stdio, enforces the wall-clock timeout (terminating
// the worker stops even a guest stuck in a loop without syscalls), and
// collects each process's output and exit.
import type { Worker } from 'node:worker_threads';
import { takeWorker } from './spawn.js';
import { basename } from 'node:path';
import type { ExitInfo, MemorySummary } from '../kernel/process.js';
import { RUNNING, SHARED_BYTES, ACK, SEQ, type FromWorker, type ToWorker } from './protocol.js';
import { TraceSink, traceTailBuffer } from './trace-tail.js';
import type { RunSpec } from '../scenario/spec.js';
import { ModuleError } from '../loader/cache.js';

export interface RunOptions extends RunSpec {
  /**
   * 'capture' (default): output is collected into the outcome.
   * 'inherit': written to this process's stdout/stderr as it comes, prefixed
   * with "[name:pid] " when several processes run.
   * 'discard': dropped (benchmarks).
   */
  output?: 'capture' | 'inherit' | 'discard';
  /** Sees every chunk of guest output as it is produced. */
  onOutput?: (pid: number, fd: 1 | 2, bytes: Uint8Array) => void;
  /** Called when a --publish port is listening on the real loopback (with the port, if 0 was asked). */
  onPublished?: (realPort: number, host: string, port: number) => void;
  /**
   * Ctrl-C: when aborted, every guest gets SIGINT (a handler runs, the others are killed by it), and the run ends
   * as they do; guests still running 2 s later are stopped as --timeout stops them (status 130). The trace is kept.
   */
  stop?: AbortSignal;
}

export interface ProcessOutcome {
  pid: number;
  name: string;
  host: string;
  exit: ExitInfo;
  stdout: string;
  stderr: string;
  /** Declared a service (ProcessSpec.service). */
  service?: true;
  /**
   * A service still running once the other processes were done: socklab
   * stopped it (SIGTERM, then SIGKILL), as expected. Its exit shows the signal.
   */
  stillRunning?: true;
}

export interface RunOutcome {
  /** socklab's exit status: 0, a guest's status, 124 timeout, 125 deadlock, 123 only services left with nothing to serve. */
  status: number;
  processes: ProcessOutcome[];
  /** The first process's stdout/stderr (the common single-process case). */
  stdout: string;
  stderr: string;
  /** Set when the run ended in a deadlock: which process (not a service) waits in which call. */
  deadlock?: string;
  /** Set when only services were left, all waiting, before any other process ran (status 123): which waits in which call. */
  idle?: string;
  /** Set when a run-wide limit ended it, e.g. the wall-clock timeout. */
  limit?: string;
  /** Virtual (or real, with realTime) nanoseconds the run took; 0 when it was stopped from outside while a guest ran (its clock then unknown). */
  elapsedNs: number;
  /** CPU time the run took on the thread that ran the kernel and the guests (Linux), without this thread's share (writing output and trace files). */
  kernelCpuNs?: number;
  /** What crossed the virtual network: connections, segments, retransmissions, datagrams, duplicates, drops; broadcasts, multicasts (copies delivered to a host), groupDrops. */
  network?: Record<string, number>;
  /** What the processes held as each exited: linear memory (declared, at exit, pages with data), Asyncify regions, descriptor slots, socket bytes left unread; totals and the largest (docs/architecture.md). */
  memory?: MemorySummary;
  /** The syscall trace, when tracing without a file in capture mode. */
  trace?: string;
  /** socklab's own notices (--net=real policy refusals, ...), one line each; also on stderr in inherit mode. */
  notices?: string[];
}

/**
 * How long the worker has to kill its waiting guests at the wall-clock limit before it is stopped anyway. Every guest
 * waits then, so only scheduling delays the answer: 500 ms was too short on a loaded 2-core machine (the trace lost its
 * "<unfinished ...>" and "+++ killed by SIGKILL +++" lines; answers took up to 3 s at a load of 20); a worker that
 * truly hangs costs these 5 s once.
 */
const STOP_GRACE_MS = 5000;
/** How long guests have to end after Ctrl-C's SIGINT (their handlers' clean-up) before the run is stopped anyway. */
const INTERRUPT_GRACE_MS = 2000;
/** Capture mode keeps output in memory: cap it unless the caller chose a limit. */
const DEFAULT_CAPTURE_LIMIT = 64 << 20;

export { workerUrl, newWorker, prestartWorker } from './spawn.js';

export async function run(opts: RunOptions): Promise<RunOutcome> {
  const worker = takeWorker();
  return driveRun(worker, opts, () => {
    // A worker that cannot stop (a host handle that never closes) must not keep this process alive.
    worker.unref();
    return worker.terminate();
  });
}

/**
 * One run in `worker` (a fresh one, run() above, or a pooled one,
 * runner/pool.ts): sends the start, relays output and the wall-clock
 * timeout, and builds the outcome. `end` is called once, when the run is
 * over, with `reusable`: true when the worker reported 'done' (it is idle
 * and may take another run), false after a timeout, a failure, an exit or
 * the host's pipe closing, when the guest may still be running. Every listener put on the worker is
 * removed before `end`; what `end` returns (a worker's terminate()) is awaited before the trace lines a
 * stopped worker left in shared memory are written to the trace file. `hostStdin: false` (pooled runs): a process that
 * reads the host's stdin gets nothing, instead of this process's stdin.
 */
export async function driveRun(worker: Worker, opts: RunOptions, end: (reusable: boolean) => unknown, { hostStdin = true } = {}): Promise<RunOutcome> {
  const mode = opts.output ?? 'capture';
  const spec: RunSpec = { ...opts };
  delete (spec as RunOptions).output;
  delete (spec as RunOptions).onOutput;
  delete (spec as RunOptions).onPublished;
  delete (spec as RunOptions).stop;
  if (mode === 'capture' && spec.maxOutput === undefined) spec.maxOutput = DEFAULT_CAPTURE_LIMIT;
  const several = spec.processes.length > 1;

  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const acked = new BigInt64Array(shared, 0, 1);
  const i32 = new Int32Array(shared);
  const ack = (n: number): void => {
    Atomics.add(acked, ACK, BigInt(n));
    Atomics.add(i32, SEQ, 1);
    Atomics.notify(i32, SEQ);
  };

  const procs = new Map<number, { name: string; host: string; service: boolean; out: Buffer[]; err: Buffer[] }>();
  const traceTail = spec.trace?.file && !spec.trace.perProcess ? traceTailBuffer() : undefined;
  // This thread writes a trace to one file, from the chunks the worker hands over (runner/trace-tail.ts).
  let sink: TraceSink | undefined;
  try {
    if (traceTail) sink = await TraceSink.open({ ...spec.trace!, file: spec.trace!.file! }, traceTail);
  } catch (e) {
    end(false);
    throw e;
  }
  let stdinStarted = false;
  const traceChunks: string[] = [];
  /** Exits reported as they happened: a run stopped by the timeout still knows who had finished. */
  const exited = new Map<number, ExitInfo>();
  const notices: string[] = [];

  return new Promise<RunOutcome>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let interruptTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (o: RunOutcome | Error, reusable: boolean): void => {
      if (settled) return;
      settled = true;
      if (mode === 'inherit') hostPipeWatchers.delete(onHostPipe);
      opts.stop?.removeEventListener('abort', onStop);
      if (timer) clearTimeout(timer);
      if (interruptTimer) clearTimeout(interruptTimer);
      if (stdinStarted) process.stdin.pause();
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      const stopped = end(reusable);
      const settle = (): void => (o instanceof Error ? reject(o) : resolve(o));
      if (sink && !reusable) {
        // Stopped before it finished (--timeout): the chunks it had posted arrive before its exit; then what it still held in shared memory.
        const recover = (): void => {
          worker.off('message', onTraceChunk);
          try {
            sink!.recover();
          } finally {
            sink!.close();
          }
        };
        void Promise.resolve(stopped).then(recover, recover).then(settle, settle);
      } else {
        if (sink) {
          worker.off('message', onTraceChunk);
          sink.close();
        }
        settle();
      }
    };
    const outcome = (status: number, exits: Map<number, ExitInfo>, extra: Partial<RunOutcome>, elapsedNs: number, stopped?: ExitInfo): RunOutcome => {
      const processes = [...procs].map(([pid, p]): ProcessOutcome => {
        const exit = exits.get(pid) ?? exited.get(pid) ?? stopped ?? { status, signal: 'SIGKILL' as const, reason: extra.limit ?? 'killed' };
        return {
          pid,
          name: p.name,
          host: p.host,
          exit,
          stdout: Buffer.concat(p.out).toString('utf8'),
          stderr: Buffer.concat(p.err).toString('utf8'),
          ...(p.service ? { service: true as const } : {}),
          ...(exit.service === 'running' ? { stillRunning: true as const } : {}),
        };
      });
      const trace = traceChunks.length ? { trace: traceChunks.join('') } : {};
      return { status, processes, stdout: processes[0]?.stdout ?? '', stderr: processes[0]?.stderr ?? '', elapsedNs, ...trace, ...(notices.length ? { notices } : {}), ...extra };
    };

    // socklab's own stdout or stderr closed (`socklab run x.wasm | head`): the run stops quietly, as a
    // command killed by SIGPIPE ends (status 141), instead of dying of an unhandled EPIPE.
    const onHostPipe = (): void => finish(outcome(141, new Map(), {}, 0, { status: 141, signal: 'SIGPIPE' }), false);
    if (mode === 'inherit') watchHostPipes(onHostPipe);
    // Ctrl-C: SIGINT to every guest, as a terminal sends it to its foreground job. The run then ends as they do
    // (killed by it: 130; a handler that exits: its status), the trace showing the interrupted calls and the signal.
    // Guests still there after INTERRUPT_GRACE_MS (a handler that goes on, a spinning guest the worker cannot reach
    // before the next slice) are stopped as --timeout stops them.
    const stopNow = (): void => finish(outcome(130, new Map(), { limit: 'interrupted (SIGINT): the run was stopped' }, 0, { status: 130, signal: 'SIGINT' }), false);
    const onStop = (): void => {
      if (!ready) return stopNow();
      worker.postMessage({ t: 'interrupt' } satisfies ToWorker);
      interruptTimer = setTimeout(stopNow, INTERRUPT_GRACE_MS);
    };
    opts.stop?.addEventListener('abort', onStop, { once: true });

    // The wall clock starts when the guests do, or (timeoutCoversLoading) now: loading and a cold transform count too.
    let ready = false;
    /** The wall-clock limit's text once the worker was asked to stop every guest (a 'stop' posted). */
    let stopping: string | undefined;
    const startTimer = (): void => {
      if (opts.timeoutMs === undefined) return;
      timer = setTimeout(() => {
        const pid = Atomics.load(i32, RUNNING);
        const who = procs.get(pid);
        const names = [...new Set(spec.processes.map((p) => (typeof p.module === 'string' ? basename(p.module) : p.name ?? 'guest.wasm')))].join(', ');
        const doing = !ready ? `; socklab was still preparing ${names} (checking and transforming it${spec.fuel !== undefined ? ' for --fuel' : ''})` : who ? `; ${who.name} (pid ${pid}) was running` : '';
        const limit = `time limit exceeded: the run took longer than ${opts.timeoutMs! / 1000} s of wall-clock time${doing}`;
        const stop = (): void => finish(outcome(124, new Map(), { limit }, 0), false);
        if (!ready || pid !== 0) {
          // A guest is running, maybe spinning where nothing can interrupt it: this worker is stopped, never reused.
          stop();
          return;
        }
        // Every guest waits (for a real peer, stdin, a timer): the worker kills them itself, so the trace ends as
        // strace's would (the calls they were in, "+++ killed by SIGKILL +++"); its 'done' ends the run. Should
        // it not answer soon, it is stopped as above.
        stopping = limit;
        worker.postMessage({ t: 'stop', reason: limit } satisfies ToWorker);
        timer = setTimeout(stop, STOP_GRACE_MS);
      }, opts.timeoutMs);
    };
    if (opts.timeoutCoversLoading) startTimer();

    const onMessage = (m: FromWorker): void => {
      switch (m.t) {
        case 'ready':
          ready = true;
          if (!opts.timeoutCoversLoading) startTimer();
          break;
        case 'spawn':
          procs.set(m.pid, { name: m.name, host: m.host, service: m.service === true, out: [], err: [] });
          break;
        case 'exit':
          exited.set(m.pid, m.exit);
          break;
        case 'out': {
          const b = Buffer.from(m.b.buffer, m.b.byteOffset, m.b.length);
          opts.onOutput?.(m.pid, m.fd, b);
          const p = procs.get(m.pid);
          if (mode !== 'inherit') {
            if (mode === 'capture') (m.fd === 1 ? p?.out : p?.err)?.push(b);
            ack(b.length);
          } else {
            const stream = m.fd === 1 ? process.stdout : process.stderr;
            const chunk = several && p ? prefixLines(`[${p.name}:${m.pid}] `, b, p, m.fd) : b;
            stream.write(chunk, () => ack(b.length));
          }
          break;
        }
        case 'trace':
          if (mode === 'inherit') process.stderr.write(m.text, () => ack(m.text.length));
          else {
            traceChunks.push(m.text);
            ack(m.text.length);
          }
          break;
        case 'notice':
          notices.push(m.text);
          if (mode === 'inherit') process.stderr.write(`${m.text}\n`);
          break;
        case 'published':
          if (mode === 'inherit') process.stderr.write(`socklab: published ${m.host}:${m.port} on 127.0.0.1:${m.realPort}\n`);
          opts.onPublished?.(m.realPort, m.host, m.port);
          break;
        case 'want':
          if (!hostStdin) break;
          if (!stdinStarted) {
            stdinStarted = true;
            process.stdin.on('data', (d: Buffer) => worker.postMessage({ t: 'in', pid: m.pid, b: new Uint8Array(d) } satisfies ToWorker));
            process.stdin.on('end', () => worker.postMessage({ t: 'eof', pid: m.pid } satisfies ToWorker));
          }
          process.stdin.resume();
          break;
        case 'done': {
          const exits = new Map(m.result.processes.map((p) => [p.pid, p.exit]));
          if (stopping !== undefined) {
            finish(outcome(124, exits, { limit: stopping, ...(m.threadCpuNs !== undefined ? { kernelCpuNs: m.threadCpuNs } : {}) }, m.result.elapsedNs), true);
            break;
          }
          finish(outcome(m.result.status, exits, { ...(m.result.deadlock ? { deadlock: m.result.deadlock } : {}), ...(m.result.idle ? { idle: m.result.idle } : {}), ...(m.result.limit ? { limit: m.result.limit } : {}), ...(m.result.network ? { network: m.result.network } : {}), ...(m.result.memory ? { memory: m.result.memory } : {}), ...(m.threadCpuNs !== undefined ? { kernelCpuNs: m.threadCpuNs } : {}) }, m.result.elapsedNs), true);
          break;
        }
        case 'fail':
          // The same class as in the worker; InjectError's module loads only when a run fails so.
          if (m.kind === 'inject') void import('../trace/inject.js').then(({ InjectError }) => finish(new InjectError(m.message), false), (e: unknown) => finish(e as Error, false));
          else finish(m.kind === 'module' ? new ModuleError(m.message) : new Error(m.message), false);
          break;
      }
    };
    // Kept until the worker is gone: a stopped worker's last chunks are delivered before its exit.
    const onTraceChunk = (m: FromWorker): void => {
      if (m.t !== 'tracebuf') return;
      sink!.chunk(m.slot, m.length);
    };
    if (sink) worker.on('message', onTraceChunk);
    const onError = (e: unknown): void => finish(e instanceof Error ? e : new Error(String(e)), false);
    const onExit = (code: number): void => finish(new Error(`socklab worker exited unexpectedly (code ${code})`), false);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    // Its 'exit' already came (threadId is -1 from then on), before these listeners: a pooled worker that
    // ended while the trace file opened. It will not come again, and a message to it goes nowhere.
    if (worker.threadId === -1) return finish(new Error('socklab worker exited before the run started'), false);
    worker.postMessage({ t: 'start', spec, shared, ...(traceTail ? { traceTail } : {}) } satisfies ToWorker);
  });
}

/** Runs in inherit mode, told when the host's stdout or stderr is closed (EPIPE). */
const hostPipeWatchers = new Set<() => void>();
let hostPipesWatched = false;
function watchHostPipes(w: () => void): void {
  hostPipeWatchers.add(w);
  if (hostPipesWatched) return;
  hostPipesWatched = true;
  // One listener for the life of the process: writes still queued when a run ended may fail later too.
  const onError = (e: NodeJS.ErrnoException): void => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    for (const x of [...hostPipeWatchers]) x();
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}

const lineStarts = new WeakMap<object, boolean[]>();
/** Prefixes each line with the process's label; remembers whether the last chunk ended mid-line. */
function prefixLines(prefix: string, b: Buffer, key: object, fd: 1 | 2): Buffer {
  const state = lineStarts.get(key) ?? [true, true, true];
  lineStarts.set(key, state);
  const s = b.toString('utf8');
  let out = '';
  for (const part of s.split(/(?<=\n)/)) {
    if (state[fd]) out += prefix;
    out += part;
    state[fd] = part.endsWith('\n');
  }
  return Buffer.from(out);
}
