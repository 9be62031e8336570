// Worker entry: runs a Session and streams its output to the host thread.
// Living in a worker is what lets the host stop a guest that never yields
// (an infinite loop) with worker.terminate(), without hanging itself.
//
// A worker may run many sessions, one after another (host/runner/pool.ts:
// grading reuses its workers across tests and submissions). Every 'start'
// begins from the state a fresh worker has: this file's stream and trace
// state, and the numbering the kernel, network and filesystem hand out
// (inodes, IP ids), are reset, so nothing of one run is visible to the next.
// Kept on purpose: compiled modules, cached by their content's hash
// (loader/module.ts), and the code itself.
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { Session } from './session.js';
import { ModuleError } from '../loader/module.js';
import { resetRunIds } from '../kernel/ids.js';
import { InjectError } from '../trace/inject.js';
import { ACK, OUTPUT_WINDOW, RUNNING, SEQ, type FailKind, type FromWorker, type ToWorker } from './protocol.js';
import { TraceTail } from './trace-tail.js';
import { Killed } from '../kernel/signals.js';

const port = parentPort!;
let session: Session | undefined;
let acked: BigInt64Array;
let i32: Int32Array;
let posted = 0n;

function post(m: FromWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(m, transfer);
}

/** Blocks the kernel (not the host) while too much output is unacknowledged: a flood slows down, it cannot exhaust memory. */
function throttle(): void {
  for (;;) {
    const seq = Atomics.load(i32, SEQ);
    if (posted - Atomics.load(acked, ACK) <= BigInt(OUTPUT_WINDOW)) return;
    Atomics.wait(i32, SEQ, seq, 200);
  }
}

/**
 * Called once, when the first run is over, before its 'done' is posted:
 * the bundled worker's loader (scripts/load-cached.cjs) stores V8's code
 * cache then, when it found none, so that the cache holds what a run compiles.
 */
let firstDone: (() => void) | undefined;
export function beforeFirstDone(f: () => void): void {
  firstDone = f;
}

/** True from a 'start' until its 'done' or 'fail' is posted. */
let busy = false;

port.on('message', onMessage);
// A run's 'start', posted while this thread was still starting (the command line starts it before it parses its
// options), is waiting in the port: taken at once, right after this module and the file that loaded it are done
// (a microtask), rather than when the port's first 'message' event comes (1-8 ms later). Later messages still come
// as events, after it, in order.
queueMicrotask(() => {
  const first = receiveMessageOnPort(port);
  if (first) onMessage(first.message as ToWorker);
});

function onMessage(m: ToWorker): void {
  if (m.t === 'start') {
    if (busy) {
      post({ t: 'fail', message: 'socklab worker: a run was started while another was under way' });
      return;
    }
    busy = true;
    reset(m.shared);
    start(m)
      .catch((e: unknown) => {
        closeTraces();
        const kind: FailKind | undefined = e instanceof ModuleError ? 'module' : e instanceof InjectError ? 'inject' : undefined;
        post({ t: 'fail', message: e instanceof Error ? e.message : String(e), ...(kind ? { kind } : {}) });
      })
      .finally(() => {
        session = undefined;
        busy = false;
      });
  } else if (m.t === 'in') session?.feedStdin(m.pid, m.b);
  else if (m.t === 'eof') session?.endStdin(m.pid);
  else if (m.t === 'stop') session?.kernel.killAll(new Killed('SIGKILL', m.reason, 124));
  else if (m.t === 'interrupt') session?.kernel.interrupt();
}

/** Output waiting to be posted: consecutive chunks of one stream are merged, so a guest writing byte by byte costs one message per batch. */
let pending: { pid: number; fd: 1 | 2; parts: Uint8Array[]; size: number }[] = [];
let pendingBytes = 0;
const BATCH = 64 << 10;

function queueOutput(pid: number, fd: 1 | 2, b: Uint8Array): void {
  const last = pending[pending.length - 1];
  if (last && last.pid === pid && last.fd === fd) {
    last.parts.push(b);
    last.size += b.length;
  } else pending.push({ pid, fd, parts: [b], size: b.length });
  pendingBytes += b.length;
  // Occasional writes go out at once (so nothing is lost if the guest then
  // spins until the timeout); a burst of small writes is batched. process.hrtime, not performance.now():
  // a worker builds its `performance` (node:perf_hooks) on first use, ~1 ms before a run's first output.
  const now = Number(process.hrtime.bigint()) / 1e6;
  if (now - windowStart > EAGER_WINDOW_MS) {
    windowStart = now;
    windowWrites = 0;
  }
  if (pendingBytes >= BATCH || ++windowWrites <= EAGER_WRITES) flush();
}
let windowStart = 0;
let windowWrites = 0;

/** Everything a run leaves behind, back to what a fresh worker has. */
function reset(shared: SharedArrayBuffer): void {
  session = undefined;
  acked = new BigInt64Array(shared, 0, 1);
  i32 = new Int32Array(shared);
  posted = 0n;
  pending = [];
  pendingBytes = 0;
  windowStart = 0;
  windowWrites = 0;
  traceFd = undefined;
  tail = undefined;
  traceBase = undefined;
  traceFds.clear();
  traceBuf = [];
  traceLen = 0;
  resetRunIds();
}

