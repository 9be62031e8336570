// What the run's own TCP sockets hold of a port that the host kernel does
// not enforce: libuv sets SO_REUSEADDR on every TCP socket it binds (and so
// on the connections a listener accepts), so the host lets a bind pass a
// port in TIME_WAIT or one another socket merely bound. Linux refuses both
// (EADDRINUSE) unless the new socket and the other one both asked for
// SO_REUSEADDR (inet_csk_bind_conflict); listeners the host checks itself.
// Connections of other programs on the host stay unseen (theirs is the
// host's TIME_WAIT, with their own options).
import { canonIp, unmap } from '../addr/ipaddr.js';
import type { InetAddr } from '../addr/sockaddr.js';
import type { Socket } from '../socket/socket.js';

/** TCP_TIMEWAIT_LEN: 60 s. */
const TIME_WAIT_MS = 60_000;

interface TimeWait {
  ip: string;
  port: number;
  reuse: boolean;
  until: number;
}

const key = (ip: string): string => canonIp(unmap(ip));
const overlap = (a: string, b: string): boolean => a === '0.0.0.0' || a === '::' || b === '0.0.0.0' || b === '::' || a === b;

export class PortUse {
  private waits: TimeWait[] = [];
  private readonly bound = new Set<Socket>();

  /** A connection from ip:port closed after sending the first FIN: its side waits in TIME_WAIT (with the option it had). */
  timeWait(ip: string, port: number, reuse: boolean): void {
    this.waits.push({ ip: key(ip), port, reuse, until: performance.now() + TIME_WAIT_MS });
  }

  /** A socket bound and not listening (until `release`): SO_REUSEADDR is read as it is at the next bind. */
  hold(s: Socket): void {
    this.bound.add(s);
  }
  release(s: Socket): void {
    this.bound.delete(s);
  }

  /** Whether s binding ip:port meets a socket of the run in TIME_WAIT, or bound, that forbids it. */
  clash(s: Socket, ip: string, port: number): boolean {
    const now = performance.now();
    this.waits = this.waits.filter((w) => w.until > now);
    const me = key(ip);
    if (this.waits.some((w) => w.port === port && overlap(me, w.ip) && !(s.reuseaddr && w.reuse))) return true;
    for (const o of this.bound) {
      const l = o.local as InetAddr | undefined;
      if (o !== s && !o.closed && l && l.port === port && overlap(me, key(l.ip)) && !(s.reuseaddr && o.reuseaddr)) return true;
    }
    return false;
  }
}
