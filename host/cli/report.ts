// One paragraph on what a run did: how each process ended, and what crossed
// the virtual network.
import type { MemorySummary } from '../kernel/process.js';
import type { RunOutcome } from '../runner/run.js';

/** `clock`: which clock the run followed; on the real network the virtual network's counters say nothing. */
export function describeNetwork(o: RunOutcome, clock: 'virtual' | 'wall' | 'real-network' = 'virtual'): string {
  const lines: string[] = [];
  // A run stopped from outside while a guest ran (--timeout, Ctrl-C) ends with its worker: its clock is not known then.
  const when = o.limit !== undefined && o.elapsedNs === 0 ? ', stopped while a guest ran,' : ` in ${(o.elapsedNs / 1e6).toFixed(1)} ${clock === 'virtual' ? 'virtual' : 'wall-clock'} ms,`;
  // The lines below are the processes socklab started; the memory lines count every process, forked ones too.
  const forked = Math.max(0, (o.memory?.processes ?? 0) - o.processes.length);
  const started = forked > 0 ? `${o.processes.length} process(es) and ${forked} forked` : `${o.processes.length} process(es)`;
  lines.push(`socklab: ${started}${when} exit status ${o.status}`);
  for (const p of o.processes) {
    const how = p.exit.reason ?? (p.exit.code !== undefined ? `exit ${p.exit.code}` : `status ${p.exit.status}`);
    lines.push(`  ${p.name} (pid ${p.pid}) on ${p.host}: ${how}`);
  }
  const n = o.network;
  if (n && clock !== 'real-network') {
    lines.push(
      `  network: ${n.connections ?? 0} connection(s), ${n.segments ?? 0} segment(s), ${n.retransmissions ?? 0} retransmission(s) after loss, ` +
        `${n.datagrams ?? 0} datagram(s), ${n.duplicates ?? 0} duplicated, ${n.drops ?? 0} dropped`,
    );
    if (n.broadcasts || n.multicasts || n.groupDrops) {
      lines.push(`  broadcast/multicast: ${n.broadcasts ?? 0} broadcast and ${n.multicasts ?? 0} multicast copies delivered to hosts, ${n.groupDrops ?? 0} lost on the way to one`);
    }
  }
  if (o.memory && o.memory.processes > 0) lines.push(...describeMemory(o.memory));
  if (o.deadlock) lines.push(`  ${o.deadlock.replace(/\n/g, '\n  ')}`);
  if (o.idle) lines.push(`  ${o.idle.replace(/\n/g, '\n  ')}`);
  return lines.join('\n');
}

const mib = (n: number): string => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : `${(n / 1024).toFixed(n >= 10240 ? 0 : 1)} KiB`);

/** What the processes held as each exited: totals, with per-process averages and the largest. */
export function describeMemory(m: MemorySummary): string[] {
  const n = m.processes;
  const t = m.total;
  const x = m.max;
  const avg = (k: keyof MemorySummary['total']): number => t[k] / n;
  return [
    `  memory: linear ${mib(t.linear)} in all, per process avg ${mib(avg('linear'))}, max ${mib(x.linear)} (declared avg ${mib(avg('declared'))}; ` +
      `pages with data ${mib(t.touched)} in all, avg ${mib(avg('touched'))}, max ${mib(x.touched)}; Asyncify regions avg ${mib(avg('asyncify'))})`,
    `  memory: descriptors open at most avg ${avg('fdsPeak').toFixed(1)}, max ${x.fdsPeak}; socket bytes left unread ${t.socketBytes} in all, max ${x.socketBytes}`,
  ];
}
