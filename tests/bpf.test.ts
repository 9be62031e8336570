// host/net/bpf.ts: the classic BPF checker (Linux's bpf_check_classic) and
// interpreter, on hand-made programs and on the one `tcpdump -dd 'udp dst
// port 9999'` prints, run over Ethernet frames.
import { describe, expect, it } from 'vitest';
import { E } from '../host/abi/errno.js';
import { checkProgram, decodeInsns, encodeInsns, runProgram, type BpfPacket, type Insn } from '../host/net/bpf.js';

const I = (code: number, jt: number, jf: number, k: number): Insn => ({ code, jt, jf, k });
const RET_K = (k: number): Insn => I(0x06, 0, 0, k);

/** tcpdump -dd 'udp dst port 9999' (link type EN10MB). */
const UDP_9999: Insn[] = [
  I(0x28, 0, 0, 0x0c), I(0x15, 0, 4, 0x86dd), I(0x30, 0, 0, 0x14), I(0x15, 0, 11, 0x11), I(0x28, 0, 0, 0x38), I(0x15, 8, 9, 0x270f),
  I(0x15, 0, 8, 0x0800), I(0x30, 0, 0, 0x17), I(0x15, 0, 6, 0x11), I(0x28, 0, 0, 0x14), I(0x45, 4, 0, 0x1fff), I(0xb1, 0, 0, 0x0e),
  I(0x48, 0, 0, 0x10), I(0x15, 0, 1, 0x270f), RET_K(0x40000), RET_K(0),
];

/** An Ethernet frame with an IPv4 UDP datagram to port dport. */
function udpFrame(dport: number, payload = 4): Uint8Array {
  const f = new Uint8Array(14 + 20 + 8 + payload);
  f[12] = 0x08;
  f[14] = 0x45;
  f[14 + 9] = 17;
  f.set([127, 0, 0, 1, 127, 0, 0, 1], 14 + 12);
  f[34 + 2] = dport >> 8;
  f[34 + 3] = dport & 0xff;
  return f;
}

const raw = (buf: Uint8Array, over: Partial<BpfPacket> = {}): BpfPacket => ({ buf, start: 0, net: 14, mac: 0, protocol: 0x0800, pkttype: 0, ifindex: 1, hatype: 1, ...over });

describe('bpf checker', () => {
  it('accepts a well-formed program and tcpdump output', () => {
    expect(checkProgram([RET_K(0xffff)])).toBe(0);
    expect(checkProgram(UDP_9999)).toBe(0);
  });
  it('refuses what bpf_check_classic refuses', () => {
    expect(checkProgram([])).toBe(E.EINVAL);
    expect(checkProgram(new Array(4097).fill(RET_K(1)))).toBe(E.EINVAL);
    expect(checkProgram(new Array(4096).fill(RET_K(1)))).toBe(0);
    // An unknown opcode, a program not ending in RET, RET X (not allowed).
    expect(checkProgram([I(0xff, 0, 0, 0), RET_K(1)])).toBe(E.EINVAL);
    expect(checkProgram([I(0x20, 0, 0, 0)])).toBe(E.EINVAL);
    expect(checkProgram([I(0x0e, 0, 0, 0)])).toBe(E.EINVAL);
    // Jumps out of range: JA past the end, a conditional whose jf lands past it.
    expect(checkProgram([I(0x05, 0, 0, 1), RET_K(1)])).toBe(E.EINVAL);
    expect(checkProgram([I(0x05, 0, 0, 0), RET_K(1)])).toBe(0);
    expect(checkProgram([I(0x15, 0, 1, 0), RET_K(1)])).toBe(E.EINVAL);
    expect(checkProgram([I(0x15, 0, 1, 0), RET_K(1), RET_K(0)])).toBe(0);
    // Division by a constant 0, shifts of 32, memory slot 16, an unknown ancillary offset.
    expect(checkProgram([I(0x34, 0, 0, 0), RET_K(1)])).toBe(E.EINVAL);
    expect(checkProgram([I(0x94, 0, 0, 0), RET_K(1)])).toBe(E.EINVAL);
    expect(checkProgram([I(0x64, 0, 0, 32), RET_K(1)])).toBe(E.EINVAL);
    expect(checkProgram([I(0x02, 0, 0, 16), RET_K(1)])).toBe(E.EINVAL);
    expect(checkProgram([I(0x20, 0, 0, 0xfffff000 + 64), RET_K(1)])).toBe(E.EINVAL);
    expect(checkProgram([I(0x20, 0, 0, 0xfffff000 + 4), RET_K(1)])).toBe(0);
  });
  it('refuses a memory load no path has stored', () => {
    expect(checkProgram([I(0x60, 0, 0, 3), RET_K(1)])).toBe(E.EINVAL);
    expect(checkProgram([I(0x02, 0, 0, 3), I(0x60, 0, 0, 3), I(0x16, 0, 0, 0)])).toBe(0);
    // Stored on one branch only.
    expect(checkProgram([I(0x15, 0, 1, 0), I(0x02, 0, 0, 3), I(0x60, 0, 0, 3), I(0x16, 0, 0, 0)])).toBe(E.EINVAL);
  });
});

