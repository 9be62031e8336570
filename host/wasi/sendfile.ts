// sendfile(2) (and glibc's sendfile64, the same call with a 64-bit off_t,
// which wasm32's off_t always is): copies a regular file's bytes to any
// writable fd, following Linux's do_sendfile. The bytes go out through the
// same paths as write(2) on that fd (a socket's send, a pipe's write, a
// file's write), so blocking, EAGAIN, partial counts after a signal, SIGPIPE
// and EPIPE are write's; the input is read with pread at the call's start
// position, so a call that blocks and runs again reads the same bytes and
// leaves the file's offset alone until it returns.
import { E, Errno } from '../abi/errno.js';
import { FileType, WOULD_BLOCK, type OpenFile } from '../kernel/file.js';
import { PipeEnd } from '../kernel/pipe.js';
import { DeviceFile } from '../fs/devices.js';
import type { Process } from '../kernel/process.js';
import { brokenPipe } from '../kernel/signals.js';
import { Slot } from '../kernel/slots.js';
import { BLOCKED, syscall, type SyscallDef } from '../kernel/syscall.js';
import type { WasiSocketShims } from './core.js';
import { blockingIo } from './io.js';
import { R, needRight } from './rights.js';

/** Linux's MAX_RW_COUNT (INT_MAX rounded down to a page): no read or write moves more at once. */
export const MAX_RW_COUNT = 0x7ffff000;

/**
 * Most a device (/dev/zero...) gives one call: Linux would splice up to `count` bytes from it, socklab
 * does not hold 2 GiB of zeros at once; a program loops on sendfile's count anyway.
 */
const DEVICE_CHUNK = 1 << 20;

/**
 * Most a call reads for an output that takes only what fits at once (a pipe, at most 1 MiB by
 * pipe-max-size; a non-blocking socket, at most its send buffer): more than either holds, so the count
 * is Linux's, without copying a whole large file for every 64 KiB a loop moves.
 */
const PARTIAL_CHUNK = 8 << 20;

/** The bytes a call read from its input at its first attempt, kept while it waits for its output. */
const DATA = new Slot<Uint8Array>('sendfile-data');

/** in_fd's bytes from `pos`, at most `count` (fewer at the end of the file). */
function readInput(f: OpenFile, pos: bigint, count: number): Uint8Array {
  if (f instanceof DeviceFile) {
    const buf = new Uint8Array(Math.min(count, DEVICE_CHUNK));
    return buf.subarray(0, Math.max(0, f.pread([buf])));
  }
  const size = f.stat().size;
  const left = size > pos ? size - pos : 0n;
  const n = Number(left < BigInt(count) ? left : BigInt(count));
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = f.pread!([buf.subarray(got)], pos + BigInt(got));
    if (r <= 0) break;
    got += r;
  }
  return got < n ? buf.subarray(0, got) : buf;
}

/**
 * Splicing into a pipe (Linux's splice_file_to_pipe): waits for room, then moves what fits, without waiting for
 * the rest. No reader: SIGPIPE and EPIPE, as write.
 */
function toPipe(p: Process, f: PipeEnd, data: Uint8Array): number {
  let n: number;
  try {
    n = f.write([data]);
  } catch (e) {
    if (e instanceof Errno && e.errno === E.EPIPE) return -brokenPipe(p, false, E.EPIPE);
    throw e;
  }
  if (n !== WOULD_BLOCK) return n;
  if (f.nonblock) return -E.EAGAIN;
  const r = p.block([f.waitq]);
  return r === BLOCKED ? r : -r;
}

/** Anything else (a regular file, a device, a terminal): a whole write, as do_splice_direct's loop. */
function toFile(p: Process, f: OpenFile, data: Uint8Array): number {
  try {
    return blockingIo(p, f, 'write', false, () => f.write([data]));
  } catch (e) {
    if (e instanceof Errno && e.errno === E.EPIPE && f.raisesSigpipe) return -brokenPipe(p, false, E.EPIPE);
    throw e;
  }
}

