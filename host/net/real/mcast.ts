// The multicast socket options of a --net=real UDP socket: the interface an
// option names is resolved as Linux resolves it (an index, an address of
// one of the host's interfaces, or the route's choice), with Linux's errno
// when there is none, then handed to Node (dgram.ts). Joining a group is
// an address the host listens on, so the policy asks --allow-listen.
import { E, Errno } from '../../abi/errno.js';
import { canonIp } from '../addr/ipaddr.js';
import { RealDgram } from './dgram.js';
import { ifaceName, ifaceOfV4, ifaceV4 } from './ifaces.js';

/** The IPv4 address Node takes for the interface with this index (it has no index form for IPv4). */
function v4OfIndex(rd: RealDgram, index: number, missing: number): string {
  const name = ifaceName(index);
  if (!name) throw new Errno(missing);
  return ifaceV4(name) ?? rd.rn.fail(E.EOPNOTSUPP, `interface ${name} has no IPv4 address: Node's dgram names an IPv4 multicast interface by address`);
}

/** IP_MULTICAST_IF with an in_addr, ip_mreq or ip_mreqn: EADDRNOTAVAIL for an address or index the host lacks. */
export function realMulticastIf4(rd: RealDgram, ip: string, index: number): void {
  if (index) rd.setMulticastIf(v4OfIndex(rd, index, E.EADDRNOTAVAIL));
  else if (ip === '0.0.0.0' || ifaceOfV4(ip)) rd.setMulticastIf(ip);
  else throw new Errno(E.EADDRNOTAVAIL);
}

/** IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP (group already checked to be 224/4 for a join). */
export function realMembership4(rd: RealDgram, add: boolean, group: string, ifAddr: string, index: number): void {
  // Linux keys a membership by (group, device): 127.0.0.1 and lo's index name the same one.
  let dev: string;
  let iface: string | undefined;
  if (index) {
    const name = ifaceName(index);
    if (!name) throw new Errno(add ? E.ENODEV : E.EADDRNOTAVAIL);
    dev = name;
    iface = v4OfIndex(rd, index, E.ENODEV);
  } else if (ifAddr !== '0.0.0.0') {
    const name = ifaceOfV4(ifAddr);
    if (!name) throw new Errno(add ? E.ENODEV : E.EADDRNOTAVAIL);
    dev = name;
    iface = ifAddr;
  } else dev = '';
  const key = `${group} ${dev}`;
  if (!add) return rd.leave(key);
  rd.rn.checkJoin(group);
  rd.join(key, group, iface);
}

/** IPV6_MULTICAST_IF: an interface index (0: the route's choice); ENODEV for one the host lacks. */
export function realMulticastIf6(rd: RealDgram, index: number): void {
  if (index === 0) return rd.setMulticastIf('::');
  const name = ifaceName(index);
  if (!name) throw new Errno(E.ENODEV);
  rd.setMulticastIf(`::%${name}`);
}

/** IPV6_ADD_MEMBERSHIP / IPV6_DROP_MEMBERSHIP (group already checked to be ff00::/8 for a join). */
export function realMembership6(rd: RealDgram, add: boolean, group: string, index: number): void {
  const name = index ? ifaceName(index) : '';
  if (name === undefined) throw new Errno(add ? E.ENODEV : E.EADDRNOTAVAIL);
  const key = `${canonIp(group)} ${index}`;
  if (!add) return rd.leave(key);
  rd.rn.checkJoin(group);
  rd.join(key, group, name ? `::%${name}` : undefined);
}

/** The socket's real UDP carrier, when it has one. */
export function realDgramOf(s: { real: unknown }): RealDgram | undefined {
  return s.real instanceof RealDgram ? s.real : undefined;
}
