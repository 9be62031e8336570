// Worker entry: runs one Session and streams its output to the host thread.
// Living in a worker is what lets the host stop a guest that never yields
// (an infinite loop) with worker.terminate(), without hanging itself.
import { parentPort } from 'node:worker_threads';
import { Session } from './session.js';
import { ACK, OUTPUT_WINDOW, RUNNING, SEQ, type FromWorker, type ToWorker } from './protocol.js';

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

port.on('message', (m: ToWorker) => {
  if (m.t === 'start') {
    acked = new BigInt64Array(m.shared, 0, 1);
    i32 = new Int32Array(m.shared);
    start(m).catch((e: unknown) => post({ t: 'fail', message: e instanceof Error ? e.message : String(e) }));
  } else if (m.t === 'in') session?.feedStdin(m.pid, m.b);
  else if (m.t === 'eof') session?.endStdin(m.pid);
});

async function start(m: Extract<ToWorker, { t: 'start' }>): Promise<void> {
  session = new Session(m.spec, {
    output: (pid, fd, b) => {
      posted += BigInt(b.length);
      const copy = b.buffer.byteLength === b.length && b.byteOffset === 0 ? b : b.slice();
      post({ t: 'out', pid, fd, b: copy }, [copy.buffer as ArrayBuffer]);
      throttle();
    },
    stdinDemand: (pid) => post({ t: 'want', pid }),
    spawned: (pid, name, host) => post({ t: 'spawn', pid, name, host }),
  });
  await session.load();
  session.kernel.onSlice = (p) => Atomics.store(i32, RUNNING, p.pid);
  const result = await session.run();
  post({ t: 'done', result });
}