describe('bpf interpreter', () => {
  it('runs tcpdump’s udp dst port filter', () => {
    expect(runProgram(UDP_9999, raw(udpFrame(9999)))).toBe(0x40000);
    expect(runProgram(UDP_9999, raw(udpFrame(9998)))).toBe(0);
    // A frame too short for the port: the load fails and the program gives 0.
    expect(runProgram(UDP_9999, raw(udpFrame(9999).subarray(0, 30)))).toBe(0);
  });
  it('has classic semantics for ALU, X, memory, length and ancillary loads', () => {
    const f = udpFrame(7);
    // A = len; A /= 2; X = A; A = M[0] after storing; RET A.
    expect(runProgram([I(0x80, 0, 0, 0), I(0x34, 0, 0, 2), I(0x07, 0, 0, 0), I(0x02, 0, 0, 0), I(0x87, 0, 0, 0), I(0x0c, 0, 0, 0), I(0x16, 0, 0, 0)], raw(f))).toBe(f.length);
    // Division by X == 0 drops.
    expect(runProgram([I(0x01, 0, 0, 0), I(0x3c, 0, 0, 0), RET_K(9)], raw(f))).toBe(0);
    // X = 4 * (ip[0] & 0xf) from the network header, then a halfword at X + 14 + 2: the port.
    expect(runProgram([I(0xb1, 0, 0, 14), I(0x48, 0, 0, 16), I(0x16, 0, 0, 0)], raw(f))).toBe(7);
    // SKF_AD_PROTOCOL, PKTTYPE, IFINDEX; SKF_NET_OFF + 9 is the IP protocol wherever data starts.
    expect(runProgram([I(0x20, 0, 0, 0xfffff000), I(0x16, 0, 0, 0)], raw(f))).toBe(0x0800);
    expect(runProgram([I(0x20, 0, 0, 0xfffff004), I(0x16, 0, 0, 0)], raw(f, { pkttype: 4 }))).toBe(4);
    expect(runProgram([I(0x20, 0, 0, 0xfffff008), I(0x16, 0, 0, 0)], raw(f))).toBe(1);
    expect(runProgram([I(0x30, 0, 0, 0xfff00009), I(0x16, 0, 0, 0)], raw(f, { start: 34 }))).toBe(17);
    expect(runProgram([I(0x30, 0, 0, 0xffe0000c), I(0x16, 0, 0, 0)], raw(f, { start: 34 }))).toBe(8);
    // With data at the UDP header, offset 2 is the destination port and the length excludes the IP header.
    expect(runProgram([I(0x28, 0, 0, 2), I(0x16, 0, 0, 0)], raw(f, { start: 34 }))).toBe(7);
    expect(runProgram([I(0x80, 0, 0, 0), I(0x16, 0, 0, 0)], raw(f, { start: 34 }))).toBe(12);
    // Unsigned comparisons and wrap-around.
    expect(runProgram([I(0x00, 0, 0, 0), I(0x14, 0, 0, 1), I(0x25, 0, 1, 0x7fffffff), RET_K(1), RET_K(2)], raw(f))).toBe(1);
  });
  it('round-trips struct sock_filter bytes', () => {
    expect(decodeInsns(encodeInsns(UDP_9999))).toEqual(UDP_9999);
  });
});
