// Classic BPF (linux/filter.h) for SO_ATTACH_FILTER: the checker Linux
// runs at attach (bpf_check_classic and check_load_and_stores in
// net/core/filter.c) and an interpreter with the semantics of the kernel's
// conversion to eBPF: A, X and M[] start at 0, a load outside the packet or
// a division by X == 0 ends the program with 0 (drop), ancillary loads
// (SKF_AD_OFF + n) read the packet's metadata, SKF_NET_OFF and SKF_LL_OFF
// address the network and link-layer headers. The result is how many bytes
// of the packet to keep; 0 drops it.
import { E } from '../abi/errno.js';

/** One struct sock_filter. */
export interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** What a program runs on: the packet's buffer, where the socket's layer starts in it, and its metadata. */
export interface BpfPacket {
  /** The packet from its first header (skb->head to tail). */
  buf: Uint8Array;
  /** skb->data in buf: the link-layer header for a SOCK_RAW packet socket, the network header for a cooked or raw IP one, the UDP header for UDP. Offsets count from here. */
  start: number;
  /** The network header in buf (SKF_NET_OFF). */
  net: number;
  /** The link-layer header in buf (SKF_LL_OFF); undefined when there is none. */
  mac?: number;
  /** Ethertype (host order), for SKF_AD_PROTOCOL. */
  protocol: number;
  pkttype: number;
  /** The device's index and type; undefined for a packet no device carried (AF_UNIX). */
  ifindex: number | undefined;
  hatype: number | undefined;
}

export const BPF_MAXINSNS = 4096;
const BPF_MEMWORDS = 16;

// Instruction classes, sizes, modes, operations and sources.
const LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
const W = 0x00, H = 0x08, B = 0x10;
const IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, LEN = 0x80, MSH = 0xa0;
const ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0;
const JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40;
const K = 0x00, X = 0x08, RA = 0x10;
const TAX = 0x00, TXA = 0x80;

/** SKF_AD_OFF and the ancillary offsets bpf_anc_helper knows; SKF_NET_OFF, SKF_LL_OFF (as unsigned k). */
const SKF_AD_OFF = 0xfffff000;
const SKF_NET_OFF = 0xfff00000;
const SKF_LL_OFF = 0xffe00000;
const AD = {
  PROTOCOL: 0, PKTTYPE: 4, IFINDEX: 8, NLATTR: 12, NLATTR_NEST: 16, MARK: 20, QUEUE: 24, HATYPE: 28, RXHASH: 32,
  CPU: 36, ALU_XOR_X: 40, VLAN_TAG: 44, VLAN_TAG_PRESENT: 48, PAY_OFFSET: 52, RANDOM: 56, VLAN_TPID: 60,
} as const;
const ANCILLARY = new Set<number>(Object.values(AD));

const ALU_OPS = [ADD, SUB, MUL, DIV, MOD, AND, OR, XOR, LSH, RSH];
const CONDS = [JEQ, JGE, JGT, JSET];
/** chk_code_allowed's table: every opcode classic BPF accepts. */
const ALLOWED = new Set<number>([
  ...ALU_OPS.flatMap((op) => [ALU | op | K, ALU | op | X]),
  ALU | NEG,
  LD | W | ABS, LD | H | ABS, LD | B | ABS, LD | W | LEN, LD | W | IND, LD | H | IND, LD | B | IND, LD | IMM, LD | MEM,
  LDX | W | LEN, LDX | B | MSH, LDX | IMM, LDX | MEM,
  ST, STX, MISC | TAX, MISC | TXA, RET | K, RET | RA,
  JMP | JA, ...CONDS.flatMap((op) => [JMP | op | K, JMP | op | X]),
]);
const isCond = (code: number): boolean => (code & 7) === JMP && (code & 0xf0) !== JA;

/** Decodes n struct sock_filter (8 bytes each: u16 code, u8 jt, u8 jf, u32 k; little-endian). */
export function decodeInsns(b: Uint8Array): Insn[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Insn[] = [];
  for (let o = 0; o + 8 <= b.length; o += 8) out.push({ code: dv.getUint16(o, true), jt: b[o + 2]!, jf: b[o + 3]!, k: dv.getUint32(o + 4, true) });
  return out;
}

export function encodeInsns(prog: readonly Insn[]): Uint8Array {
  const b = new Uint8Array(prog.length * 8);
  const dv = new DataView(b.buffer);
  prog.forEach((i, n) => {
    dv.setUint16(n * 8, i.code, true);
    b[n * 8 + 2] = i.jt;
    b[n * 8 + 3] = i.jf;
    dv.setUint32(n * 8 + 4, i.k >>> 0, true);
  });
  return b;
}

