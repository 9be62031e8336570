// npm run fuzz -- [--calls N] [--seed N] [--only a,b] [--hang-ms MS] [--max-rss-mb MB] [--json]
// Runs the syscall fuzzer (bench/fuzz.ts) in a worker thread and watches it
// from here: a call that makes no progress for --hang-ms of wall time is a
// hang (the worker is stopped and the call in progress named). Prints the
// figures and exits 1 on any failure.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { fuzz, formatReport, type FuzzOptions, type FuzzReport } from './fuzz.js';
import { SYSCALLS } from '../host/syscalls.js';

interface Job {
  opts: Omit<FuzzOptions, 'progress' | 'onProgress'>;
  shared: SharedArrayBuffer;
}

if (isMainThread) {
  const { values } = parseArgs({
    options: {
      calls: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      only: { type: 'string' },
      processes: { type: 'string' },
      'hang-ms': { type: 'string', default: '20000' },
      'max-rss-mb': { type: 'string', default: '1536' },
      json: { type: 'boolean', default: false },
    },
  });
  const shared = new SharedArrayBuffer(8);
  const progress = new Int32Array(shared);
  const opts: Job['opts'] = {
    calls: Number(values.calls),
    seed: Number(values.seed),
    maxRss: Number(values['max-rss-mb']) * 2 ** 20,
    ...(values.only ? { only: values.only.split(',') } : {}),
    ...(values.processes ? { processes: Number(values.processes) } : {}),
  };
  const hangMs = Number(values['hang-ms']);
  const worker = new Worker(new URL(import.meta.url), { workerData: { opts, shared } satisfies Job });
  let last = -1;
  let since = Date.now();
  const watch = setInterval(() => {
    const done = Atomics.load(progress, 0);
    if (done !== last) {
      last = done;
      since = Date.now();
      return;
    }
    if (Date.now() - since > hangMs) {
      const i = Atomics.load(progress, 1) - 1;
      const only = opts.only ? SYSCALLS.filter((d) => opts.only!.includes(d.name)) : SYSCALLS;
      console.error(`socklab fuzz: HANG: no progress for ${hangMs} ms after call ${done} (${only[i]?.name ?? '?'}); seed ${opts.seed}`);
      clearInterval(watch);
      void worker.terminate().then(() => process.exit(1));
    }
  }, 500);
  worker.on('message', (m: { progress?: number; report?: FuzzReport }) => {
    if (m.progress !== undefined) console.error(`  ... ${m.progress} calls`);
    if (m.report) {
      clearInterval(watch);
      console.log(values.json ? JSON.stringify(m.report, null, 2) : formatReport(m.report));
      process.exitCode = m.report.failures.length ? 1 : 0;
    }
  });
  worker.on('error', (e) => {
    clearInterval(watch);
    console.error(`socklab fuzz: the fuzzer itself failed: ${e.stack ?? e}`);
    process.exitCode = 1;
  });
} else {
  const job = workerData as Job;
  const report = await fuzz({ ...job.opts, progress: new Int32Array(job.shared), onProgress: (n) => parentPort!.postMessage({ progress: n }) });
  parentPort!.postMessage({ report });
}