/** Closes the run's trace files (once). */
function closeTraces(): void {
  if (traceFd !== undefined) closeSync(traceFd);
  for (const fd of traceFds.values()) closeSync(fd);
  traceFd = undefined;
  traceFds.clear();
}
const EAGER_WRITES = 32;
const EAGER_WINDOW_MS = 10;

function flush(): void {
  if (!pending.length) return;
  const batch = pending;
  pending = [];
  pendingBytes = 0;
  for (const c of batch) {
    const b = c.parts.length === 1 ? c.parts[0]! : Buffer.concat(c.parts);
    posted += BigInt(b.length);
    const copy = b.byteOffset === 0 && b.buffer.byteLength === b.length ? b : b.slice();
    post({ t: 'out', pid: c.pid, fd: c.fd, b: copy }, [copy.buffer as ArrayBuffer]);
  }
  throttle();
}

/** Trace text: written straight to its file, or batched to the host thread. */
let traceFd: number | undefined;
/** A trace to one file goes out in large writes, through shared memory the host thread can save if it stops this worker. */
let tail: TraceTail | undefined;
/** strace -ff: one file per process, opened on its first line. */
let traceBase: string | undefined;
const traceFds = new Map<number, number>();
let traceBuf: string[] = [];
let traceLen = 0;
function traceOut(text: string, pid?: number): void {
  if (traceBase !== undefined) {
    const key = pid ?? 0;
    let fd = traceFds.get(key);
    if (fd === undefined) traceFds.set(key, (fd = openSync(pid === undefined ? traceBase : `${traceBase}.${pid}`, 'w')));
    writeSync(fd, text);
    return;
  }
  if (tail !== undefined) {
    tail.write(text);
    return;
  }
  if (traceFd !== undefined) {
    writeSync(traceFd, text);
    return;
  }
  traceBuf.push(text);
  traceLen += text.length;
  if (traceLen >= BATCH) flushTrace();
}
function flushTrace(): void {
  tail?.flush();
  if (!traceBuf.length) return;
  post({ t: 'trace', text: traceBuf.join('') });
  // The trace to stderr shares the output's window: a terminal or pipe that reads slowly stalls the
  // guests instead of growing the host thread's write queue (10 million calls: gigabytes).
  posted += BigInt(traceLen);
  traceBuf = [];
  traceLen = 0;
  throttle();
}

/** This thread's CPU time in ns, where Linux tells it (schedstat's first field), else undefined. */
function threadCpuNs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]);
  } catch {
    return undefined;
  }
}

async function start(m: Extract<ToWorker, { t: 'start' }>): Promise<void> {
  const cpu0 = threadCpuNs();
  if (m.spec.trace?.file && m.spec.trace.perProcess) traceBase = m.spec.trace.file;
  else if (m.traceTail) {
    // The host thread writes the file (runner/trace-tail.ts), from the slots this worker hands over.
    tail = new TraceTail(m.traceTail, (slot, length) => post({ t: 'tracebuf', slot, length }));
  } else if (m.spec.trace?.file) traceFd = openSync(m.spec.trace.file, 'w');
  session = new Session(m.spec, {
    trace: traceOut,
    ...(tail ? { traceTarget: tail, traceDefer: true } : {}),
    // strace -c's table beside a JSONL trace: socklab's stderr (capturing: the outcome's notices), never the JSONL stream.
    summary: (text) => post({ t: 'notice', text: text.replace(/\n$/, '') }),
    output: queueOutput,
    stdinDemand: (pid) => {
      flush();
      post({ t: 'want', pid });
    },
    spawned: (pid, name, host, service) => post({ t: 'spawn', pid, name, host, ...(service ? { service } : {}) }),
    notice: (text) => post({ t: 'notice', text }),
    published: (realPort, host, p) => post({ t: 'published', realPort, host, port: p }),
  });
  await session.load();
  post({ t: 'ready' });
  const k = session.kernel;
  k.onSlice = (p) => Atomics.store(i32, RUNNING, p.pid);
  // Only the processes socklab started are in the outcome (a forked child's status is its parent's business, through wait).
  k.onProcessExit = (p) => {
    if (!p.forked) post({ t: 'exit', pid: p.pid, exit: p.exit! });
  };
  k.onIdle = () => {
    // Waiting on the host's event loop: no guest is running (a timeout now names none).
    Atomics.store(i32, RUNNING, 0);
    flush();
    flushTrace();
  };
  try {
    const result = await session.run();
    flush();
    flushTrace();
    closeTraces();
    const f = firstDone;
    firstDone = undefined;
    f?.();
    const cpu1 = threadCpuNs();
    post({ t: 'done', result, ...(cpu0 !== undefined && cpu1 !== undefined ? { threadCpuNs: cpu1 - cpu0 } : {}) });
  } catch (e) {
    flush();
    flushTrace();
    throw e;
  }
}
