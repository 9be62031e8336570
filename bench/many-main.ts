// Child process of the 10,000-process bench row (bench/many.ts): one poll()
// echo server and N client processes in one simulation; prints the wall
// time and this process's peak RSS (workers included) as JSON.
import { run } from '../host/runner/run.js';

const [srv, cli, n] = process.argv.slice(2);
const N = Number(n);
const t = process.hrtime.bigint();
const o = await run({
  processes: [{ module: srv!, args: ['7000', String(N)] }, ...Array.from({ length: N }, (_, i) => ({ module: cli!, args: ['localhost', '7000', `client ${i}`], startMs: 1 }))],
  output: 'discard',
  maxProcesses: N + 16,
});
const wallNs = Number(process.hrtime.bigint() - t);
process.stdout.write(JSON.stringify({ status: o.status, wallNs, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
