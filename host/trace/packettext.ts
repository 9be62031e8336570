// AF_PACKET in strace's words: socket()'s protocol as htons(ETH_P_...)
// (ethernet_protocols) and struct sockaddr_ll (print_sockaddr_data_ll):
// sll_ifindex by its interface's name, as strace asks the tracing host
// (socklab's virtual hosts: lo is 1, eth0 2), sll_addr's sll_halen bytes.
import { ARPHRD, xvalName } from '../net/addr/constants.js';

const ETH_P: Readonly<Record<string, number>> = {
  ETH_P_802_3: 0x0001, ETH_P_AX25: 0x0002, ETH_P_ALL: 0x0003, ETH_P_802_2: 0x0004, ETH_P_SNAP: 0x0005,
  ETH_P_LOOP: 0x0060, ETH_P_PUP: 0x0200, ETH_P_PUPAT: 0x0201, ETH_P_IP: 0x0800, ETH_P_X25: 0x0805, ETH_P_ARP: 0x0806,
  ETH_P_BPQ: 0x08ff, ETH_P_DEC: 0x6000, ETH_P_RARP: 0x8035, ETH_P_ATALK: 0x809b, ETH_P_AARP: 0x80f3, ETH_P_8021Q: 0x8100,
  ETH_P_IPX: 0x8137, ETH_P_IPV6: 0x86dd, ETH_P_PAUSE: 0x8808, ETH_P_SLOW: 0x8809, ETH_P_MPLS_UC: 0x8847,
  ETH_P_MPLS_MC: 0x8848, ETH_P_PPP_DISC: 0x8863, ETH_P_PPP_SES: 0x8864, ETH_P_PAE: 0x888e, ETH_P_8021AD: 0x88a8,
  ETH_P_LLDP: 0x88cc, ETH_P_8021AH: 0x88e7, ETH_P_1588: 0x88f7, ETH_P_LOOPBACK: 0x9000,
};
const PACKET_TYPES: Readonly<Record<string, number>> = {
  PACKET_HOST: 0, PACKET_BROADCAST: 1, PACKET_MULTICAST: 2, PACKET_OTHERHOST: 3, PACKET_OUTGOING: 4, PACKET_LOOPBACK: 5, PACKET_USER: 6, PACKET_KERNEL: 7,
};
const IFNAMES: Readonly<Record<number, string>> = { 1: 'lo', 2: 'eth0' };

const ntohs = (v: number): number => ((v & 0xff) << 8) | ((v >> 8) & 0xff);

/** A 16-bit protocol in network byte order, as strace prints it: htons(ETH_P_IP). */
export function ethProtocolText(be: number): string {
  const v = ntohs(be & 0xffff);
  // printxval: an unknown 0 is "0", others in hex.
  return `htons(${v === 0 ? '0 /* ETH_P_??? */' : xvalName(ETH_P, v, 'ETH_P_???')})`;
}

/** The fields after sa_family of a sockaddr_ll in b (at least 20 bytes), strace's way. */
export function sockaddrLlText(b: Uint8Array): string {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ifindex = dv.getInt32(4, true);
  const name = IFNAMES[ifindex];
  const halen = b[11]!;
  const bytes = [...b.subarray(12, 12 + Math.min(halen, 8))].map((x) => x.toString(16).padStart(2, '0'));
  const addr = halen ? `, sll_addr=[${bytes.join(', ')}${halen > 8 ? ', ...' : ''}]` : '';
  return `sll_protocol=${ethProtocolText(dv.getUint16(2, true))}, sll_ifindex=${name ? `if_nametoindex("${name}")` : ifindex}, sll_hatype=${xvalName(ARPHRD, dv.getUint16(8, true), 'ARPHRD_???')}, sll_pkttype=${xvalName(PACKET_TYPES, b[10]!, 'PACKET_???')}, sll_halen=${halen}${addr}`;
}
