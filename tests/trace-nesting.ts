// How strace nests one process's lines, for tests that check a trace keeps it.
/**
 * What strace can show of one process: a call another process's line cut in two resumes under its own
 * name, and a signal is delivered between calls, never inside one (Linux delivers it on the way back to
 * user space: a woken call returns first, an interrupted one ends with ERESTART*). The lines that break this.
 */
export function wellNested(trace: string): string[] {
  const open = new Map<string, string>();
  const bad: string[] = [];
  for (const l of trace.split('\n')) {
    const m = /^\[pid +(\d+)\] (.*)$/.exec(l);
    if (!m) continue;
    const [, pid, body] = m as unknown as [string, string, string];
    const u = /^(\w+)\(.* <unfinished \.\.\.>$/.exec(body);
    const r = /^<\.\.\. (\w+) resumed>/.exec(body);
    if (r) {
      if (open.get(pid) !== r[1]) bad.push(l);
      open.delete(pid);
    } else if (open.has(pid)) bad.push(l);
    else if (u) open.set(pid, u[1]!);
  }
  return bad;
}
