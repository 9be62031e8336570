// Node's own net module doing what the --net=real guest pair does in
// bench/c/stream.c and bench/c/pingpong.c, in this process: the reference
// the real network's throughput and latency are measured against.
import * as net from 'node:net';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

function listen(onConn: (c: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve) => {
    const srv = net.createServer(onConn);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

/** Nanoseconds to move `mb` MiB from a client to a server in 64 KiB writes, connection set-up excluded. */
export async function nodeNetStream(mb: number): Promise<number> {
  const total = mb * 1048576;
  let got = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => (done = r));
  const srv = await listen((c) => c.on('data', (d: Buffer) => { got += d.length; if (got >= total) { c.end(); done(); } }));
  const c = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => c.once('connect', () => r()));
  const chunk = Buffer.alloc(65536, 'x');
  if (total === 0) done(); // a run of 0: the set-up only, what a fresh worker's figure is taken from
  const t = process.hrtime.bigint();
  let sent = 0;
  const pump = (): void => {
    while (sent < total) {
      sent += chunk.length;
      if (!c.write(chunk)) return void c.once('drain', pump);
    }
  };
  pump();
  await finished;
  const ns = Number(process.hrtime.bigint() - t);
  c.destroy();
  srv.close();
  return ns;
}

/** Nanoseconds for n 1-byte round trips, connection set-up excluded. */
export async function nodeNetPingPong(n: number): Promise<number> {
  const srv = await listen((c) => { c.setNoDelay(true); c.on('data', (d: Buffer) => c.write(d)); });
  const c = net.connect({ port: (srv.address() as net.AddressInfo).port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((r) => c.once('connect', () => r()));
  const t = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    let left = n;
    if (left <= 0) return resolve();
    c.on('data', (d: Buffer) => {
      left -= d.length;
      if (left <= 0) return resolve();
      c.write('x');
    });
    c.write('x');
  });
  const ns = Number(process.hrtime.bigint() - t);
  c.destroy();
  srv.close();
  return ns;
}

/**
 * The same in a fresh worker thread, as the guest pair's fresh-worker row
 * runs: Node's net code starts cold (JIT warm-up counted), connection set-up
 * and the thread's start excluded from `ns` (measured inside, as above);
 * `cpuNs` is this process's CPU for the whole worker, start-up included
 * (take a run of 0 from it, as the guest pair's rows do).
 */
export async function nodeNetFresh(kind: 'stream' | 'ping', n: number): Promise<{ ns: number; cpuNs: number }> {
  const c0 = process.cpuUsage();
  const w = new Worker(new URL(import.meta.url), { workerData: { nodeNet: kind, n } });
  // The 'exit' listener goes on now, with the others. A worker that posts its figure and ends at once
  // may have both delivered in one go (Node drains its port when it hears the exit, emitting 'message'
  // and then 'exit' synchronously), before an await on the message could add a listener: that promise
  // would never settle, and the bench ended with exit code 13 ("unsettled top-level await"), no table.
  const exited = new Promise<number>((r) => w.once('exit', r));
  const ns = await new Promise<number>((resolve, reject) => {
    w.once('message', (m: number) => resolve(m));
    w.once('error', reject);
    void exited.then((code) => reject(new Error(`node:net ${kind} worker exited ${code} before it reported`)));
  });
  await exited;
  const c = process.cpuUsage(c0);
  return { ns, cpuNs: (c.user + c.system) * 1000 };
}

if (!isMainThread && workerData && typeof workerData === 'object' && 'nodeNet' in workerData) {
  const { nodeNet, n } = workerData as { nodeNet: 'stream' | 'ping'; n: number };
  const ns = nodeNet === 'stream' ? await nodeNetStream(n) : await nodeNetPingPong(n);
  parentPort!.postMessage(ns);
}
