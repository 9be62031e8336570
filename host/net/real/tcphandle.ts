// A TCP socket bound without listening. node:net has no such step (a
// net.Server binds and listens at once), but its TCP handle (libuv's
// uv_tcp_t, reached through process.binding('tcp_wrap')) binds and listens
// separately, and net.Server.listen(handle) adopts one that is bound.
import { getSystemErrorName } from 'node:util';
import { E, errnoByName } from '../../abi/errno.js';

/** The slice of tcp_wrap's TCP handle used here. */
export interface TcpHandle {
  bind(ip: string, port: number): number;
  bind6(ip: string, port: number, flags: number): number;
  listen(backlog: number): number;
  getsockname(out: { address?: string; port?: number }): number;
  close(): void;
}
interface TcpWrap {
  TCP: new (type: number) => TcpHandle;
  constants: { SERVER: number; UV_TCP_IPV6ONLY: number };
}
const wrap = (process as unknown as { binding(name: string): TcpWrap }).binding('tcp_wrap');

/** A libuv error code (negative) as the guest's errno. */
function uvErrno(err: number): number {
  return errnoByName(getSystemErrorName(err))?.wasi ?? E.EIO;
}

/**
 * bind(2) on a new host socket: the handle with the address the host kernel
 * gave it, or an errno. libuv sets SO_REUSEADDR on it and defers EADDRINUSE
 * to listen/connect (uv__tcp_bind); an unbound socket after bind() shows it
 * (getsockname returns it), and the port in use is bind's EADDRINUSE.
 */
export function bindTcpHandle(v6: boolean, ip: string, port: number, v6only: boolean): { handle: TcpHandle; ip: string; port: number } | number {
  const h = new wrap.TCP(wrap.constants.SERVER);
  let err = v6 ? h.bind6(ip, port, v6only ? wrap.constants.UV_TCP_IPV6ONLY : 0) : h.bind(ip, port);
  const out: { address?: string; port?: number } = {};
  if (!err) err = h.getsockname(out);
  if (err) {
    h.close();
    return uvErrno(err);
  }
  // The deferred error shows in getsockname; should it not, an unbound socket has port 0.
  if (!out.port) {
    h.close();
    return E.EADDRINUSE;
  }
  return { handle: h, ip: out.address ?? ip, port: out.port! };
}

/** listen(2) on a bound handle (the backlog node:net gives: the guest's is kept by the state machine). */
export function listenTcpHandle(h: TcpHandle): number {
  const err = h.listen(511);
  return err ? uvErrno(err) : 0;
}

export function closeTcpHandle(h: TcpHandle): void {
  h.close();
}
