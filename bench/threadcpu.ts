// CPU time of this process's threads that outlive a run (Linux: /proc/self/task/*/schedstat, ns):
// the main thread and V8's platform threads, where TurboFan compiles concurrently (and the
// collector's helpers run). A kernel worker's thread is gone once its run ends, so what a run
// cost its kernel thread is the process's CPU less these. Elsewhere: an empty map.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU ns by thread id. */
export function threadCpu(): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const t of tids) {
    try {
      out.set(Number(t), Number(readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      /* the thread ended between the listing and the read */
    }
  }
  return out;
}

/** ns the threads other than the main one (process.pid) spent between two threadCpu() readings, counting only threads in both. */
export function platformCpu(before: Map<number, number>, after: Map<number, number>): number {
  let ns = 0;
  for (const [tid, v] of after) {
    const b = before.get(tid);
    if (tid !== process.pid && b !== undefined) ns += v - b;
  }
  return ns;
}