function sendfile(shims: WasiSocketShims, p: Process, outFd: number, inFd: number, offPtr: number, countArg: number, nOut: number): number {
  // sendfile64: the offset is copied in before anything else (EFAULT first).
  const given = offPtr !== 0 ? p.mem.i64(offPtr) : undefined;
  p.mem.check(nOut, 4);
  const inf = p.fds.file(inFd);
  if (inf.readable === false) return E.EBADF;
  needRight(inf, R.FD_READ);
  // An offset needs a file with positions (FMODE_PREAD): every file but a pipe, a socket or a terminal (stdio).
  if (given !== undefined && (inf.isSocket || inf instanceof PipeEnd || (inf.pread === undefined && inf.filetype !== FileType.Directory))) return E.ESPIPE;
  let pos: bigint;
  if (given !== undefined) pos = given;
  else if (inf.seek !== undefined && inf.filetype === FileType.RegularFile) pos = inf.seek(0n, 1);
  else pos = 0n;
  // rw_verify_area: a negative position is EINVAL.
  if (pos < 0n) return E.EINVAL;
  const count = Math.min(countArg >>> 0, MAX_RW_COUNT);
  const out = p.fds.file(outFd);
  // A directory is never open for writing (FMODE_WRITE).
  if (out.writable === false || out.filetype === FileType.Directory) return E.EBADF;
  needRight(out, R.FD_WRITE);
  const pipe: boolean = out instanceof PipeEnd;
  // do_splice_direct refuses an O_APPEND output (a pipe's is taken by splice_file_to_pipe, which does not look).
  if (!pipe && out.append) return E.EINVAL;
  // splice_direct_to_actor reads only seekable files: a socket or a pipe is EINVAL (into a pipe too: socklab's
  // have nothing to splice from). Devices with a splice_read (zero, full, random, urandom) give their bytes
  // and keep their position 0; /dev/null has none (EINVAL).
  const device = inf instanceof DeviceFile;
  if (device ? inf.node.name === 'null' : inf.filetype !== FileType.RegularFile && inf.filetype !== FileType.BlockDevice) return E.EINVAL;
  if (inf.pread === undefined) return E.EINVAL;
  // eventfd, epoll, timerfd and signalfd have no splice_write: EINVAL (do_splice_from).
  if (out.describe().startsWith('anon_inode:')) return E.EINVAL;
  let data = p.callSlot(DATA);
  if (data === undefined) {
    data = readInput(inf, pos, pipe || out.nonblock ? Math.min(count, PARTIAL_CHUNK) : count);
    p.setCallSlot(DATA, data);
  }
  let r: number;
  if (data.length === 0) r = 0;
  else if (out.isSocket) r = shims.send(p, out, [data], 0);
  else if (out instanceof PipeEnd) r = toPipe(p, out, data);
  else r = toFile(p, out, data);
  if (r === BLOCKED) return r;
  p.setCallSlot(DATA, undefined);
  if (r < 0) return -r;
  if (r > 0 && !device) {
    if (given !== undefined) p.mem.setU64(offPtr, pos + BigInt(r));
    else inf.seek!(pos + BigInt(r), 0);
  }
  p.mem.setU32(nOut, r);
  return 0;
}

/** The table's entries; the socket layer's send comes in as for fd_write (wasi/core.ts). */
export function sendfileSyscalls(shims: WasiSocketShims): SyscallDef[] {
  return [
    syscall('socklab', 'sendfile', {
      strace: 'sendfile', classes: ['desc', 'net'], mayBlock: true,
      params: ['out_fd:fd', 'in_fd:fd', 'offset:loff_inout', 'count:len', 'nsent:ret'],
    }, (p: Process, outFd: number, inFd: number, off: number, count: number, nOut: number) => sendfile(shims, p, outFd, inFd, off, count, nOut)),
  ];
}
