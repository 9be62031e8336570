// AF_PACKET in strace's words: socket()'s protocol as htons(ETH_P_...)
// (ethernet_protocols) and struct sockaddr_ll (print_sockaddr_data_ll):
// sll_ifindex by its interface's name, as strace asks the tracing host
// (socklab's virtual hosts: lo is 1, eth0 2), sll_addr's sll_halen bytes.
import { ARPHRD, ETH_P, PACKET_TYPES, xvalName } from '../net/addr/constants.js';

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
