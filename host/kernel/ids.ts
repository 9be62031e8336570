// Numbers a run hands out: inode numbers of sockets, pipes, files and anon
// inodes, IPv4 identification fields. Each space is a counter from its own
// base; resetRunIds() puts every one back, so a worker reused for another
// run (host/runner/worker.ts) numbers exactly as a fresh one would, and a
// trace never shows what an earlier run did.
const counters: { value: bigint; readonly base: bigint }[] = [];

/** A counter starting at `base`: each call returns the next number. */
export function runCounter(base: bigint): () => bigint {
  const c = { value: base, base };
  counters.push(c);
  return () => c.value++;
}

export function resetRunIds(): void {
  for (const c of counters) c.value = c.base;
}
