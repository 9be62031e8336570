// An accepted connection re-wrapped so that its reads skip Node's Readable
// machinery. node:net's `onread` option (data lands in one buffer and goes
// to a callback: no Buffer, push, maybeReadMore or nextTick per read) is
// public for sockets one creates, but a net.Server creates its connections
// without it. So the server pauses a connection on accept (pauseOnConnect:
// its handle is not reading), and the connection's libuv handle moves to a
// new net.Socket made with `onread`, as net.Server's own onconnection makes
// one from the handle. Private parts of node:net this relies on: the
// socket's `_handle`, and net.Socket's `handle` option (what the server
// itself passes); both have been stable since Node 12 (when onread came).
import * as net from 'node:net';

/** What node:net's onread option takes: a buffer reads land in, and a callback given each read's length. */
export interface OnRead {
  buffer: Uint8Array;
  callback: (n: number, buf: Uint8Array) => boolean | void;
}

interface Handled {
  _handle: unknown;
}

/**
 * A new socket on `c`'s connection, reading through `onread` (reading at
 * once). `c` is left without a handle and stays open, so its server still
 * counts the connection (its 'close' waits, as it did, for the connection
 * to end): it is destroyed when the new socket closes.
 */
export function adopt(c: net.Socket, onread: OnRead): net.Socket {
  const old = c as unknown as Handled;
  const handle = old._handle;
  old._handle = null;
  const n = new net.Socket({ handle, allowHalfOpen: true, readable: true, writable: true, onread } as net.SocketConstructorOpts);
  n.once('close', () => c.destroy());
  return n;
}
