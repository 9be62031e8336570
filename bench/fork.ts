// Bench rows for the process model (issue #13): fork + exit + waitpid per
// second against the same C program built natively, and a forking echo
// server serving 1000 clients one after another (wall time, host memory).
import { join } from 'node:path';
import { run } from '../host/runner/run.js';
import { ensureBuilt } from '../host/toolchain/guests.js';

interface Row {
  name: string;
  unit: string;
  socklab: number;
  native?: number;
  note?: string;
}

/** `gcc(src, name)` builds natively, `timeNative(exe, args)` runs it (ns), `best(k, f)` keeps the least disturbed of k runs. */
export async function forkRows(
  root: string,
  out: string,
  gcc: (src: string, name: string) => string,
  timeNative: (exe: string, args: string[]) => number,
  best: (k: number, f: () => Promise<number> | number) => Promise<number>,
): Promise<Row[]> {
  const rows: Row[] = [];
  const src = join(root, 'bench', 'c', 'forkloop.c');
  const wasm = await ensureBuilt([src], join(out, 'forkloop.wasm'));
  const exe = gcc(src, 'forkloop');
  const N = 2000;
  const timed = async (n: number): Promise<number> => {
    const t = process.hrtime.bigint();
    const o = await run({ processes: [{ module: wasm, args: [String(n)] }], output: 'discard' });
    if (o.status !== 0) throw new Error(`forkloop ${n}: status ${o.status}`);
    return Number(process.hrtime.bigint() - t);
  };
  // The run's fixed cost (worker, instantiation) measured with no fork and taken off.
  const base = await best(3, () => timed(0));
  const forks = (await best(3, () => timed(N))) - base;
  const nat = (await best(3, () => timeNative(exe, [String(N)]))) - (await best(3, () => timeNative(exe, ['0'])));
  rows.push({ name: `fork + _exit + waitpid, ${N} times (256 KiB heap)`, unit: 'forks/s', socklab: N / (forks / 1e9), native: N / (nat / 1e9), note: 'higher is better; target >= 0.5x native' });

  const srv = await ensureBuilt([join(root, 'examples', 'fork-echo', 'fork_echo_server.c')], join(out, 'fork_echo_server.wasm'));
  const cli = await ensureBuilt([join(root, 'examples', 'tcp-echo', 'echo_client.c')], join(out, 'echo_client.wasm'));
  const C = 1000;
  const rss0 = process.memoryUsage().rss;
  const t = process.hrtime.bigint();
  const o = await run({
    processes: [
      { module: srv, args: ['7000', String(C)] },
      // One after another: each client starts 2 virtual ms after the previous one.
      ...Array.from({ length: C }, (_, i) => ({ module: cli, args: ['localhost', '7000', `client ${i}`], startMs: 1 + 2 * i })),
    ],
    output: 'discard',
  });
  const ns = Number(process.hrtime.bigint() - t);
  if (o.status !== 0) throw new Error(`forking server, ${C} clients: status ${o.status}`);
  rows.push({ name: `forking echo server, ${C} clients one after another`, unit: 's', socklab: ns / 1e9, note: 'target < 10 s' });
  rows.push({ name: `forking echo server, ${C} clients: host memory (RSS growth)`, unit: 'MiB', socklab: Math.max(0, process.memoryUsage().rss - rss0) / 1048576 });
  return rows;
}