/** bpf_check_classic: 0 when Linux accepts the program, else EINVAL (the length is bpf_check_basics_ok's, checked by the caller). */
export function checkProgram(prog: readonly Insn[]): number {
  const flen = prog.length;
  if (flen === 0 || flen > BPF_MAXINSNS) return E.EINVAL;
  for (let pc = 0; pc < flen; pc++) {
    const { code, jt, jf } = prog[pc]!;
    const k = prog[pc]!.k >>> 0;
    if (!ALLOWED.has(code)) return E.EINVAL;
    if ((code === (ALU | DIV | K) || code === (ALU | MOD | K)) && k === 0) return E.EINVAL;
    if ((code === (ALU | LSH | K) || code === (ALU | RSH | K)) && k >= 32) return E.EINVAL;
    if ((code === (LD | MEM) || code === (LDX | MEM) || code === ST || code === STX) && k >= BPF_MEMWORDS) return E.EINVAL;
    if (code === (JMP | JA) && k >= flen - pc - 1) return E.EINVAL;
    if (isCond(code) && (pc + jt + 1 >= flen || pc + jf + 1 >= flen)) return E.EINVAL;
    if ((code & 0xe7) === (LD | ABS) && k >= SKF_AD_OFF && !ANCILLARY.has(k - SKF_AD_OFF)) return E.EINVAL;
  }
  const last = prog[flen - 1]!.code;
  if (last !== (RET | K) && last !== (RET | RA)) return E.EINVAL;
  return checkMemory(prog);
}

/** check_load_and_stores: every M[k] read must have been written on each path that reaches it. */
function checkMemory(prog: readonly Insn[]): number {
  const masks = new Array<number>(prog.length).fill(0xffff);
  let valid = 0;
  for (let pc = 0; pc < prog.length; pc++) {
    const { code, jt, jf, k } = prog[pc]!;
    valid &= masks[pc]!;
    if (code === ST || code === STX) valid |= 1 << k;
    else if (code === (LD | MEM) || code === (LDX | MEM)) {
      if (!(valid & (1 << k))) return E.EINVAL;
    } else if (code === (JMP | JA)) {
      masks[pc + 1 + k] = masks[pc + 1 + k]! & valid;
      valid = 0xffff;
    } else if (isCond(code)) {
      masks[pc + 1 + jt] = masks[pc + 1 + jt]! & valid;
      masks[pc + 1 + jf] = masks[pc + 1 + jf]! & valid;
      valid = 0xffff;
    }
  }
  return 0;
}

/** Ends the program with 0: a load outside the packet or a division by X == 0. */
class Drop {}
const DROP = new Drop();
/**
 * Ends the program with A as it is: convert_bpf_extensions' code for SKF_AD_IFINDEX and SKF_AD_HATYPE exits when
 * skb->dev is NULL, and the eBPF exit returns R0, which holds A.
 */
class NoDevice {
  constructor(readonly a: number) {}
}

/** The bytes at k of a size (4, 2, 1), big-endian; a negative k is SKF_NET_OFF or SKF_LL_OFF relative (bpf_internal_load_pointer_neg_helper). */
function load(p: BpfPacket, k: number, size: number): number {
  let at: number;
  if (k >= 0) at = p.start + k;
  else if (k >= SKF_NET_OFF - 0x100000000) at = p.net + (k - (SKF_NET_OFF - 0x100000000));
  else if (k >= SKF_LL_OFF - 0x100000000 && p.mac !== undefined) at = p.mac + (k - (SKF_LL_OFF - 0x100000000));
  else throw DROP;
  if (at < 0 || at + size > p.buf.length) throw DROP;
  let v = 0;
  for (let n = 0; n < size; n++) v = (v << 8) | p.buf[at + n]!;
  return v >>> 0;
}

/** The ancillary value at SKF_AD_OFF + off (convert_bpf_extensions); deterministic stand-ins for the CPU, hash and random number. */
function ancillary(p: BpfPacket, off: number, a: number, x: number): number {
  switch (off) {
    case AD.PROTOCOL: return p.protocol;
    case AD.PKTTYPE: return p.pkttype;
    case AD.IFINDEX:
      if (p.ifindex === undefined) throw new NoDevice(a);
      return p.ifindex;
    case AD.HATYPE:
      if (p.hatype === undefined) throw new NoDevice(a);
      return p.hatype;
    case AD.ALU_XOR_X: return (a ^ x) >>> 0;
    case AD.PAY_OFFSET: return payloadOffset(p);
    // No marks, queues, VLAN tags or netlink attributes on these packets; one CPU; no hash; a fixed "random" number.
    default: return 0;
  }
}

