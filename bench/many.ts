// Bench rows for issue #18 item 5: a poll() server and 10,000 client
// processes in one simulation (target < 30 s wall, host RSS < 4 GiB), and
// what each process costs in host memory: the peak RSS of a run with N
// clients less that of a run with one, per client. Each run is its own
// child process, so peaks do not mix.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

interface Row {
  name: string;
  unit: string;
  socklab: number;
  note?: string;
}

function once(root: string, srv: string, cli: string, n: number): { wallNs: number; maxRssKiB: number } {
  const out = execFileSync(process.execPath, [join(root, 'dist', 'bench', 'many-main.js'), srv, cli, String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { status: number; wallNs: number; maxRssKiB: number };
  if (r.status !== 0) throw new Error(`${n} clients: status ${r.status}`);
  return r;
}

export function manyRows(root: string, srv: string, cli: string, memoryPages: number): Row[] {
  const N = 10_000;
  const base = once(root, srv, cli, 1);
  const big = once(root, srv, cli, N);
  const perKiB = (big.maxRssKiB - base.maxRssKiB) / N;
  return [
    { name: `poll() echo server + ${N} client processes: wall time`, unit: 's', socklab: big.wallNs / 1e9, note: 'target < 30 s' },
    { name: `poll() echo server + ${N} client processes: peak host RSS`, unit: 'MiB', socklab: big.maxRssKiB / 1024, note: 'target < 4096 MiB' },
    { name: `host memory per client process (peak RSS over a 1-client run, / ${N})`, unit: 'KiB', socklab: perKiB, note: `each declares ${memoryPages * 64} KiB of linear memory + 64 KiB for Asyncify; only touched pages count` },
  ];
}
