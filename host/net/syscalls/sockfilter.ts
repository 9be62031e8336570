// SO_ATTACH_FILTER, SO_DETACH_FILTER, SO_LOCK_FILTER and SO_GET_FILTER
// (net/core/sock.c and filter.c): the socket's classic BPF program, checked
// by host/net/bpf.ts as bpf_check_classic does. The networks run it where
// Linux's sk_filter does (virtual/packet.ts, udp.ts, ip.ts).
import { E } from '../../abi/errno.js';
import type { GuestMemory } from '../../abi/memory.js';
import { BPF_MAXINSNS, checkProgram, decodeInsns, encodeInsns } from '../bpf.js';
import type { Socket } from '../socket/socket.js';

/** sizeof(struct sock_fprog) on wasm32: an unsigned short and a 4-byte pointer. */
const FPROG_SIZE = 8;

/** copy_bpf_fprog_from_user and sk_attach_filter: an errno, or 0 with the program attached. */
export function attachFilter(mem: GuestMemory, s: Socket, val: number, len: number): number {
  if (len !== FPROG_SIZE) return E.EINVAL;
  const n = mem.u16(val);
  const ptr = mem.u32(val + 4);
  if (s.filterLocked) return E.EPERM;
  // bpf_check_basics_ok, before the instructions are copied.
  if (ptr === 0 || n === 0 || n > BPF_MAXINSNS) return E.EINVAL;
  const prog = decodeInsns(mem.read(ptr, n * 8));
  const e = checkProgram(prog);
  if (e) return e;
  s.filter = prog;
  return 0;
}

/** sk_detach_filter. */
export function detachFilter(s: Socket): number {
  if (s.filterLocked) return E.EPERM;
  if (!s.filter) return E.ENOENT;
  s.filter = undefined;
  return 0;
}

/** SO_LOCK_FILTER: once on, it cannot be turned off. */
export function lockFilter(s: Socket, v: number): number {
  if (s.filterLocked && v === 0) return E.EPERM;
  s.filterLocked = v !== 0;
  return 0;
}

/**
 * getsockopt(SO_GET_FILTER), sk_get_filter: *optlen counts instructions.
 * None attached gives 0; a length of 0 asks for the count; a shorter one is EINVAL.
 */
export function getFilter(mem: GuestMemory, s: Socket, val: number, lenPtr: number): number {
  const cap = mem.i32(lenPtr);
  if (cap < 0) return E.EINVAL;
  const prog = s.filter;
  let n = 0;
  if (prog) {
    n = prog.length;
    if (cap !== 0) {
      if (cap < n) return E.EINVAL;
      if (val === 0) return E.EFAULT;
      mem.write(val, encodeInsns(prog));
    }
  }
  mem.setU32(lenPtr, n);
  return 0;
}
