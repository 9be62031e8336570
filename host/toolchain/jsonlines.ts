// The spawn helper's wire format (spawner.ts, spawn-helper.ts): one JSON message per line, both ways.
import type { Socket } from 'node:net';

/** Calls `on` with each message `conn` brings, as whole lines arrive. */
export function readJsonLines<T>(conn: Socket, on: (m: T) => void): void {
  let buf = '';
  conn.setEncoding('utf8');
  conn.on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const m = JSON.parse(buf.slice(0, nl)) as T;
      buf = buf.slice(nl + 1);
      on(m);
    }
  });
}
