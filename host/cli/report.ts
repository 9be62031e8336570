// One paragraph on what a run did: how each process ended, and what crossed
// the virtual network.
import type { RunOutcome } from '../runner/run.js';

/** `clock`: which clock the run followed; on the real network the virtual network's counters say nothing. */
export function describeNetwork(o: RunOutcome, clock: 'virtual' | 'wall' | 'real-network' = 'virtual'): string {
  const lines: string[] = [];
  lines.push(`socklab: ${o.processes.length} process(es) in ${(o.elapsedNs / 1e6).toFixed(1)} ${clock === 'virtual' ? 'virtual' : 'wall-clock'} ms, exit status ${o.status}`);
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
  if (o.deadlock) lines.push(`  ${o.deadlock.replace(/\n/g, '\n  ')}`);
  if (o.idle) lines.push(`  ${o.idle.replace(/\n/g, '\n  ')}`);
  return lines.join('\n');
}
