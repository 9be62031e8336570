// Node's own net module doing what the --net=real guest pair does in
// bench/c/stream.c and bench/c/pingpong.c, in this process: the reference
// the real network's throughput and latency are measured against.
import * as net from 'node:net';

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