/** skb_get_poff: where the transport payload starts, from data's start, for IPv4/IPv6 TCP and UDP (0 when unknown). */
function payloadOffset(p: BpfPacket): number {
  // The flow dissector knows no network header of another protocol (none at all on AF_UNIX).
  if (p.protocol !== 0x0800 && p.protocol !== 0x86dd) return 0;
  const d = p.buf;
  const n = p.net;
  if (n >= d.length) return 0;
  const v = d[n]! >> 4;
  const ihl = v === 4 ? (d[n]! & 0xf) * 4 : v === 6 ? 40 : 0;
  if (!ihl) return 0;
  const proto = v === 4 ? d[n + 9] : d[n + 6];
  const t = n + ihl;
  if (proto === 6 && t + 13 <= d.length) return t + (d[t + 12]! >> 4) * 4 - p.start;
  if (proto === 17) return t + 8 - p.start;
  return t - p.start;
}

/** Runs a checked program on a packet: the number of bytes to keep (0: drop). */
export function runProgram(prog: readonly Insn[], p: BpfPacket): number {
  const mem = new Uint32Array(BPF_MEMWORDS);
  let a = 0;
  let x = 0;
  const len = p.buf.length - p.start;
  try {
    for (let pc = 0; pc < prog.length; pc++) {
      const { code, jt, jf } = prog[pc]!;
      const k = prog[pc]!.k >>> 0;
      const cls = code & 7;
      if (cls === LD || cls === LDX) {
        const mode = code & 0xe0;
        const size = (code & 0x18) === W ? 4 : (code & 0x18) === H ? 2 : 1;
        let v: number;
        if (mode === IMM) v = k;
        else if (mode === LEN) v = len;
        else if (mode === MEM) v = mem[k]!;
        else if (mode === MSH) v = (load(p, k | 0, 1) & 0xf) * 4;
        else if (mode === ABS && k >= SKF_AD_OFF) v = ancillary(p, k - SKF_AD_OFF, a, x);
        else if (mode === ABS) v = load(p, k | 0, size);
        else v = load(p, (x + k) | 0, size);
        if (cls === LD) a = v;
        else x = v;
      } else if (cls === ST) mem[k] = a;
      else if (cls === STX) mem[k] = x;
      else if (cls === ALU) a = alu(code & 0xf0, a, code & X ? x : k);
      else if (cls === JMP) {
        const op = code & 0xf0;
        if (op === JA) pc += k;
        else {
          const v = code & X ? x : k;
          const taken = op === JEQ ? a === v : op === JGT ? a > v : op === JGE ? a >= v : (a & v) !== 0;
          pc += taken ? jt : jf;
        }
      } else if (cls === RET) return (code & 0x18) === RA ? a : k;
      else if ((code & 0xf8) === TXA) a = x;
      else x = a;
    }
  } catch (e) {
    if (e === DROP) return 0;
    if (e instanceof NoDevice) return e.a;
    throw e;
  }
  return 0;
}

function alu(op: number, a: number, v: number): number {
  switch (op) {
    case ADD: return (a + v) >>> 0;
    case SUB: return (a - v) >>> 0;
    case MUL: return Math.imul(a, v) >>> 0;
    case DIV: if (v === 0) throw DROP; return Math.floor(a / v) >>> 0;
    case MOD: if (v === 0) throw DROP; return a % v >>> 0;
    case OR: return (a | v) >>> 0;
    case AND: return (a & v) >>> 0;
    case XOR: return (a ^ v) >>> 0;
    case LSH: return (a << (v & 31)) >>> 0;
    case RSH: return a >>> (v & 31);
    default: return -a >>> 0;
  }
}

/**
 * sk_filter_trim_cap(sk, skb, 1) on an AF_UNIX datagram (unix_dgram_sendmsg, SOCK_DGRAM and SOCK_SEQPACKET): the
 * program runs on the payload, which has no device and no protocol; undefined when it drops the datagram, else the
 * payload cut to what it keeps (at least a byte).
 */
export function filterPayload(prog: readonly Insn[], data: Uint8Array): Uint8Array | undefined {
  const keep = runProgram(prog, { buf: data, start: 0, net: 0, protocol: 0, pkttype: 0, ifindex: undefined, hatype: undefined });
  if (keep === 0) return undefined;
  return keep < data.length ? data.subarray(0, Math.max(1, keep)) : data;
}
